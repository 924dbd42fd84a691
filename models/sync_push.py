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
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models import commands, corrections, tasks
from models.case_edit import CaseChanges, add_case, edit_case
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.sync_changes import SNAPSHOT_KEYS, Change
from models.sync_session import pin_uids, unpin_uids
from models.sync_snapshot import RECORD_TABLES, read_snapshot
from models.tables import AuditEntry, table_of
from models.validation import FieldError, ValidationFailed
from policies.dates import parse_frequency

_VISIT_FIELDS = ("date", "seen", "seen_alone", "not_alone_reason", "childs_voice", "location",
                 "recorded")
_MEETING_FIELDS = ("kind", "status", "date", "chair", "chair_role", "family_attended",
                   "circulated", "cancelled_on", "cancel_reason")
_NOTE_FIELDS = ("decision", "rationale")
_CORRECTED_FIELDS = {"visit": _VISIT_FIELDS, "meeting": _MEETING_FIELDS,
                     "oversight_note": _NOTE_FIELDS}
_DATE_FIELDS = frozenset({"date", "recorded", "circulated", "cancelled_on", "dob", "allocated",
                          "assessment_completed", "plan_started", "due", "done", "withdrawn_on",
                          "stepped_down_on"})


@dataclass(frozen=True)
class Conflict:
    """A field changed on both sides since the last sync: the server's value stays."""

    ref: str
    record_type: str  # "case", "visit", "meeting" or "oversight_note"
    record_uid: str | None
    field: str
    base: Any
    server: Any
    laptop: Any


@dataclass(frozen=True)
class Sent:
    """What became of a change the server did not refuse."""

    done: bool  # False: the server already had it (sent before), or every field conflicted
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class Environment:
    """What the server's commands need besides the session."""

    policies: Mapping[str, Any]
    calendar: Any
    today: date
    actor: str


def send(session: Session, change: Change, env: Environment) -> Sent:
    sender = _SENDERS.get(change.kind)
    if sender is None:
        raise ValidationFailed([FieldError("change", f"cin cannot send a {change.kind!r}")])
    return sender(session, change, env)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _typed(values: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _day(values.get(name)) if name in _DATE_FIELDS else values.get(name)
            for name in names}


def _has_uid(session: Session, kind: str, uid: str | None) -> bool:
    table = RECORD_TABLES[SNAPSHOT_KEYS.get(kind, kind)]
    return session.execute(select(table.c.id).where(table.c.uid == uid)).first() is not None


def _record_id(session: Session, key: str, uid: str | None) -> int:
    table = RECORD_TABLES[key]
    found = session.execute(select(table.c.id).where(table.c.uid == uid)).scalar()
    if found is None:
        raise ValidationFailed([FieldError("record", "the team server has no such record "
                                                     "(withdrawn or removed there)")])
    return int(found)


# --- the case itself -----------------------------------------------------------------------


def _add_case(session: Session, change: Change, env: Environment) -> Sent:
    values = change.values
    if read_snapshot(session, change.ref) is not None:
        if _added_by_me(session, change.ref):
            return Sent(done=False)  # this laptop's add, sent by a sync cut off after it
        raise ValidationFailed([FieldError("ref", f"a case with reference {change.ref} already "
                                                  "exists on the team server")])
    frequency = values.get("visit_every")
    case = CaseInput(
        ref=change.ref, name=values["name"], allocated=_day(values["allocated"]),  # type: ignore[arg-type]
        policy=values["policy_id"], dob=_day(values.get("dob")), worker=values.get("worker"),
        team=values.get("team"), family=values.get("family"),
        disabled=bool(values.get("disabled")),
        private_fostering=bool(values.get("private_fostering")),
        visit_every=parse_frequency(frequency) if frequency else None,
        assessment_completed=_day(values.get("assessment_completed")),
        plan_started=_day(values.get("plan_started")),
        complex_plan=bool(values.get("complex_plan")),
        key_worker_led=bool(values.get("key_worker_led")))
    add_case(session, case=case, policies=env.policies, actor=env.actor, today=env.today)
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
    if to_send:
        edit_case(session, ref=change.ref, changes=case_changes(to_send),
                  policies=env.policies, actor=env.actor, today=env.today)
    return Sent(done=bool(to_send), conflicts=tuple(conflicts))


