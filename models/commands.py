"""Every change to the data goes through one of these functions.

Each takes the session first and everything else by keyword, validates the whole input before
writing anything (raising `ValidationFailed` with every per-field problem), runs as one
transaction (committed on success, rolled back on any error) and writes an `AuditEntry` naming
the actor, the action and the row before and after. "Today" is passed in, never read.

The bulk import, `upsert_cases`, lives in `models.upsert` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from models import audit, versions
from models.census_checks import census_dates
from models.db import one_transaction
from models.inputs import ClosureInput, MeetingInput, VisitInput
from models.tables import Case, Closure, Meeting, OversightAction, OversightNote, Visit
from models.upsert import ImportSummary, upsert_cases
from models.validation import (
    FieldError,
    NeedsConfirmation,
    ValidationFailed,
    check_booking,
    check_closure,
    check_event_date,
    check_meeting,
    check_oversight_note,
    check_plan_start,
    check_text,
    check_visit,
    fail_if,
    not_after_today,
    visit_warnings,
)
from policies.dates import format_date
from policies.facts import MEETING_KINDS

__all__ = [
    "ImportSummary",
    "add_oversight_note",
    "book_meeting",
    "cancel_meeting",
    "close_case",
    "complete_oversight_action",
    "log_sibling_visits",
    "log_visit",
    "record_circulated",
    "record_meeting_held",
    "upsert_cases",
]

# --- lookups --------------------------------------------------------------------------------


def _case(session: Session, ref: str) -> Case:
    case = session.exec(select(Case).where(Case.ref == ref)).first()
    if case is None:
        raise ValidationFailed([FieldError("ref", f"no case with reference {ref!r}")])
    return case


def _closure(session: Session, case_id: int | None) -> Closure | None:
    return session.exec(select(Closure).where(Closure.case_id == case_id)).first()


def _meeting(session: Session, meeting_id: int) -> tuple[Meeting, Case]:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ValidationFailed([FieldError("meeting_id", f"no meeting with id {meeting_id}")])
    case = session.get(Case, meeting.case_id)
    assert case is not None  # the foreign key guarantees it
    return meeting, case


def _require_status(meeting: Meeting, wanted: str, doing: str) -> None:
    if meeting.status != wanted:
        raise ValidationFailed([FieldError(
            "meeting_id",
            f"this {_kind_words(meeting.kind)} meeting of {format_date(meeting.date)} is "
            f"{meeting.status}; only a {wanted} meeting can be {doing}",
        )])


def _closed_case_error(closure: Closure, consequence: str) -> FieldError:
    return FieldError(
        "ref", f"the case was closed on {format_date(closure.date)}; {consequence}"
    )


def _kind_words(kind: str) -> str:
    return kind.replace("_", " ")


def _a_kind(kind: str) -> str:
    words = _kind_words(kind)
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


# --- visits ---------------------------------------------------------------------------------


@one_transaction
def log_visit(
    session: Session, *, ref: str, visit: VisitInput, actor: str, today: date,
    confirmed: bool = False, expected_version: int | None = None,
) -> int:
    """Record a visit to the child with reference `ref`; returns the new visit's id.
    A closed case still takes a visit dated on or before its closure (written up late).
    A visit that looks mistaken (`visit_warnings`) raises `NeedsConfirmation` unless
    `confirmed`. `expected_version`, here and in every command: the case's version the input
    was made against; a case changed since raises `ChangedMeanwhile` (models/versions.py)."""
    case = _case(session, ref)
    versions.claim(session, case, expected_version)
    fail_if(_visit_errors(session, case, visit, today))
    if not confirmed and (warnings := _visit_warnings(session, case, visit)):
        raise NeedsConfirmation(warnings)
    return _add_visit(session, case, visit, actor)


@one_transaction
def log_sibling_visits(
    session: Session, *, visits: Mapping[str, VisitInput], actor: str, today: date,
    confirmed: bool = False, expected_versions: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Record one visit for each of several children (siblings seen together): all are saved,
    or none. Errors (and warnings, as for `log_visit`) name the child's ref as the record.
    Returns ref -> new visit id. `expected_versions`: ref -> version, for the cases whose
    version the input was made against."""
    cases: dict[str, Case] = {}
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    for ref, visit in visits.items():
        case = session.exec(select(Case).where(Case.ref == ref)).first()
        if case is None:
            errors.append(FieldError("ref", f"no case with reference {ref!r}", ref))
            continue
        cases[ref] = case
        versions.claim(session, case, (expected_versions or {}).get(ref))
        errors += [e.for_record(ref) for e in _visit_errors(session, case, visit, today)]
        warnings += [w.for_record(ref) for w in _visit_warnings(session, case, visit)]
    fail_if(errors)
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)
    return {ref: _add_visit(session, cases[ref], visit, actor) for ref, visit in visits.items()}


