"""A case and everything recorded on it as one JSON-ready dict: what `cin sync` compares and
copies (issue 14).

The same snapshot is read from the team server (as the user, so row-level security decides
which cases there are) and from the laptop's replica, and written into the replica. Records
are keyed by their uids, the only identity two databases share; row ids stay local. Values are
JSON (dates as ISO text), so a snapshot compares equal to itself stored and read back.

    {"case": {field: value, ..., "worker": name}, "version": 4,
     "visits": {uid: {...}}, "meetings": {uid: {..., "next_meeting": uid}},
     "oversight_notes": {uid: {..., "actions": [...]}}, "corrections": {uid: {...}},
     "task_completions": {uid: {...}}, "closure": {...} | None}
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, TypeDecorator, delete, insert, select, update
from sqlmodel import Session

from models.audit import json_safe
from models.tables import (
    Case,
    CaseDeadlines,
    Closure,
    Correction,
    Meeting,
    OversightAction,
    OversightNote,
    TaskCompletion,
    Visit,
    Worker,
    table_of,
)

Snapshot = dict[str, Any]

CASES, WORKERS = table_of(Case), table_of(Worker)
# The records kept by uid, by their snapshot key.
RECORD_TABLES: dict[str, Table] = {
    "visits": table_of(Visit), "meetings": table_of(Meeting),
    "oversight_notes": table_of(OversightNote), "corrections": table_of(Correction),
    "task_completions": table_of(TaskCompletion),
}
CLOSURES, ACTIONS = table_of(Closure), table_of(OversightAction)
DEADLINES = table_of(CaseDeadlines)
_LOCAL = ("id", "case_id")  # row ids: never copied between databases
_CASE_LOCAL = ("id", "worker_id", "version")
_ACTION_FIELDS = ("description", "owner", "due", "done")


def visible_versions(session: Session) -> dict[str, int]:
    """ref -> version of every case this session may read."""
    return {str(ref): int(version) for ref, version in
            session.execute(select(CASES.c.ref, CASES.c.version)).all()}


def read_snapshot(session: Session, ref: str) -> Snapshot | None:
    """Case `ref` as this session sees it, or None when there is none (or it may not see it)."""
    row = session.execute(
        select(CASES, WORKERS.c.name.label("worker_name"))
        .select_from(CASES.outerjoin(WORKERS, WORKERS.c.id == CASES.c.worker_id))
        .where(CASES.c.ref == ref)).mappings().first()
    if row is None:
        return None
    case_id = row["id"]
    case = {name: row[name] for name in _names(CASES) if name not in _CASE_LOCAL}
    case["worker"] = row["worker_name"]
    snapshot: Snapshot = {"case": case, "version": int(row["version"])}
    meeting_uids: dict[int, str] = {}
    for key, table in RECORD_TABLES.items():
        records: dict[str, Any] = {}
        for record in session.execute(select(table).where(table.c.case_id == case_id)
                                      .order_by(table.c.id)).mappings():
            values = {name: record[name] for name in _names(table) if name not in _LOCAL}
            if key == "meetings":
                meeting_uids[record["id"]] = str(record["uid"])
            if key == "oversight_notes":
                values["actions"] = [
                    {name: action[name] for name in _ACTION_FIELDS}
                    for action in session.execute(
                        select(ACTIONS).where(ACTIONS.c.note_id == record["id"])
                        .order_by(ACTIONS.c.id)).mappings()]
            records[str(record["uid"])] = values
        snapshot[key] = records
    for values in snapshot["meetings"].values():
        values["next_meeting"] = meeting_uids.get(values.pop("next_meeting_id"))
    closure = session.execute(select(CLOSURES).where(CLOSURES.c.case_id == case_id)
                              ).mappings().first()
    snapshot["closure"] = (None if closure is None else
                           {name: closure[name] for name in _names(CLOSURES)
                            if name not in _LOCAL})
    result: Snapshot = json_safe(_naive_utc(snapshot))
    return result


def store_snapshot(session: Session, snapshot: Snapshot) -> None:
    """Make the replica's copy of the case exactly `snapshot` (the server's): the case row
    updated or added, its records replaced. The replica's own ids are its own."""
    case = dict(snapshot["case"])
    ref = case["ref"]
    values = {name: _typed(CASES, name, value) for name, value in case.items()
              if name != "worker"}
    values["worker_id"] = _worker_id(session, case.get("worker"), case.get("team"))
    values["version"] = snapshot["version"]
    case_id = session.execute(select(CASES.c.id).where(CASES.c.ref == ref)).scalar()
    if case_id is None:
        case_id = _insert(session, CASES, values)
    else:
        _remove_records(session, case_id)
        session.execute(update(CASES).where(CASES.c.id == case_id).values(**values))
    meeting_ids: dict[str, int] = {}
    links: list[tuple[int, str]] = []
    for key, table in RECORD_TABLES.items():
        for record in snapshot.get(key, {}).values():
            row = {name: _typed(table, name, value) for name, value in record.items()
                   if name in table.c}
            row["case_id"] = case_id
            new_id = _insert(session, table, row)
            if key == "meetings":
                meeting_ids[record["uid"]] = new_id
                if record.get("next_meeting"):
                    links.append((new_id, record["next_meeting"]))
            for action in record.get("actions", []) if key == "oversight_notes" else []:
                session.execute(insert(ACTIONS).values(
                    note_id=new_id, **{name: _typed(ACTIONS, name, action[name])
                                       for name in _ACTION_FIELDS}))
    meetings = RECORD_TABLES["meetings"]
    for meeting_id, next_uid in links:
        if next_uid in meeting_ids:
            session.execute(update(meetings).where(meetings.c.id == meeting_id)
                            .values(next_meeting_id=meeting_ids[next_uid]))
    if snapshot.get("closure") is not None:
        session.execute(insert(CLOSURES).values(
            case_id=case_id, **{name: _typed(CLOSURES, name, value)
                                for name, value in snapshot["closure"].items()}))