def case_changes(values: Mapping[str, Any]) -> CaseChanges:
    """Case fields as a snapshot holds them (JSON), as `edit_case` takes them."""
    edits: dict[str, Any] = {
        name: (parse_frequency(value) if name == "visit_every" and value else
               _day(value) if name in _DATE_FIELDS else value)
        for name, value in values.items()}
    return CaseChanges(**edits)  # type: ignore[typeddict-item]


def correct_record(session: Session, *, ref: str, record_type: str, record_uid: str,
                   values: Mapping[str, Any], reason: str, actor: str, today: date) -> str:
    """Correct a visit, meeting or note to `values` (its fields as a snapshot holds them);
    returns the correction's uid."""
    typed = _typed(values, _CORRECTED_FIELDS[record_type])
    common: dict[str, Any] = {"ref": ref, "reason": reason, "actor": actor, "today": today}
    if record_type == "visit":
        return corrections.correct_visit(session, **common, visit_uid=record_uid,
                                         visit=VisitInput(**typed))
    if record_type == "meeting":
        return corrections.correct_meeting(session, **common, meeting_uid=record_uid,
                                           meeting=MeetingInput(**typed))
    return corrections.correct_oversight_note(session, **common, note_uid=record_uid, **typed)


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
        date=_day(values["date"]), reason=values["reason"], note=values.get("note"),  # type: ignore[arg-type]
        step_down_to_early_help=bool(values.get("step_down_to_early_help")),
        lead_professional=values.get("lead_professional"),
        checklist=dict(values.get("checklist") or {})),
        policies=env.policies, actor=env.actor, today=env.today)
    return Sent(done=True)


# --- new records ---------------------------------------------------------------------------


def _visit(session: Session, change: Change, env: Environment) -> Sent:
    if _has_uid(session, "visit", change.uid):
        return Sent(done=False)
    pin_uids(session, visits=change.uid)
    # The worker confirmed any warning (the same day twice...) when recording it.
    commands.log_visit(session, ref=change.ref, visit=VisitInput(**_typed(
        change.values, _VISIT_FIELDS)), actor=env.actor, today=env.today, confirmed=True)
    return Sent(done=True)


def _meeting(session: Session, change: Change, env: Environment) -> Sent:
    if _has_uid(session, "meeting", change.uid):
        return Sent(done=False)
    values = _typed(change.values, _MEETING_FIELDS)
    pin_uids(session, meetings=change.uid)
    meeting_id = commands.book_meeting(session, ref=change.ref, kind=values["kind"],
                                       date=values["date"], actor=env.actor, today=env.today)
    _progress(session, meeting_id, values, env)
    return Sent(done=True)


def _progress(session: Session, meeting_id: int, values: dict[str, Any],
              env: Environment) -> None:
    """Bring a booked meeting to the laptop's status: held (and circulated), or cancelled."""
    if values["status"] == "held":
        commands.record_meeting_held(
            session, meeting_id=meeting_id, date=values["date"], chair=values["chair"],
            chair_role=values["chair_role"], family_attended=values["family_attended"],
            actor=env.actor, today=env.today)
        if values["circulated"] is not None:
            commands.record_circulated(session, meeting_id=meeting_id,
                                       date=values["circulated"], actor=env.actor,
                                       today=env.today)
    elif values["status"] == "cancelled":
        commands.cancel_meeting(session, meeting_id=meeting_id,
                                reason=values["cancel_reason"] or "cancelled",
                                cancelled_on=values["cancelled_on"] or env.today,
                                actor=env.actor, today=env.today)


