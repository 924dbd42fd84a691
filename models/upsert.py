"""The bulk import: validate every record, then insert or update by `ref` in one transaction.

Built for authority-sized files (tens of thousands of children, each with a year of visits and
meetings): existing rows are read with a few whole-table queries and the changes are written
with executemany inserts and updates, never one ORM flush per row.

Matching, so that importing the same data twice changes nothing:
- a case by its `ref`;
- a visit by (date, seen) within its case, a meeting by (kind, date); when several share a
  key they are matched in the order they appear. A match whose other fields differ is updated.
- the closure by its case.
An import never deletes: visits, meetings or a closure missing from the file are kept, and a
case field the source did not give (`CaseInput.fields_given`) keeps its stored value.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from sqlalchemy import Boolean, Date, bindparam, insert, select, update
from sqlmodel import Session

from models import audit, stored
from models.db import one_transaction
from models.inputs import CaseInput
from models.tables import Case, Closure, Meeting, Visit, Worker
from models.validation import check_cases, fail_if
from policies.dates import format_frequency

CASES = Case.__table__
VISITS = Visit.__table__
MEETINGS = Meeting.__table__
CLOSURES = Closure.__table__
WORKERS = Worker.__table__

# CaseInput field -> cases column, for the scalar fields of a case.
_CASE_FIELDS: dict[str, str] = {
    "name": "name", "dob": "dob", "worker": "worker_id", "team": "team",
    "policy": "policy_id", "family": "family", "disabled": "disabled",
    "private_fostering": "private_fostering", "visit_every": "visit_every",
    "allocated": "allocated", "assessment_completed": "assessment_completed",
    "plan_started": "plan_started", "stepped_down_from": "stepped_down_from",
    "stepped_down_on": "stepped_down_on", "events": "events",
}
_VISIT_COLUMNS = ("date", "seen", "seen_alone", "not_alone_reason", "childs_voice",
                  "location", "recorded")
_VISIT_KEY = (0, 1)  # (date, seen)
_MEETING_COLUMNS = ("kind", "status", "date", "chair", "chair_role", "family_attended",
                    "circulated", "cancelled_on", "cancel_reason")
_MEETING_KEY = (0, 2)  # (kind, date)
_CLOSURE_COLUMNS = ("date", "reason", "note", "step_down_to_early_help", "lead_professional",
                    "checklist")


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class ImportSummary:
    """What an import added and changed (or, for a dry run, would add and change)."""

    cases: Counts = field(default_factory=Counts)
    visits: Counts = field(default_factory=Counts)
    meetings: Counts = field(default_factory=Counts)
    closures: Counts = field(default_factory=Counts)
    added_refs: list[str] = field(default_factory=list)
    changed_refs: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changes(self) -> int:
        return sum(c.added + c.changed for c in (self.cases, self.visits, self.meetings,
                                                 self.closures))

    def __str__(self) -> str:
        one = self.changes == 1
        verb = ("would be" if self.dry_run else "was" if one else "were")
        parts = [
            f"{name}: {c.added} added, {c.changed} changed, {c.unchanged} unchanged"
            for name, c in (("cases", self.cases), ("visits", self.visits),
                            ("meetings", self.meetings), ("closures", self.closures))
        ]
        head = "Nothing would change" if self.dry_run else "Nothing changed"
        if self.changes:
            head = f"{self.changes} record{'' if one else 's'} {verb} added or changed"
        return f"{head}. " + "; ".join(parts) + "."


@one_transaction
def upsert_cases(
    session: Session,
    *,
    cases: Sequence[CaseInput],
    actor: str,
    policies: Mapping[str, Any],
    today: date,
    dry_run: bool = False,
) -> ImportSummary:
    """Validate all `cases` (raising `ValidationFailed` with every error, each naming its
    record, before anything is written), then add or update them in one transaction with one
    audit entry per added or changed case. `dry_run` only works out the summary."""
    fail_if(check_cases(cases, policies=policies, today=today))
    plan = _Plan(session, cases, dry_run)
    if not dry_run:
        plan.write(actor)
    return plan.summary


class _Plan:
    """Works out every insert and update, then writes them in bulk."""

    def __init__(self, session: Session, cases: Sequence[CaseInput], dry_run: bool) -> None:
        self.session = session
        self.summary = ImportSummary(dry_run=dry_run)
        self.workers: dict[str, int] = dict(
            session.execute(select(WORKERS.c.name, WORKERS.c.id)).all()
        )
        self.worker_names = {worker_id: name for name, worker_id in self.workers.items()}
        self.new_workers: dict[str, str | None] = {}
        stored_cases = {row.ref: row for row in session.execute(select(CASES)).mappings()}
        self.case_inserts: list[dict[str, Any]] = []
        self.case_updates: list[dict[str, Any]] = []
        # Visits and meetings, the bulk of an import, are handled as tuples in stored form.
        self.visit_inserts: list[tuple[str, tuple[Any, ...]]] = []
        self.visit_updates: list[tuple[Any, ...]] = []
        self.meeting_inserts: list[tuple[str, tuple[Any, ...]]] = []
        self.meeting_updates: list[tuple[Any, ...]] = []
        self.closure_inserts: list[tuple[str, dict[str, Any]]] = []
        self.closure_updates: list[dict[str, Any]] = []
        self.audit: dict[str, dict[str, Any]] = {}

        dialect = session.get_bind().dialect
        self.visit_form = _StoredForm(VISITS, _VISIT_COLUMNS, _VISIT_KEY, dialect)
        self.meeting_form = _StoredForm(MEETINGS, _MEETING_COLUMNS, _MEETING_KEY, dialect)
        existing_ids = {row["id"] for row in stored_cases.values()}
        visits = self.visit_form.read(session) if existing_ids else {}
        meetings = self.meeting_form.read(session) if existing_ids else {}
        closures = {
            row["case_id"]: row
            for row in session.execute(select(CLOSURES)).mappings()
            if row["case_id"] in existing_ids
        }
        for case in cases:
            row = stored_cases.get(case.ref)
            if row is None:
                self._add_case(case)
            else:
                self._update_case(case, row, visits, meetings, closures.get(row["id"]))

    # --- working out changes

    def _case_values(self, case: CaseInput, *, only_given: bool) -> dict[str, Any]:
        given = case.fields_given
        values: dict[str, Any] = {}
        for name, column in _CASE_FIELDS.items():
            if only_given and given is not None and name not in given:
                continue
            values[column] = self._case_value(case, name)
        return values

    def _case_value(self, case: CaseInput, name: str) -> Any:
        if name == "worker":
            return self._worker_key(case.worker, case.team)
        if name == "visit_every":
            return format_frequency(case.visit_every) if case.visit_every else None
        if name == "events":
            return {k: v.isoformat() for k, v in sorted(case.events.items())} or None
        return getattr(case, name)

    def _worker_key(self, name: str | None, team: str | None) -> int | str | None:
        """The worker's id, or their name when the worker is new (resolved at write time)."""
        if name is None or not name.strip():
            return None
        name = name.strip()
        if name in self.workers:
            return self.workers[name]
        self.new_workers.setdefault(name, team)
        return name

    def _add_case(self, case: CaseInput) -> None:
        values = self._case_values(case, only_given=False)
        self.case_inserts.append({"ref": case.ref, **values})
        self.summary.cases.added += 1
        self.summary.added_refs.append(case.ref)
        for visit in case.visits:
            self.visit_inserts.append((case.ref, self.visit_form.of(visit)))
        for meeting in case.meetings:
            self.meeting_inserts.append((case.ref, self.meeting_form.of(meeting)))
        self.summary.visits.added += len(case.visits)
        self.summary.meetings.added += len(case.meetings)
        if case.closure is not None:
            self.closure_inserts.append((case.ref, _closure_values(case.closure)))
            self.summary.closures.added += 1
        self.audit[case.ref] = {
            "summary": "Imported a new case"
            + _child_counts(len(case.visits), len(case.meetings), case.closure is not None),
            "before": None,
            "after": self._readable(values),
        }

    def _update_case(
        self,
        case: CaseInput,
        row: Mapping[str, Any],
        visits: _Grouped,
        meetings: _Grouped,
        closure: Mapping[str, Any] | None,
    ) -> None:
        case_id = row["id"]
        values = self._case_values(case, only_given=True)
        changed = {col: v for col, v in values.items() if row[col] != v}
        if changed:
            self.case_updates.append({"id": case_id, **changed})
        notes: list[str] = []
        before: dict[str, Any] = {col: row[col] for col in changed}
        after: dict[str, Any] = dict(changed)

        for children, form, grouped, inserts, updates, counts, what in (
            (case.visits, self.visit_form, visits, self.visit_inserts, self.visit_updates,
             self.summary.visits, "visit"),
            (case.meetings, self.meeting_form, meetings, self.meeting_inserts,
             self.meeting_updates, self.summary.meetings, "meeting"),
        ):
            added = updated = 0
            for child in children:
                new = form.of(child)
                match = _take(grouped, form.key(case_id, new))
                if match is None:
                    inserts.append((case.ref, new))
                    added += 1
                elif match[1] != new:
                    updates.append((*new, match[0]))
                    updated += 1
                else:
                    counts.unchanged += 1
            counts.added += added
            counts.changed += updated
            notes += _change_note(what, added, updated)
        if case.closure is not None:
            new = _closure_values(case.closure)
            if closure is None:
                self.closure_inserts.append((case.ref, new))
                self.summary.closures.added += 1
                notes.append("closed")
                after["closure"] = new
            elif any(closure[c] != new[c] for c in _CLOSURE_COLUMNS):
                self.closure_updates.append({"id": closure["id"], **new})
                self.summary.closures.changed += 1
                notes.append("closure changed")
                before["closure"] = {c: closure[c] for c in _CLOSURE_COLUMNS}
                after["closure"] = new
            else:
                self.summary.closures.unchanged += 1

        if not changed and not notes:
            self.summary.cases.unchanged += 1
            return
        self.summary.cases.changed += 1
        self.summary.changed_refs.append(case.ref)
        fields = [_field_name(col) for col in changed]
        what = ([f"changed {', '.join(fields)}"] if fields else []) + notes
        self.audit[case.ref] = {
            "summary": "Imported changes: " + "; ".join(what),
            "before": self._readable(before),
            "after": self._readable(after),
        }

    # --- writing

    def write(self, actor: str) -> None:
        execute = self.session.execute
        if self.new_workers:
            execute(insert(WORKERS), [
                {"name": name, "team": team} for name, team in self.new_workers.items()
            ])
            self.workers = dict(execute(select(WORKERS.c.name, WORKERS.c.id)).all())
        now = audit.utc_now()
        if self.case_inserts:
            execute(insert(CASES), [
                {**self._resolve_worker(values), "created_at": now, "updated_at": now}
                for values in self.case_inserts
            ])
        _update_by_id(self.session, CASES, [
            {**self._resolve_worker(row), "updated_at": now} for row in self.case_updates
        ])
        case_ids: dict[str, int] = dict(execute(select(CASES.c.ref, CASES.c.id)).all()) if (
            self.visit_inserts or self.meeting_inserts or self.closure_inserts
        ) else {}
        if self.closure_inserts:
            execute(insert(CLOSURES), [
                {"case_id": case_ids[ref], **values} for ref, values in self.closure_inserts
            ])
        _update_by_id(self.session, CLOSURES, self.closure_updates)
        for form, inserts, updates in (
            (self.visit_form, self.visit_inserts, self.visit_updates),
            (self.meeting_form, self.meeting_inserts, self.meeting_updates),
        ):
            form.insert(self.session, [(case_ids[ref], *values) for ref, values in inserts])
            form.update(self.session, updates)
        audit.record_many(self.session, [
            {"actor": actor, "action": "import", "case_ref": ref, **entry}
            for ref, entry in self.audit.items()
        ])

    def _readable(self, values: dict[str, Any]) -> dict[str, Any]:
        """Audit values name the worker rather than giving a row id."""
        if "worker_id" not in values:
            return values
        worker = values["worker_id"]
        names = self.worker_names
        readable = {k: v for k, v in values.items() if k != "worker_id"}
        readable["worker"] = names.get(worker, worker) if isinstance(worker, int) else worker
        return readable

    def _resolve_worker(self, values: dict[str, Any]) -> dict[str, Any]:
        worker = values.get("worker_id")
        if isinstance(worker, str):
            return {**values, "worker_id": self.workers[worker]}
        return values


