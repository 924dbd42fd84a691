"""Sending records new on the laptop, and progress on old ones (issue 14): each looks for the
record's uid on the server first, so a record sent twice is added once. Part of
models/sync_push.py's senders."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models import commands, tasks
from models.inputs import VisitInput
from models.sync_changes import Change
from models.sync_session import pin_uids
from models.sync_snapshot import ACTIONS, read_snapshot
from models.sync_values import (
    MEETING_FIELDS,
    VISIT_FIELDS,
    Conflict,
    Environment,
    Sent,
    day,
    has_uid,
    record_id,
    typed,
)
from models.validation import FieldError, ValidationFailed


def send_visit(session: Session, change: Change, env: Environment) -> Sent:
    if has_uid(session, "visit", change.uid):
        return Sent(done=False)
    pin_uids(session, visits=change.uid)
    # The worker confirmed any warning (the same day twice...) when recording it.
    commands.log_visit(session, ref=change.ref, visit=VisitInput(**typed(
        change.values, VISIT_FIELDS)), actor=env.actor, today=env.today, confirmed=True)
    return Sent(done=True)


def send_meeting(session: Session, change: Change, env: Environment) -> Sent:
    if has_uid(session, "meeting", change.uid):
        return Sent(done=False)
    values = typed(change.values, MEETING_FIELDS)
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


def send_meeting_progress(session: Session, change: Change, env: Environment) -> Sent:
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
            server.get("status"), laptop.get("status"),
            {name: laptop.get(name) for name in MEETING_FIELDS}),))
    meeting_id = record_id(session, "meetings", change.uid)
    values = typed(laptop, MEETING_FIELDS)
    if server.get("status") == "held" and values["circulated"] is not None:
        commands.record_circulated(session, meeting_id=meeting_id, date=values["circulated"],
                                   actor=env.actor, today=env.today)
    else:
        _progress(session, meeting_id, values, env)
    return Sent(done=True)


def send_oversight_note(session: Session, change: Change, env: Environment) -> Sent:
    if has_uid(session, "oversight_note", change.uid):
        return Sent(done=False)
    values = change.values
    pin_uids(session, oversight_notes=change.uid)
    commands.add_oversight_note(
        session, ref=change.ref, author=values.get("author") or env.actor,
        decision=values["decision"], rationale=values["rationale"],
        actions=[(str(a["description"]), str(a["owner"]), date.fromisoformat(a["due"]))
                 for a in values.get("actions", [])],
        cleared_flags=list(values.get("cleared_flags") or []),
        today=day(values.get("recorded")) or env.today)
    return Sent(done=True)


def send_task(session: Session, change: Change, env: Environment) -> Sent:
    if has_uid(session, "task", change.uid):
        return Sent(done=False)
    values = change.values
    pin_uids(session, task_completions=change.uid)
    tasks.complete_task(session, ref=change.ref, rule=values["rule_id"],
                        done=day(values["done"]), due=day(values.get("due")),  # type: ignore[arg-type]
                        note=values.get("note"), policies=env.policies,
                        calendar=env.calendar, actor=env.actor, today=env.today)
    return Sent(done=True)


def send_task_withdrawn(session: Session, change: Change, env: Environment) -> Sent:
    server = (read_snapshot(session, change.ref) or {}).get("task_completions", {}).get(
        change.uid)
    if server is not None and server.get("withdrawn_on"):
        return Sent(done=False)
    tasks.withdraw_task_completion(
        session, completion_id=record_id(session, "task_completions", change.uid),
        reason=change.values.get("withdrawn_reason") or "withdrawn", actor=env.actor,
        today=day(change.values.get("withdrawn_on")) or env.today)
    return Sent(done=True)


def send_action_done(session: Session, change: Change, env: Environment) -> Sent:
    """An oversight action marked done (or open again) on the laptop."""
    values = change.values
    note = (read_snapshot(session, change.ref) or {}).get("oversight_notes", {}).get(
        values.get("note_uid"))
    number = int(values.get("number", -1))
    actions = (note or {}).get("actions") or []
    if not 0 <= number < len(actions):
        raise ValidationFailed([FieldError("action", "the team server has no such oversight "
                                                     "action")])
    if actions[number].get("done") == values.get("done"):
        return Sent(done=False)
    if actions[number].get("done") != (change.base or {}).get("done"):
        return Sent(done=False, conflicts=(Conflict(
            change.ref, "oversight_note", values.get("note_uid"), f"action {number + 1} done",
            (change.base or {}).get("done"), actions[number].get("done"), values.get("done")),))
    action_ids = [int(found) for (found,) in session.execute(
        select(ACTIONS.c.id).where(ACTIONS.c.note_id == record_id(
            session, "oversight_notes", values.get("note_uid")))
        .order_by(ACTIONS.c.id))]
    commands.complete_oversight_action(session, action_id=action_ids[number],
                                       done=day(values.get("done")), actor=env.actor)
    return Sent(done=True)


def send_unsendable(session: Session, change: Change, env: Environment) -> Sent:
    """A change no command carries: refused here, so it is kept and shown, never lost."""
    raise ValidationFailed([FieldError("change", (
        "cin sync has no way to send this change (made by an import into this laptop's copy, "
        "or outside cin); make it on the team server, then let this go"))])