def _visit_warnings(session: Session, case: Case, visit: VisitInput) -> list[FieldError]:
    recorded = session.exec(select(col(Visit.date)).where(
        col(Visit.case_id) == case.id, col(Visit.withdrawn_on).is_(None))).all()
    return visit_warnings(visit, allocated=case.allocated, other_visits=recorded)


def _visit_errors(
    session: Session, case: Case, visit: VisitInput, today: date
) -> list[FieldError]:
    closure = _closure(session, case.id)
    return check_visit(
        visit,
        dob=case.dob,
        allocated=case.allocated,
        today=today,
        closure_date=closure.date if closure else None,
    )


def _add_visit(session: Session, case: Case, visit: VisitInput, actor: str) -> int:
    assert case.id is not None  # a stored case
    row = Visit(
        case_id=case.id,
        date=visit.date,
        seen=visit.seen,
        seen_alone=visit.seen_alone,
        not_alone_reason=visit.not_alone_reason,
        childs_voice=visit.childs_voice,
        location=visit.location,
        recorded=visit.recorded,
    )
    session.add(row)
    session.flush()
    if not visit.seen:
        how = "child not seen"
    elif visit.seen_alone:
        how = "child seen alone"
    elif visit.seen_alone is False:
        how = "child seen, not alone"
    else:
        how = "child seen"
    audit.record(
        session, actor=actor, action="log_visit", case_ref=case.ref,
        summary=f"Visit on {format_date(visit.date)}: {how}",
        after=audit.snapshot(row),
    )
    assert row.id is not None
    return row.id


# --- meetings -------------------------------------------------------------------------------


@one_transaction
def book_meeting(
    session: Session, *, ref: str, kind: str, date: date, actor: str, today: date,
    expected_version: int | None = None,
) -> int:
    """Book a meeting (past or future: a booked meeting is simply not held yet)."""
    case = _case(session, ref)
    versions.claim(session, case, expected_version)
    errors = check_meeting(
        MeetingInput(kind=kind, status="booked", date=date), today=today, dob=case.dob
    )
    closure = _closure(session, case.id)
    if closure is not None:
        errors.append(_closed_case_error(closure, "meetings cannot be booked for a closed case"))
    fail_if(errors)
    row = _add_booked(session, case, kind, date)
    audit.record(
        session, actor=actor, action="book_meeting", case_ref=case.ref,
        summary=f"Booked {_a_kind(kind)} meeting for {format_date(date)}",
        after=audit.snapshot(row),
    )
    assert row.id is not None
    return row.id


def _add_booked(session: Session, case: Case, kind: str, when: date) -> Meeting:
    assert case.id is not None  # a stored case
    row = Meeting(case_id=case.id, kind=kind, status="booked", date=when)
    session.add(row)
    session.flush()
    return row