def remove_case(session: Session, ref: str) -> None:
    """Take case `ref` and everything recorded on it off the replica."""
    case_id = session.execute(select(CASES.c.id).where(CASES.c.ref == ref)).scalar()
    if case_id is None:
        return
    _remove_records(session, case_id)
    session.execute(delete(DEADLINES).where(DEADLINES.c.case_id == case_id))
    session.execute(delete(CASES).where(CASES.c.id == case_id))


def _remove_records(session: Session, case_id: int) -> None:
    notes = RECORD_TABLES["oversight_notes"]
    session.execute(delete(ACTIONS).where(ACTIONS.c.note_id.in_(
        select(notes.c.id).where(notes.c.case_id == case_id))))
    meetings = RECORD_TABLES["meetings"]
    session.execute(update(meetings).where(meetings.c.case_id == case_id)
                    .values(next_meeting_id=None))
    for table in (*RECORD_TABLES.values(), CLOSURES):
        session.execute(delete(table).where(table.c.case_id == case_id))


def _names(table: Table) -> list[str]:
    return [column.name for column in table.columns]


def _naive_utc(value: Any) -> Any:
    """Times as UTC without a zone, as SQLite keeps them: a snapshot read from the server and
    the same one read back from the replica are equal."""
    if isinstance(value, dict):
        return {key: _naive_utc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_naive_utc(item) for item in value]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _worker_id(session: Session, name: str | None, team: str | None) -> int | None:
    if not name:
        return None
    found = session.execute(select(WORKERS.c.id).where(WORKERS.c.name == name)).scalar()
    if found is not None:
        return int(found)
    return _insert(session, WORKERS, {"name": name, "team": team})


def _insert(session: Session, table: Table, values: dict[str, Any]) -> int:
    """Insert one row; its new id."""
    result: Any = session.execute(insert(table).values(**values))
    return int(result.inserted_primary_key[0])


def _typed(table: Table, name: str, value: Any) -> Any:
    """A JSON value back as the column's Python type (dates and times from ISO text)."""
    if not isinstance(value, str) or name not in table.c:
        return value
    python_type = _python_type(table, name)
    if python_type is datetime:  # kept as UTC without a zone (_naive_utc)
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if python_type is date:
        return date.fromisoformat(value)
    return value


def date_columns(table: Table) -> frozenset[str]:
    """The names of `table`'s columns that hold a date (a snapshot keeps them as ISO text)."""
    return frozenset(column.name for column in table.columns
                     if _python_type(table, column.name) is date)


def _python_type(table: Table, name: str) -> type | None:
    kind: Any = table.c[name].type
    if isinstance(kind, TypeDecorator):  # SQLModel's own datetime, say
        kind = kind.impl_instance
    try:
        found: type = kind.python_type
    except NotImplementedError:
        return None
    return found
