"""Correcting what was recorded: a visit, meeting or oversight note corrected or withdrawn, a
closed case reopened. Nothing is ever deleted.

- a correction changes the record in place (its identity, the uid, stays);
- a withdrawal keeps the record, marked `withdrawn_on` / `withdrawn_reason`: it then counts
  for nothing (models.queries leaves it out of the facts) but the history still shows it;
- a reopening removes the case's closure row, whose every field lives on in the correction's
  `before` and in the audit trail; the case can be closed again later.

Each is one transaction that writes a `Correction` row (the case's history) and an audit
entry, both with the record before and after, and needs a reason. The deadlines stored for
the case go stale by the triggers on these tables (migrations 0003 and 0007).
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from models import audit, versions
from models.db import one_transaction
from models.history import changed_words, record_words, value_words
from models.inputs import MeetingInput, VisitInput
from models.tables import Case, Closure, Correction, Meeting, OversightNote, Visit
from models.validation import (
    FieldError,
    ValidationFailed,
    check_meeting,
    check_text,
    check_visit,
    fail_if,
)
from policies.dates import format_date

__all__ = [
    "correct_meeting",
    "correct_oversight_note",
    "correct_visit",
    "reopen_case",
    "withdraw_meeting",
    "withdraw_oversight_note",
    "withdraw_visit",
]

R = TypeVar("R", Visit, Meeting, OversightNote)

_VISIT_FIELDS = ("date", "seen", "seen_alone", "not_alone_reason", "childs_voice", "location",
                 "recorded")
_MEETING_FIELDS = ("kind", "status", "date", "chair", "chair_role", "family_attended",
                   "circulated", "cancelled_on", "cancel_reason")
_WORDS = {Visit: "visit", Meeting: "meeting", OversightNote: "oversight note"}
_RECORD_TYPES = {Visit: "visit", Meeting: "meeting", OversightNote: "oversight_note"}
_FIELDS = {Visit: "visit", Meeting: "meeting", OversightNote: "note"}


# --- lookups and shared checks --------------------------------------------------------------


def _case(session: Session, ref: str, expected_version: int | None) -> Case:
    """The case, its version claimed for this change (models/versions.py)."""
    case = session.exec(select(Case).where(Case.ref == ref)).first()
    if case is None:
        raise ValidationFailed([FieldError("ref", f"no case with reference {ref!r}")])
    versions.claim(session, case, expected_version)
    return case


def _record(session: Session, table: type[R], case: Case, uid: str) -> R:
    """The case's visit, meeting or note with this uid, not withdrawn."""
    words, field = _WORDS[table], _FIELDS[table]
    row = session.exec(select(table).where(col(table.uid) == uid)).first()
    if row is None or row.case_id != case.id:
        raise ValidationFailed([FieldError(
            field, f"case {case.ref} has no {words} with id {uid!r}; `cin history "
                   f"{case.ref}` lists its records with their ids")])
    if row.withdrawn_on is not None:
        raise ValidationFailed([FieldError(
            field, f"this {words} was withdrawn on {format_date(row.withdrawn_on)}; a "
                   "withdrawn record cannot be corrected or withdrawn again")])
    return row


def _reason_errors(reason: str) -> list[FieldError]:
    if not (reason or "").strip():
        return [FieldError("reason", "required: say why the record is being changed (it is "
                                     "kept in the case's history)")]
    return check_text("reason", reason, long=True)


def _closure(session: Session, case: Case) -> Closure | None:
    return session.exec(select(Closure).where(Closure.case_id == case.id)).first()


def _write(
    session: Session, *, case: Case, table: type[SQLModel] | None, uid: str | None,
    action: str, reason: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
    actor: str, today: date, audit_action: str,
) -> str:
    """The Correction row and the audit entry of one change; returns the correction's uid."""
    assert case.id is not None  # a stored case
    record_type = _RECORD_TYPES[table] if table is not None else "closure"
    row = Correction(
        case_id=case.id, record_type=record_type, record_uid=uid, action=action,
        recorded=today, at=audit.utc_now(), actor=actor, reason=reason.strip(),
        before=audit.json_safe(before), after=audit.json_safe(after),
    )
    session.add(row)
    if action == "reopened":
        closed = before or {}
        summary = (f"Case reopened (closed {value_words('date', closed.get('date'))}, "
                   f"{closed['reason']}): {reason.strip()}")
    else:
        record = record_words(record_type, audit.json_safe(after or before))
        changes = changed_words(audit.json_safe(before), audit.json_safe(after))
        detail = f": {changes}" if action == "corrected" and changes else ""
        summary = f"{record} {action}{detail} (reason: {reason.strip()})"
    audit.record(session, actor=actor, action=audit_action, case_ref=case.ref,
                 summary=summary, before=before, after=after)
    session.flush()
    return row.uid