_Stored = tuple[Any, ...]
_Grouped = dict[tuple[Any, ...], deque[tuple[int, _Stored]]]


class _StoredForm:
    """A child table's columns in a fixed order, with conversions to the stored form (ISO
    date text, 0/1: see `models.stored`). New values are compared with the raw stored rows
    and written with plain executemany: no per-row statement machinery for the bulk."""

    def __init__(
        self, table: Any, columns: tuple[str, ...], key: tuple[int, int], dialect: Any
    ) -> None:
        self.table, self.columns, self.key_at = table, columns, key
        self.get = attrgetter(*columns)
        convert = [_to_stored(table.c[name].type, dialect) for name in columns]
        self.converted = [(i, f) for i, f in enumerate(convert) if f is not None]

    def of(self, child: Any) -> _Stored:
        values = list(self.get(child))
        for i, convert in self.converted:
            if values[i] is not None:
                values[i] = convert(values[i])
        return tuple(values)

    def key(self, case_id: int, values: _Stored) -> tuple[Any, ...]:
        return (case_id, values[self.key_at[0]], values[self.key_at[1]])

    def read(self, session: Session) -> _Grouped:
        """Every stored row as (id, values), grouped by (case_id, key), in id order."""
        sql = (
            f"SELECT id, case_id, {', '.join(self.columns)} FROM {self.table.name} "
            "ORDER BY case_id, id"
        )
        grouped: _Grouped = defaultdict(deque)
        key_a, key_b = self.key_at
        for row in _driver_cursor(session).execute(sql):
            values = row[2:]
            grouped[(row[1], values[key_a], values[key_b])].append((row[0], values))
        return grouped

    def insert(self, session: Session, rows: list[tuple[Any, ...]]) -> None:
        """Rows are (case_id, *values)."""
        if rows:
            marks = ", ".join("?" * (len(self.columns) + 1))
            _driver_cursor(session).executemany(
                f"INSERT INTO {self.table.name} (case_id, {', '.join(self.columns)}) "
                f"VALUES ({marks})",
                rows,
            )

    def update(self, session: Session, rows: list[tuple[Any, ...]]) -> None:
        """Rows are (*values, id)."""
        if rows:
            assignments = ", ".join(f"{c} = ?" for c in self.columns)
            _driver_cursor(session).executemany(
                f"UPDATE {self.table.name} SET {assignments} WHERE id = ?", rows
            )