def _meeting_progress(session: Session, change: Change, env: Environment) -> Sent:
    server = (read_snapshot(session, change.ref) or {}).get("meetings", {}).get(change.uid)
    if server is None:
        raise ValidationFailed([FieldError("meeting", "the team server has no such meeting")])
    laptop, base = change.values, change.base or {}
    if all(server.get(name) == laptop.get(name) for name in ("status", "circulated")):
        return Sent(done=False)
    if server.get("status") != base.get("status") or server.get("circulated") != base.get(
            "circulated"):
        return Sent(done=False, conflicts=(Conflict(
            change.ref, "meeting", change.uid, "status", base.get("status"),
            server.get("status"), laptop.get("status")),))
    meeting_id = _record_id(session, "meetings", change.uid)
    values = _typed(laptop, _MEETING_FIELDS)
    if server.get("status") == "held" and values["circulated"] is not None:
        commands.record_circulated(session, meeting_id=meeting_id, date=values["circulated"],
                                   actor=env.actor, today=env.today)
    else:
        _progress(session, meeting_id, values, env)
    return Sent(done=True)


def _oversight_note(session: Session, change: Change, env: Environment) -> Sent:
    if _has_uid(session, "oversight_note", change.uid):
        return Sent(done=False)
    values = change.values
    pin_uids(session, oversight_notes=change.uid)
    commands.add_oversight_note(
        session, ref=change.ref, author=values.get("author") or env.actor,
        decision=values["decision"], rationale=values["rationale"],
        actions=[(str(a["description"]), str(a["owner"]), date.fromisoformat(a["due"]))
                 for a in values.get("actions", [])],
        cleared_flags=list(values.get("cleared_flags") or []),
        today=_day(values.get("recorded")) or env.today)
    return Sent(done=True)


def _task(session: Session, change: Change, env: Environment) -> Sent:
    if _has_uid(session, "task", change.uid):
        return Sent(done=False)
    values = change.values
    pin_uids(session, task_completions=change.uid)
    tasks.complete_task(session, ref=change.ref, rule=values["rule_id"],
                        done=_day(values["done"]), due=_day(values.get("due")),  # type: ignore[arg-type]
                        note=values.get("note"), policies=env.policies,
                        calendar=env.calendar, actor=env.actor, today=env.today)
    return Sent(done=True)


def _task_withdrawn(session: Session, change: Change, env: Environment) -> Sent:
    server = (read_snapshot(session, change.ref) or {}).get("task_completions", {}).get(
        change.uid)
    if server is not None and server.get("withdrawn_on"):
        return Sent(done=False)
    tasks.withdraw_task_completion(
        session, completion_id=_record_id(session, "task_completions", change.uid),
        reason=change.values.get("withdrawn_reason") or "withdrawn", actor=env.actor,
        today=_day(change.values.get("withdrawn_on")) or env.today)
    return Sent(done=True)


# --- corrections ---------------------------------------------------------------------------


def _correction(session: Session, change: Change, env: Environment) -> Sent:
    values = change.values
    if _has_uid(session, "corrections", change.uid):
        return Sent(done=False)
    record_type, action = values["record_type"], values["action"]
    record_uid = str(values.get("record_uid") or "")
    day = _day(values.get("recorded")) or env.today
    common: dict[str, Any] = {"ref": change.ref, "reason": values["reason"],
                              "actor": env.actor, "today": day}
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
    fields = _CORRECTED_FIELDS[record_type]
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
                   values=wanted, reason=values["reason"], actor=env.actor, today=day)
    return Sent(done=True, conflicts=tuple(conflicts))


_SENDERS = {
    "add_case": _add_case, "edit_case": _edit_case, "close": _close, "visit": _visit,
    "meeting": _meeting, "meeting_progress": _meeting_progress,
    "oversight_note": _oversight_note, "task": _task, "task_withdrawn": _task_withdrawn,
    "correction": _correction,
}