def _unchanged(before: dict[str, Any] | None, after: dict[str, Any] | None,
               fields: tuple[str, ...], field: str) -> list[FieldError]:
    if all((before or {}).get(name) == (after or {}).get(name) for name in fields):
        return [FieldError(field, "nothing to correct: the record already says this; change "
                                  "a field, or withdraw the record instead")]
    return []


# --- visits ---------------------------------------------------------------------------------


@one_transaction
def correct_visit(
    session: Session, *, ref: str, visit_uid: str, visit: VisitInput, reason: str, actor: str,
    today: date, expected_version: int | None = None,
) -> str:
    """Change a recorded visit to `visit` (every field), checked as a new visit is; returns
    the correction's uid."""
    case = _case(session, ref, expected_version)
    row = _record(session, Visit, case, visit_uid)
    closure = _closure(session, case)
    # A visit imported from an older system may lack whether the child was seen alone and
    # the child's voice; its correction is held to what the original had, as the import was.
    historic = row.seen and (row.seen_alone is None or not (row.childs_voice or "").strip())
    errors = check_visit(visit, dob=case.dob, allocated=case.allocated, today=today,
                         closure_date=closure.date if closure else None, historic=historic)
    errors += _reason_errors(reason)
    before = audit.snapshot(row)
    for name in _VISIT_FIELDS:
        setattr(row, name, getattr(visit, name))
    after = audit.snapshot(row)
    errors += _unchanged(before, after, _VISIT_FIELDS, "visit")
    fail_if(errors)  # one_transaction rolls back the change made to the row above
    session.add(row)
    session.flush()
    return _write(session, case=case, table=Visit, uid=row.uid, action="corrected",
                  reason=reason, before=before, after=after, actor=actor, today=today,
                  audit_action="correct_visit")


@one_transaction
def withdraw_visit(
    session: Session, *, ref: str, visit_uid: str, reason: str, actor: str, today: date,
    expected_version: int | None = None,
) -> str:
    """Withdraw a visit logged in error: kept, but it counts for nothing from now on."""
    case = _case(session, ref, expected_version)
    row = _record(session, Visit, case, visit_uid)
    return _withdraw(session, case, Visit, row, reason, actor, today)


def _withdraw(session: Session, case: Case, table: type[SQLModel], row: Any, reason: str,
              actor: str, today: date, *, extra: tuple[str, Any, Any] | None = None) -> str:
    fail_if(_reason_errors(reason))
    before = audit.snapshot(row)
    row.withdrawn_on, row.withdrawn_reason = today, reason.strip()
    session.add(row)
    session.flush()
    after = audit.snapshot(row)
    if extra is not None and before is not None and after is not None:
        name, was, now = extra
        before[name], after[name] = was, now
    return _write(session, case=case, table=table, uid=row.uid, action="withdrawn",
                  reason=reason, before=before, after=after, actor=actor, today=today,
                  audit_action=f"withdraw_{_RECORD_TYPES[table]}")


# --- meetings -------------------------------------------------------------------------------


