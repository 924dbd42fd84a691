"""Sending one laptop change to the team server through the server's own commands (issue 14).

`send(session, change, ...)` runs inside `models.sync_session.change_transaction`, connected
as the worker's own login, so the server's row-level security and audit actor apply exactly
as to a change made there. Each kind first looks whether the server already has it (the
record's uid, the field's value), so sending a change twice does it once. A field changed on
both sides comes back as a `Conflict` and is not sent; anything the server refuses raises
(models.validation.ValidationFailed and friends), and the caller keeps the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models import commands, corrections
from models.case_edit import add_case, edit_case
from models.inputs import ClosureInput, MeetingInput, VisitInput
from models.sync_case_fields import FOLLOWED_BY, case_changes, case_input
from models.sync_changes import SNAPSHOT_KEYS, Change
from models.sync_links import send_meeting_link
from models.sync_records import (
    send_action_done,
    send_meeting,
    send_meeting_progress,
    send_oversight_note,
    send_task,
    send_task_withdrawn,
    send_unsendable,
    send_visit,
)
from models.sync_session import pin_uids, unpin_uids
from models.sync_snapshot import read_snapshot
from models.sync_values import (
    CORRECTED_FIELDS,
    Conflict,
    Environment,
    Sent,
    day,
    has_uid,
    typed,
)
from models.tables import AuditEntry, table_of
from models.validation import FieldError, ValidationFailed

__all__ = ["Conflict", "Environment", "Sent", "case_changes", "correct_record", "send"]


def send(session: Session, change: Change, env: Environment) -> Sent:
    sender = _SENDERS.get(change.kind)
    if sender is None:
        raise ValidationFailed([FieldError("change", f"cin cannot send a {change.kind!r}")])
    return sender(session, change, env)


# --- the case itself -----------------------------------------------------------------------


def _add_case(session: Session, change: Change, env: Environment) -> Sent:
    values = change.values
    if read_snapshot(session, change.ref) is not None:
        if _added_by_me(session, change.ref):
            return Sent(done=False)  # this laptop's add, sent by a sync cut off after it
        raise ValidationFailed([FieldError("ref", f"a case with reference {change.ref} already "
                                                  "exists on the team server")])
    # Every field add_case takes, from the snapshot (models/sync_case_fields.py); a field it
    # cannot take was kept on the laptop as an unsendable change (models/sync_changes.py).
    add_case(session, case=case_input(values), policies=env.policies, actor=env.actor,
             today=env.today)
    return Sent(done=True)


def _added_by_me(session: Session, ref: str) -> bool:
    """Whether the server's case `ref` was added by this login (the audit actor is the
    login's staff name on a team server; else the actor given)."""
    audit = table_of(AuditEntry)
    actors = {actor for (actor,) in session.execute(
        select(audit.c.actor).where(audit.c.case_ref == ref, audit.c.action == "add_case"))}
    mine = session.connection().exec_driver_sql(
        "SELECT full_name FROM staff WHERE login = current_user").scalar() \
        if session.get_bind().dialect.name == "postgresql" else None
    return bool(actors) and (mine in actors)


def _edit_case(session: Session, change: Change, env: Environment) -> Sent:
    server = read_snapshot(session, change.ref)
    if server is None:
        raise ValidationFailed([FieldError("ref", f"case {change.ref} is not on the team server "
                                                  "for you (moved to another team, or removed)")])
    base = change.base or {}
    to_send: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    for name, laptop in change.values.items():
        now = server["case"].get(name)
        if now == laptop:
            continue
        if now == base.get(name):
            to_send[name] = laptop
        else:
            conflicts.append(Conflict(change.ref, "case", None, name, base.get(name), now, laptop))
    if any(c.field in FOLLOWED_BY for c in conflicts):
        # A flag that follows codes (disabled follows the disability codes) waits with them:
        # sent alone it would contradict the server's codes, and choosing the codes sets it.
        followers = {FOLLOWED_BY[c.field] for c in conflicts if c.field in FOLLOWED_BY}
        to_send = {name: value for name, value in to_send.items() if name not in followers}
        conflicts = [c for c in conflicts if c.field not in followers]
    if to_send:
        edit_case(session, ref=change.ref, changes=case_changes(to_send),
                  policies=env.policies, actor=env.actor, today=env.today)
    return Sent(done=bool(to_send), conflicts=tuple(conflicts))


