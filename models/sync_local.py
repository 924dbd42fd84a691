"""What a laptop's replica remembers about syncing (issue 14, migration 0009): its server, each
case's base, the conflicts waiting for the worker and the changes the server refused.

Everything here runs in a replica (SQLite) session. Every change to what the worker sees
writes an audit entry on the replica, as any other change there does.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from models import audit
from models.sync_changes import Change
from models.sync_push import Conflict
from models.sync_snapshot import Snapshot
from models.tables import (
    AuditEntry,
    Case,
    SyncBase,
    SyncConflict,
    SyncRefusal,
    SyncState,
    table_of,
)

STATE, BASE = table_of(SyncState), table_of(SyncBase)
CONFLICTS, REFUSALS = table_of(SyncConflict), table_of(SyncRefusal)
AUDIT, CASES = table_of(AuditEntry), table_of(Case)


class SyncError(Exception):
    """A sync that cannot start, or cannot finish; the message says why and what to do."""


@dataclass(frozen=True)
class ConflictView:
    """A conflict as the worker sees it."""

    id: int
    ref: str
    record_type: str
    record_uid: str | None
    field: str
    base: Any
    server: Any
    laptop: Any
    found_at: datetime
    # What goes with the laptop's value: a meeting held here while cancelled on the server
    # has its chair and the rest here (kept beside the value, written with it when chosen).
    laptop_with: dict[str, Any] = default(default_factory=dict)


@dataclass(frozen=True)
class RefusalView:
    """A change the server refused, as the worker sees it (`change` is what is kept)."""

    id: int
    ref: str
    summary: str
    reason: str
    refused_at: datetime
    change: Change


# --- the server this replica belongs to ----------------------------------------------------


def link_to_server(session: Session, server: str, identity: str) -> bool:
    """Check (or, the first time, record) that this replica belongs to the server whose
    database identity is `identity`. Returns True on the first sync."""
    row = session.execute(select(STATE.c.server_identity)).first()
    if row is not None:
        if row[0] != identity:
            raise SyncError(
                "this laptop's copy belongs to another team server; nothing was changed. "
                "Sync it with the server it came from, or sync into a new file (--db).")
        session.execute(update(STATE).values(server=server))
        return False
    if session.execute(select(CASES.c.id).limit(1)).first() is not None:
        raise SyncError(
            "this database already holds cases that did not come from the team server; "
            "nothing was changed. Sync into a new file instead (cin --db ~/cin-team.db sync).")
    session.execute(insert(STATE).values(id=1, server=server, server_identity=identity))
    return True


def last_sync(session: Session) -> datetime | None:
    return session.execute(select(STATE.c.last_sync_at)).scalar()


def finished(session: Session) -> None:
    session.execute(update(STATE).values(last_sync_at=audit.utc_now()))


# --- bases -----------------------------------------------------------------------------------


def bases(session: Session) -> dict[str, Snapshot]:
    return {ref: snapshot for ref, snapshot in
            session.execute(select(BASE.c.ref, BASE.c.snapshot)).all()}


def base_of(session: Session, ref: str) -> Snapshot | None:
    found: Snapshot | None = session.execute(
        select(BASE.c.snapshot).where(BASE.c.ref == ref)).scalar()
    return found


def set_base(session: Session, snapshot: Snapshot) -> None:
    ref = snapshot["case"]["ref"]
    session.execute(delete(BASE).where(BASE.c.ref == ref))
    session.execute(insert(BASE).values(ref=ref, version=snapshot["version"], snapshot=snapshot))


def drop_base(session: Session, ref: str) -> None:
    session.execute(delete(BASE).where(BASE.c.ref == ref))


# --- conflicts -------------------------------------------------------------------------------


def keep_conflict(session: Session, conflict: Conflict) -> None:
    """Keep the laptop's value beside the server's (once: found again, it is updated)."""
    same = ((CONFLICTS.c.case_ref == conflict.ref)
            & (CONFLICTS.c.record_type == conflict.record_type)
            & (CONFLICTS.c.field == conflict.field)
            & ((CONFLICTS.c.record_uid == conflict.record_uid) if conflict.record_uid
               else CONFLICTS.c.record_uid.is_(None)))
    values = {"base_value": {"value": conflict.base}, "server_value": {"value": conflict.server},
              "laptop_value": {"value": conflict.laptop, "with": dict(conflict.laptop_with)}}
    existing = session.execute(select(CONFLICTS.c.id).where(same)).scalar()
    if existing is not None:
        session.execute(update(CONFLICTS).where(CONFLICTS.c.id == existing).values(**values))
        return
    session.execute(insert(CONFLICTS).values(
        case_ref=conflict.ref, record_type=conflict.record_type, record_uid=conflict.record_uid,
        field=conflict.field, found_at=audit.utc_now(), **values))
    local_audit(session, conflict.ref, "sync_conflict",
                f"Sync conflict: {words(conflict.record_type, conflict.field)} was changed on "
                "the team server and on this laptop; the server's value stays, this laptop's "
                "is kept beside it until you choose",
                before={"field": conflict.field, "value": conflict.base},
                after={"server": conflict.server, "laptop": conflict.laptop})


def conflicts(session: Session) -> list[ConflictView]:
    return [ConflictView(id=row.id, ref=row.case_ref, record_type=row.record_type,
                         record_uid=row.record_uid, field=row.field,
                         base=(row.base_value or {}).get("value"),
                         server=(row.server_value or {}).get("value"),
                         laptop=(row.laptop_value or {}).get("value"), found_at=row.found_at,
                         laptop_with=dict((row.laptop_value or {}).get("with") or {}))
            for row in session.execute(select(CONFLICTS).order_by(CONFLICTS.c.id))]


def words(record_type: str, field: str) -> str:
    """"the case's worker", "the visit's child's voice"."""
    return f"the {record_type.replace('_', ' ')}'s {field.replace('_', ' ')}"


# --- refusals --------------------------------------------------------------------------------


def keep_refusal(session: Session, change: Change, reason: str) -> None:
    session.execute(delete(REFUSALS).where(REFUSALS.c.change_key == change.key))
    session.execute(insert(REFUSALS).values(
        case_ref=change.ref, change_key=change.key, change=change.as_json(),
        summary=change.summary(), reason=reason,
        refused_at=audit.utc_now()))


def forget_refusal(session: Session, change: Change) -> None:
    session.execute(delete(REFUSALS).where(REFUSALS.c.change_key == change.key))


def refusals(session: Session) -> list[RefusalView]:
    return [RefusalView(id=row.id, ref=row.case_ref, summary=row.summary, reason=row.reason,
                        refused_at=row.refused_at, change=Change.from_json(row.change or {}))
            for row in session.execute(select(REFUSALS).order_by(REFUSALS.c.id))]


# --- the replica's audit trail ---------------------------------------------------------------


def local_audit(session: Session, ref: str | None, action: str, summary: str, *,
                before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                version: int | None = None, actor: str = "cin sync") -> None:
    """An audit entry on the replica that leaves the case's version as it is (the version a
    replica shows is the server's)."""
    if version is None and ref is not None:
        version = session.execute(select(CASES.c.version).where(CASES.c.ref == ref)).scalar()
    session.execute(insert(AUDIT).values(
        at=audit.utc_now(), actor=actor, action=action, case_ref=ref, summary=summary,
        before=audit.json_safe(before), after=audit.json_safe(after), case_version=version))