def _earlier_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The meeting that booked this one as its next (record_meeting_held), if any."""
    return session.exec(
        select(Meeting).where(col(Meeting.next_meeting_id) == meeting.id)).first()


@one_transaction
def correct_meeting(
    session: Session, *, ref: str, meeting_uid: str, meeting: MeetingInput, reason: str,
    actor: str, today: date, expected_version: int | None = None,
) -> str:
    """Change a recorded meeting to `meeting` (every field, its status too), checked as a
    meeting is. A meeting whose next one was booked when it was held stays held and before
    it."""
    case = _case(session, ref, expected_version)
    row = _record(session, Meeting, case, meeting_uid)
    closure = _closure(session, case)
    errors = check_meeting(meeting, today=today, dob=case.dob,
                           closure_date=closure.date if closure else None)
    errors += _reason_errors(reason)
    following = session.get(Meeting, row.next_meeting_id) if row.next_meeting_id else None
    if following is not None and following.withdrawn_on is None:
        booked = (f"the {following.kind.replace('_', ' ')} meeting of "
                  f"{format_date(following.date)} was booked as this one's next when it was "
                  "held")
        if meeting.status != "held":
            errors.append(FieldError(
                "status", f"{booked}; withdraw that one first if this was never held"))
        elif meeting.date >= following.date:
            errors.append(FieldError(
                "date", f"{format_date(meeting.date)} is not before the next meeting: {booked}"))
    before = audit.snapshot(row)
    for name in _MEETING_FIELDS:
        setattr(row, name, getattr(meeting, name))
    after = audit.snapshot(row)
    errors += _unchanged(before, after, _MEETING_FIELDS, "meeting")
    fail_if(errors)
    session.add(row)
    session.flush()
    return _write(session, case=case, table=Meeting, uid=row.uid, action="corrected",
                  reason=reason, before=before, after=after, actor=actor, today=today,
                  audit_action="correct_meeting")


@one_transaction
def withdraw_meeting(
    session: Session, *, ref: str, meeting_uid: str, reason: str, actor: str, today: date,
    expected_version: int | None = None,
) -> str:
    """Withdraw a meeting recorded in error. When it was booked as another meeting's next,
    that meeting no longer names it (the change is in the same before and after)."""
    case = _case(session, ref, expected_version)
    row = _record(session, Meeting, case, meeting_uid)
    earlier = _earlier_meeting(session, row)
    extra = None
    if earlier is not None:
        fail_if(_reason_errors(reason))
        was = audit.snapshot(earlier)
        earlier.next_meeting_id = None
        session.add(earlier)
        extra = ("earlier_meeting", was, audit.snapshot(earlier))
    return _withdraw(session, case, Meeting, row, reason, actor, today, extra=extra)


# --- oversight notes ------------------------------------------------------------------------


@one_transaction
def correct_oversight_note(
    session: Session, *, ref: str, note_uid: str, decision: str, rationale: str, reason: str,
    actor: str, today: date, expected_version: int | None = None,
) -> str:
    """Change a note's decision and rationale (its actions and flags stay as they are)."""
    case = _case(session, ref, expected_version)
    row = _record(session, OversightNote, case, note_uid)
    errors = [
        FieldError(name, f"required: the {what}")
        for name, value, what in (("decision", decision, "decision"),
                                  ("rationale", rationale, "reasons for the decision"))
        if not (value or "").strip()
    ]
    errors += check_text("decision", decision, long=True)
    errors += check_text("rationale", rationale, long=True)
    errors += _reason_errors(reason)
    before = audit.snapshot(row)
    row.decision, row.rationale = (decision or "").strip(), (rationale or "").strip()
    after = audit.snapshot(row)
    errors += _unchanged(before, after, ("decision", "rationale"), "note")
    fail_if(errors)
    session.add(row)
    session.flush()
    return _write(session, case=case, table=OversightNote, uid=row.uid, action="corrected",
                  reason=reason, before=before, after=after, actor=actor, today=today,
                  audit_action="correct_oversight_note")


@one_transaction
def withdraw_oversight_note(
    session: Session, *, ref: str, note_uid: str, reason: str, actor: str, today: date,
    expected_version: int | None = None,
) -> str:
    """Withdraw a note recorded in error: the flags it cleared are open again and its
    actions no longer count."""
    case = _case(session, ref, expected_version)
    row = _record(session, OversightNote, case, note_uid)
    return _withdraw(session, case, OversightNote, row, reason, actor, today)


# --- reopening ------------------------------------------------------------------------------


@one_transaction
def reopen_case(session: Session, *, ref: str, reason: str, actor: str, today: date,
                expected_version: int | None = None) -> str:
    """Reopen a closed case: its closure is removed (kept in the correction and the audit)."""
    case = _case(session, ref, expected_version)
    closure = _closure(session, case)
    errors = _reason_errors(reason)
    if closure is None:
        errors.insert(0, FieldError("ref", f"case {case.ref} is open; only a closed case can "
                                           "be reopened"))
    fail_if(errors)
    assert closure is not None
    before = audit.snapshot(closure)
    session.delete(closure)
    session.flush()
    return _write(session, case=case, table=None, uid=None, action="reopened", reason=reason,
                  before=before, after=None, actor=actor, today=today,
                  audit_action="reopen_case")