@one_transaction
def record_meeting_held(
    session: Session,
    *,
    meeting_id: int,
    date: date,
    chair: str | None,
    chair_role: str | None,
    family_attended: bool | None,
    next_meeting_date: date | None = None,
    next_meeting_kind: str = "review",
    plan_started: date | None = None,
    actor: str,
    today: date,
    expected_version: int | None = None,
) -> int | None:
    """Mark a booked meeting held on `date` (which may differ from the booked date), and book
    the next one when `next_meeting_date` is given. Returns the next meeting's id, or None.

    The plan starts at the initial CIN meeting: holding one sets the case's plan start to
    `plan_started`, or to the meeting's date when the case has none yet. `plan_started` given
    with any meeting sets (or corrects) the plan start. Audited as its own entry."""
    meeting, case = _meeting(session, meeting_id)
    versions.claim(session, case, expected_version)
    _require_status(meeting, "booked", "marked held")
    closure = _closure(session, case.id)
    new_plan_start = plan_start_after_meeting(
        kind=meeting.kind, held_on=date, given=plan_started, recorded=case.plan_started)
    held = MeetingInput(
        kind=meeting.kind, status="held", date=date, chair=chair, chair_role=chair_role,
        family_attended=family_attended,
    )
    errors = check_meeting(held, today=today, dob=case.dob,
                           closure_date=closure.date if closure else None)
    if next_meeting_date is not None:
        errors += check_event_date("next_meeting_date", next_meeting_date, dob=case.dob)
        errors += check_booking("next_meeting_date", next_meeting_date, today=today)
        errors += check_text("next_meeting_kind", next_meeting_kind)
        if next_meeting_kind not in MEETING_KINDS and not any(
            e.field == "next_meeting_kind" for e in errors
        ):
            errors.append(FieldError(
                "next_meeting_kind",
                f"{next_meeting_kind!r} is not a meeting kind; use one of: "
                f"{', '.join(MEETING_KINDS)}",
            ))
        if closure is not None:
            errors.append(_closed_case_error(closure, "no next meeting can be booked"))
        if next_meeting_date <= date and not any(
            e.field == "next_meeting_date" for e in errors
        ):
            errors.append(FieldError(
                "next_meeting_date",
                f"{format_date(next_meeting_date)} is not after this meeting "
                f"({format_date(date)}); the next meeting comes later",
            ))
    if new_plan_start is not None:
        errors += check_plan_start(new_plan_start, allocated=case.allocated, dob=case.dob,
                                   today=today, closure_date=closure.date if closure else None)
    fail_if(errors)
    before = audit.snapshot(meeting)
    meeting.status, meeting.date = "held", date
    meeting.chair, meeting.chair_role = chair, chair_role
    meeting.family_attended = family_attended
    next_id = None
    if next_meeting_date is not None:
        next_meeting = _add_booked(session, case, next_meeting_kind, next_meeting_date)
        next_id = meeting.next_meeting_id = next_meeting.id
    session.add(meeting)
    session.flush()
    booked_next = (
        f"; next {_kind_words(next_meeting_kind)} meeting booked for "
        f"{format_date(next_meeting_date)}"
        if next_meeting_date is not None else ""
    )
    audit.record(
        session, actor=actor, action="record_meeting_held", case_ref=case.ref,
        summary=f"{_kind_words(meeting.kind).capitalize()} meeting held on {format_date(date)}"
        f"{booked_next}",
        before=before, after=audit.snapshot(meeting),
    )
    if new_plan_start is not None:
        _set_plan_start(session, case, new_plan_start, given=plan_started is not None,
                        actor=actor)
    return next_id


def plan_start_after_meeting(
    *, kind: str, held_on: date, given: date | None, recorded: date | None
) -> date | None:
    """The plan start to record when a meeting of `kind` is held on `held_on`, or None for no
    change: the date given, else (an initial meeting, no plan start recorded yet) the
    meeting's date. The held form and `cin held` show the same default."""
    if given is not None:
        return None if given == recorded else given
    if kind == "initial" and recorded is None:
        return held_on
    return None


def _set_plan_start(
    session: Session, case: Case, plan_start: date, *, given: bool, actor: str
) -> None:
    before = {"plan_started": audit.json_safe(case.plan_started)}
    case.plan_started = plan_start
    session.add(case)
    session.flush()
    how = "" if given else " (the initial CIN meeting's date)"
    audit.record(
        session, actor=actor, action="set_plan_started", case_ref=case.ref,
        summary=f"Plan start recorded as {format_date(plan_start)}{how}",
        before=before, after={"plan_started": audit.json_safe(plan_start)},
    )