def _to_stored(column_type: Any, dialect: Any) -> Any:
    """The conversion of a value to its stored form (None when it is stored as it is)."""
    if isinstance(column_type, Date):
        return stored.date_to_stored
    if isinstance(column_type, Boolean):
        return stored.bool_to_stored
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _driver_cursor(session: Session) -> Any:
    """A sqlite3 cursor on the session's own connection, inside its transaction."""
    return session.connection().connection.dbapi_connection.cursor()


def _take(grouped: _Grouped, key: tuple[Any, ...]) -> tuple[int, _Stored] | None:
    rows = grouped.get(key)
    return rows.popleft() if rows else None


def _update_by_id(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """UPDATE rows by primary key with executemany; each dict holds "id" and new values."""
    grouped: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:  # executemany needs the same parameters in every row
        grouped[tuple(sorted(k for k in row if k != "id"))].append(row)
    for columns, group in grouped.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("p_id"))
            .values({c: bindparam(f"p_{c}", type_=table.c[c].type) for c in columns})
        )
        session.execute(statement, [{f"p_{k}": v for k, v in row.items()} for row in group])


def _closure_values(closure: Any) -> dict[str, Any]:
    values = {c: getattr(closure, c) for c in _CLOSURE_COLUMNS}
    values["checklist"] = dict(closure.checklist) or None
    return values


def _field_name(column: str) -> str:
    return {"worker_id": "worker", "policy_id": "policy"}.get(column, column)


def _child_counts(visits: int, meetings: int, closed: bool) -> str:
    parts = []
    if visits:
        parts.append(f"{visits} visit{'s' if visits != 1 else ''}")
    if meetings:
        parts.append(f"{meetings} meeting{'s' if meetings != 1 else ''}")
    if closed:
        parts.append("a closure")
    return f" with {', '.join(parts)}" if parts else ""


def _change_note(what: str, added: int, updated: int) -> list[str]:
    notes = []
    if added:
        notes.append(f"{added} {what}{'s' if added != 1 else ''} added")
    if updated:
        notes.append(f"{updated} {what}{'s' if updated != 1 else ''} changed")
    return notes