def correct_record(session: Session, *, ref: str, record_type: str, record_uid: str,
                   values: Mapping[str, Any], reason: str, actor: str, today: date) -> str:
    """Correct a visit, meeting or note to `values` (its fields as a snapshot holds them);
    returns the correction's uid."""
    fields = typed(values, CORRECTED_FIELDS[record_type])
    common: dict[str, Any] = {"ref": ref, "reason": reason, "actor": actor, "today": today}
    if record_type == "visit":
        return corrections.correct_visit(session, **common, visit_uid=record_uid,
                                         visit=VisitInput(**fields))
    if record_type == "meeting":
        return corrections.correct_meeting(session, **common, meeting_uid=record_uid,
                                           meeting=MeetingInput(**fields))
    return corrections.correct_oversight_note(session, **common, note_uid=record_uid, **fields)


def _close(session: Session, change: Change, env: Environment) -> Sent:
    server = read_snapshot(session, change.ref)
    closure = (server or {}).get("closure")
    values = change.values
    if closure is not None:
        if closure.get("date") == values.get("date"):
            return Sent(done=False)
        raise ValidationFailed([FieldError("closure", "the case was closed on the team server "
                                                      f"meanwhile, on {closure.get('date')}")])
    commands.close_case(session, ref=change.ref, closure=ClosureInput(
        date=day(values["date"]), reason=values["reason"], note=values.get("note"),  # type: ignore[arg-type]
        step_down_to_early_help=bool(values.get("step_down_to_early_help")),
        lead_professional=values.get("lead_professional"),
        checklist=dict(values.get("checklist") or {})),
        policies=env.policies, actor=env.actor, today=env.today)
    return Sent(done=True)


# --- corrections ---------------------------------------------------------------------------


def _correction(session: Session, change: Change, env: Environment) -> Sent:
    values = change.values
    if has_uid(session, "corrections", change.uid):
        return Sent(done=False)
    record_type, action = values["record_type"], values["action"]
    record_uid = str(values.get("record_uid") or "")
    when = day(values.get("recorded")) or env.today
    common: dict[str, Any] = {"ref": change.ref, "reason": values["reason"],
                              "actor": env.actor, "today": when}
    pin_uids(session, corrections=change.uid)
    if action == "reopened":
        corrections.reopen_case(session, **common)
        return Sent(done=True)
    if action == "withdrawn":
        if record_type == "visit":
            corrections.withdraw_visit(session, **common, visit_uid=record_uid)
        elif record_type == "meeting":
            corrections.withdraw_meeting(session, **common, meeting_uid=record_uid)
        else:
            corrections.withdraw_oversight_note(session, **common, note_uid=record_uid)
        return Sent(done=True)
    fields = CORRECTED_FIELDS[record_type]
    server = (read_snapshot(session, change.ref) or {}).get(
        SNAPSHOT_KEYS[record_type], {}).get(record_uid)
    if server is None:
        raise ValidationFailed([FieldError(record_type, "the team server has no such record")])
    before, after, base = values.get("before") or {}, values.get("after") or {}, change.base
    wanted = {name: server.get(name) for name in fields}
    conflicts: list[Conflict] = []
    for name in fields:
        if before.get(name) == after.get(name) or server.get(name) == after.get(name):
            continue
        if base is not None and server.get(name) != base.get(name):
            conflicts.append(Conflict(change.ref, record_type, record_uid, name,
                                      base.get(name), server.get(name), after.get(name)))
        else:
            wanted[name] = after.get(name)
    if all(wanted[name] == server.get(name) for name in fields):
        unpin_uids(session)
        return Sent(done=False, conflicts=tuple(conflicts))
    correct_record(session, ref=change.ref, record_type=record_type, record_uid=record_uid,
                   values=wanted, reason=values["reason"], actor=env.actor, today=when)
    return Sent(done=True, conflicts=tuple(conflicts))


_SENDERS = {
    "add_case": _add_case, "edit_case": _edit_case, "close": _close,
    "visit": send_visit, "meeting": send_meeting, "meeting_progress": send_meeting_progress,
    "oversight_note": send_oversight_note, "task": send_task,
    "task_withdrawn": send_task_withdrawn, "action_done": send_action_done,
    "correction": _correction, "unsendable": send_unsendable, "meeting_link": send_meeting_link,
}