@one_transaction
def record_circulated(
    session: Session, *, meeting_id: int, date: date, actor: str, today: date,
    expected_version: int | None = None,
) -> None:
    """Record the day the notes / plan of a held meeting were sent out."""
    meeting, case = _meeting(session, meeting_id)
    versions.claim(session, case, expected_version)
    _require_status(meeting, "held", "circulated")
    updated = MeetingInput(
        kind=meeting.kind, status="held", date=meeting.date, circulated=date
    )
    fail_if([
        e for e in check_meeting(updated, today=today, dob=case.dob) if e.field == "circulated"
    ])
    before = audit.snapshot(meeting)
    meeting.circulated = date
    session.add(meeting)
    session.flush()
    audit.record(
        session, actor=actor, action="record_circulated", case_ref=case.ref,
        summary=f"Notes of the {_kind_words(meeting.kind)} meeting of "
        f"{format_date(meeting.date)} circulated on {format_date(date)}",
        before=before, after=audit.snapshot(meeting),
    )


@one_transaction
def cancel_meeting(
    session: Session,
    *,
    meeting_id: int,
    reason: str,
    cancelled_on: date,
    actor: str,
    today: date,
    expected_version: int | None = None,
) -> None:
    meeting, case = _meeting(session, meeting_id)
    versions.claim(session, case, expected_version)
    _require_status(meeting, "booked", "cancelled")
    cancelled = MeetingInput(
        kind=meeting.kind, status="cancelled", date=meeting.date,
        cancelled_on=cancelled_on, cancel_reason=reason,
    )
    fail_if([
        e for e in check_meeting(cancelled, today=today, dob=case.dob)
        if e.field in ("cancelled_on", "cancel_reason")
    ])
    before = audit.snapshot(meeting)
    meeting.status = "cancelled"
    meeting.cancelled_on, meeting.cancel_reason = cancelled_on, reason.strip()
    session.add(meeting)
    session.flush()
    audit.record(
        session, actor=actor, action="cancel_meeting", case_ref=case.ref,
        summary=f"{_kind_words(meeting.kind).capitalize()} meeting of "
        f"{format_date(meeting.date)} cancelled on {format_date(cancelled_on)}: {reason.strip()}",
        before=before, after=audit.snapshot(meeting),
    )


# --- closure --------------------------------------------------------------------------------


@one_transaction
def close_case(
    session: Session,
    *,
    ref: str,
    closure: ClosureInput,
    policies: Mapping[str, Any],
    actor: str,
    today: date,
    expected_version: int | None = None,
) -> int:
    """Close a case. The pack's closure checklist must all be done; the reason must be a
    census code RC1-RC9 or one of the pack's own; the date on or after everything else."""
    case = _case(session, ref)
    versions.claim(session, case, expected_version)
    existing = _closure(session, case.id)
    if existing is not None:
        raise ValidationFailed([_closed_case_error(existing, "it is already closed")])
    policy = policies.get(case.policy_id)
    errors: list[FieldError] = []
    if policy is None:
        errors.append(FieldError(
            "policy",
            f"the case's policy {case.policy_id!r} is not known; known: "
            f"{', '.join(sorted(policies))}",
        ))
    errors += check_closure(
        closure, case_dates=_stored_case_dates(session, case), today=today, policy=policy
    )
    fail_if(errors)
    assert case.id is not None  # a stored case
    row = Closure(
        case_id=case.id,
        date=closure.date,
        reason=closure.reason,
        note=closure.note,
        step_down_to_early_help=closure.step_down_to_early_help,
        lead_professional=closure.lead_professional,
        checklist=dict(closure.checklist) or None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="close_case", case_ref=case.ref,
        summary=f"Case closed on {format_date(closure.date)} ({closure.reason})",
        after=audit.snapshot(row),
    )
    assert row.id is not None
    return row.id


def _stored_case_dates(session: Session, case: Case) -> list[tuple[str, date]]:
    dated: list[tuple[str, date | None]] = [
        ("allocation", case.allocated),
        ("assessment completion", case.assessment_completed),
        ("plan start", case.plan_started),
        ("step-down", case.stepped_down_on),
        *census_dates(case),
    ]
    for visit_date in session.exec(
        select(col(Visit.date)).where(col(Visit.case_id) == case.id,
                                      col(Visit.withdrawn_on).is_(None))
    ):
        dated.append(("visit", visit_date))
    held = select(col(Meeting.kind), col(Meeting.date)).where(
        col(Meeting.case_id) == case.id, col(Meeting.status) == "held",
        col(Meeting.withdrawn_on).is_(None),
    )
    for kind, meeting_date in session.exec(held):
        dated.append((f"{kind} meeting", meeting_date))
    return [(what, when) for what, when in dated if when is not None]


# --- management oversight -------------------------------------------------------------------


@one_transaction
def add_oversight_note(
    session: Session,
    *,
    ref: str,
    author: str,
    decision: str,
    rationale: str,
    actions: Sequence[tuple[str, str, date]] = (),
    cleared_flags: Sequence[str] = (),
    today: date,
    expected_version: int | None = None,
) -> int:
    """A manager's oversight note, dated today, with its actions (description, owner, due)
    and the oversight flags (rule ids) it clears. The author is the audit actor."""
    case = _case(session, ref)
    versions.claim(session, case, expected_version)
    fail_if(check_oversight_note(author=author, decision=decision, rationale=rationale,
                                 actions=actions, cleared_flags=cleared_flags, today=today))
    flags = [flag.strip() for flag in cleared_flags]
    assert case.id is not None  # a stored case
    note = OversightNote(
        case_id=case.id, author=author.strip(), recorded=today, decision=decision.strip(),
        rationale=rationale.strip(), cleared_flags=flags or None,
    )
    session.add(note)
    session.flush()
    assert note.id is not None  # given by the flush
    action_rows = [
        OversightAction(
            note_id=note.id, description=description.strip(), owner=owner.strip(), due=due
        )
        for description, owner, due in actions
    ]
    session.add_all(action_rows)
    session.flush()
    after = audit.snapshot(note) or {}
    after["actions"] = [audit.snapshot(a) for a in action_rows]
    audit.record(
        session, actor=author.strip(), action="add_oversight_note", case_ref=case.ref,
        summary=f"Oversight note: {decision.strip()}"
        + (f" ({len(action_rows)} action{'s' if len(action_rows) != 1 else ''})"
           if action_rows else ""),
        after=after,
    )
    return note.id


@one_transaction
def complete_oversight_action(
    session: Session,
    *,
    action_id: int,
    done: date | None,
    actor: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> None:
    """Mark an oversight action done on `done`, or open again with `done=None`. When `today`
    is given, a completion date after it is refused."""
    action = session.get(OversightAction, action_id)
    if action is None:
        raise ValidationFailed(
            [FieldError("action_id", f"no oversight action with id {action_id}")])
    note = session.get(OversightNote, action.note_id)
    assert note is not None
    case = session.get(Case, note.case_id)
    assert case is not None
    versions.claim(session, case, expected_version)
    errors: list[FieldError] = []
    if done is not None:
        if today is not None:
            errors += not_after_today("done", done, today, "use the day it was done")
        if done < note.recorded:
            errors.append(FieldError(
                "done",
                f"{format_date(done)} is before the note that set the action "
                f"({format_date(note.recorded)})",
            ))
    fail_if(errors)
    before = audit.snapshot(action)
    action.done = done
    session.add(action)
    session.flush()
    what = f"done on {format_date(done)}" if done else "opened again"
    audit.record(
        session, actor=actor, action="complete_oversight_action", case_ref=case.ref,
        summary=f"Oversight action {what}: {action.description}",
        before=before, after=audit.snapshot(action),
    )
