"""The write commands: what each saves, the audit entry it leaves, and that bad input saves
nothing at all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import commands
from models.db import session_scope
from models.inputs import ClosureInput, MeetingInput, VisitInput
from models.queries import audit_log, case_facts, get_case_detail
from models.tables import (
    AuditEntry,
    Closure,
    Meeting,
    OversightAction,
    OversightNote,
    Visit,
)
from models.validation import ValidationFailed

TODAY = date(2026, 11, 23)  # Monday
ALL_TABLES = (Visit, Meeting, Closure, OversightNote, OversightAction, AuditEntry)


def counts(engine) -> dict[str, int]:
    with session_scope(engine, write=False) as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t))
            for t in ALL_TABLES
        }


def run(engine, command, **kwargs):
    with session_scope(engine) as session:
        return command(session, **kwargs)


def refused(engine, command, **kwargs) -> list[str]:
    """Run a command that must fail; check it saved nothing; return its error lines."""
    before = counts(engine)
    with pytest.raises(ValidationFailed) as caught:
        run(engine, command, **kwargs)
    assert counts(engine) == before
    return [str(e) for e in caught.value.errors]


def detail(engine, ref="C1"):
    with session_scope(engine, write=False) as session:
        return get_case_detail(session, ref)


def last_audit(engine):
    with session_scope(engine, write=False) as session:
        return audit_log(session, newest_first=True, limit=1)[0]


def seen_alone(on: date) -> VisitInput:
    return VisitInput(date=on, seen=True, seen_alone=True, childs_voice="Happy at school",
                      location="school", recorded=on)


# --- visits ---------------------------------------------------------------------------------


def test_log_visit_saves_the_visit_and_an_audit_entry(engine, add_case):
    add_case("C1", dob=date(2017, 5, 1))
    run(engine, commands.log_visit, ref="C1", visit=seen_alone(date(2026, 11, 20)),
        actor="Sam Patel", today=TODAY)
    [visit] = detail(engine).visits
    assert (visit.date, visit.seen, visit.seen_alone, visit.location) == (
        date(2026, 11, 20), True, True, "school")
    entry = last_audit(engine)
    assert (entry.actor, entry.action, entry.case_ref) == ("Sam Patel", "log_visit", "C1")
    assert entry.summary == "Visit on 20 Nov 2026: child seen alone"
    assert entry.before is None
    assert entry.after["date"] == "2026-11-20"
    assert entry.after["childs_voice"] == "Happy at school"


def test_log_visit_refuses_bad_input_and_saves_nothing(engine, add_case):
    add_case("C1", dob=date(2017, 5, 1))
    bad = VisitInput(date=date(2026, 11, 24), seen=True, seen_alone=False)
    assert refused(engine, commands.log_visit, ref="C1", visit=bad, actor="Sam", today=TODAY) == [
        "date: 24 Nov 2026 is after today (23 Nov 2026); record a visit once it has happened",
        "not_alone_reason: the child was 9 on 24 Nov 2026 and was not seen alone: record the "
        "reason (required for a child aged 3 or over)",
        "childs_voice: record the child's views and wishes (the child's voice) when the child "
        "was seen",
    ]


def test_log_visit_for_an_unknown_case(engine):
    assert refused(engine, commands.log_visit, ref="NOPE", visit=seen_alone(TODAY),
                   actor="Sam", today=TODAY) == ["ref: no case with reference 'NOPE'"]


def test_sibling_visits_are_saved_together(engine, add_case):
    add_case("C1", family="F1")
    add_case("C2", family="F1")
    ids = run(engine, commands.log_sibling_visits,
              visits={"C1": seen_alone(date(2026, 11, 20)), "C2": seen_alone(date(2026, 11, 20))},
              actor="Sam", today=TODAY)
    assert set(ids) == {"C1", "C2"}
    assert len(detail(engine, "C1").visits) == len(detail(engine, "C2").visits) == 1


def test_sibling_visits_are_all_or_nothing(engine, add_case):
    add_case("C1", family="F1")
    add_case("C2", family="F1")
    errors = refused(
        engine, commands.log_sibling_visits,
        visits={"C1": seen_alone(date(2026, 11, 20)),
                "C2": VisitInput(date(2026, 11, 20), seen=False, seen_alone=True)},
        actor="Sam", today=TODAY,
    )
    assert errors == [
        "C2:seen_alone: cannot be yes when the child was not seen; set seen to yes, or "
        "seen_alone to no or blank"
    ]
    assert detail(engine, "C1").visits == ()


# --- meetings -------------------------------------------------------------------------------


def test_book_hold_and_circulate_a_meeting(engine, add_case):
    add_case("C1")
    meeting_id = run(engine, commands.book_meeting, ref="C1", kind="initial",
                     date=date(2026, 11, 16), actor="Sam", today=TODAY)
    next_id = run(engine, commands.record_meeting_held, meeting_id=meeting_id,
                  date=date(2026, 11, 17), chair="Jo Bloggs", chair_role="team manager",
                  family_attended=True, next_meeting_date=date(2027, 1, 12),
                  actor="Sam", today=TODAY)
    run(engine, commands.record_circulated, meeting_id=meeting_id, date=date(2026, 11, 19),
        actor="Sam", today=TODAY)
    held, booked = detail(engine).meetings
    assert (held.status, held.date, held.chair_role, held.circulated, held.next_meeting_id) == (
        "held", date(2026, 11, 17), "team manager", date(2026, 11, 19), next_id)
    assert (booked.id, booked.kind, booked.status, booked.date) == (
        next_id, "review", "booked", date(2027, 1, 12))
    with session_scope(engine, write=False) as session:
        actions = [(e.action, e.summary) for e in audit_log(session, "C1")][1:]
    assert actions == [
        ("book_meeting", "Booked an initial meeting for 16 Nov 2026"),
        ("record_meeting_held", "Initial meeting held on 17 Nov 2026; next review meeting "
                                "booked for 12 Jan 2027"),
        # The plan starts at the initial meeting (the case had no plan start).
        ("set_plan_started", "Plan start recorded as 17 Nov 2026 (the initial CIN meeting's "
                             "date)"),
        ("record_circulated", "Notes of the initial meeting of 17 Nov 2026 circulated on "
                              "19 Nov 2026"),
    ]
    held_entry = last_audit(engine)
    assert held_entry.before["circulated"] is None
    assert held_entry.after["circulated"] == "2026-11-19"


def test_meeting_held_is_refused_whole(engine, add_case):
    add_case("C1")
    meeting_id = run(engine, commands.book_meeting, ref="C1", kind="review",
                     date=date(2026, 11, 16), actor="Sam", today=TODAY)
    errors = refused(
        engine, commands.record_meeting_held, meeting_id=meeting_id, date=date(2026, 11, 24),
        chair=None, chair_role=None, family_attended=None,
        next_meeting_date=date(2026, 11, 20), next_meeting_kind="core_group",
        actor="Sam", today=TODAY,
    )
    assert errors == [
        "date: 24 Nov 2026 is after today (23 Nov 2026); only a booked meeting can be in the "
        "future: book it, or correct the date",
        "next_meeting_kind: 'core_group' is not a meeting kind; use one of: family_network, "
        "initial, review, progress, closure, transfer_in",
        "next_meeting_date: 20 Nov 2026 is not after this meeting (24 Nov 2026); the next "
        "meeting comes later",
    ]
    [meeting] = detail(engine).meetings
    assert meeting.status == "booked"


def test_only_a_booked_meeting_can_be_held_or_cancelled(engine, add_case):
    add_case("C1")
    meeting_id = run(engine, commands.book_meeting, ref="C1", kind="review",
                     date=date(2026, 11, 16), actor="Sam", today=TODAY)
    run(engine, commands.record_meeting_held, meeting_id=meeting_id, date=date(2026, 11, 16),
        chair=None, chair_role=None, family_attended=None, actor="Sam", today=TODAY)
    assert refused(engine, commands.cancel_meeting, meeting_id=meeting_id, reason="ill",
                   cancelled_on=TODAY, actor="Sam", today=TODAY) == [
        "meeting_id: this review meeting of 16 Nov 2026 is held; only a booked meeting can be "
        "cancelled"
    ]
    assert refused(engine, commands.record_circulated, meeting_id=meeting_id,
                   date=date(2026, 11, 13), actor="Sam", today=TODAY) == [
        "circulated: 13 Nov 2026 is before the meeting (16 Nov 2026); notes are circulated "
        "on or after the day it was held"
    ]
    assert refused(engine, commands.record_circulated, meeting_id=999,
                   date=TODAY, actor="Sam", today=TODAY) == ["meeting_id: no meeting with id 999"]


def test_cancel_a_meeting(engine, add_case):
    add_case("C1")
    meeting_id = run(engine, commands.book_meeting, ref="C1", kind="review",
                     date=date(2026, 12, 1), actor="Sam", today=TODAY)
    assert refused(engine, commands.cancel_meeting, meeting_id=meeting_id, reason=" ",
                   cancelled_on=TODAY, actor="Sam", today=TODAY) == [
        "cancel_reason: say why the meeting was cancelled"
    ]
    run(engine, commands.cancel_meeting, meeting_id=meeting_id, reason="Mother in hospital",
        cancelled_on=TODAY, actor="Sam", today=TODAY)
    [meeting] = detail(engine).meetings
    assert (meeting.status, meeting.cancelled_on, meeting.cancel_reason) == (
        "cancelled", TODAY, "Mother in hospital")
    assert last_audit(engine).summary == (
        "Review meeting of 1 Dec 2026 cancelled on 23 Nov 2026: Mother in hospital"
    )


# --- closure --------------------------------------------------------------------------------


def test_close_a_case(engine, add_case, policies):
    add_case("C1", visits=[seen_alone(date(2026, 11, 10))])
    run(engine, commands.close_case, ref="C1",
        closure=ClosureInput(date(2026, 11, 20), "RC7", note="Needs met"),
        policies=policies, actor="Sam", today=TODAY)
    closed = detail(engine)
    assert closed.summary.closed and closed.closure.reason == "RC7"
    assert last_audit(engine).summary == "Case closed on 20 Nov 2026 (RC7)"
    with session_scope(engine, write=False) as session:
        assert case_facts(session) == []  # closed cases leave the open caseload
    assert refused(engine, commands.close_case, ref="C1",
                   closure=ClosureInput(date(2026, 11, 21), "RC7"),
                   policies=policies, actor="Sam", today=TODAY) == [
        "ref: the case was closed on 20 Nov 2026; it is already closed"
    ]
    assert refused(engine, commands.book_meeting, ref="C1", kind="review",
                   date=date(2026, 12, 1), actor="Sam", today=TODAY) == [
        "ref: the case was closed on 20 Nov 2026; meetings cannot be booked for a closed case"
    ]


def test_closure_must_follow_everything_in_the_case(engine, add_case, policies):
    add_case("C1", visits=[seen_alone(date(2026, 11, 10))],
             meetings=[MeetingInput("review", "held", date(2026, 11, 12))])
    assert refused(engine, commands.close_case, ref="C1",
                   closure=ClosureInput(date(2026, 11, 11), "RC7"),
                   policies=policies, actor="Sam", today=TODAY) == [
        "date: 11 Nov 2026 is before the review meeting on 12 Nov 2026; a closure date must be "
        "on or after every other date of the case (CIN census rules 8630 and 8565)"
    ]


def test_closure_enforces_the_packs_checklist(engine, add_case, policies):
    add_case("C1", policy="leicestershire")
    assert refused(engine, commands.close_case, ref="C1",
                   closure=ClosureInput(date(2026, 11, 20), "RC7",
                                        checklist={"closure_summary": True}),
                   policies=policies, actor="Sam", today=TODAY) == [
        "checklist: not done: Manager agreement. The pack requires these before a case is "
        "closed for RC7 (Services ceased for any other reason, including child no longer in "
        "need)"
    ]
    run(engine, commands.close_case, ref="C1",
        closure=ClosureInput(date(2026, 11, 20), "stepped_across",
                             checklist={"closure_summary": True, "manager_agreement": True}),
        policies=policies, actor="Sam", today=TODAY)
    assert detail(engine).closure.checklist == {"closure_summary": True, "manager_agreement": True}


def test_closing_a_case_whose_pack_is_missing(engine, add_case, policies):
    add_case("C1", policy="leicestershire")
    only_wirral = {"wirral": policies["wirral"]}
    assert refused(engine, commands.close_case, ref="C1",
                   closure=ClosureInput(date(2026, 11, 20), "RC7"),
                   policies=only_wirral, actor="Sam", today=TODAY) == [
        "policy: the case's policy 'leicestershire' is not known; known: wirral"
    ]


# --- oversight ------------------------------------------------------------------------------


def test_oversight_note_with_actions_and_cleared_flags(engine, add_case):
    add_case("C1")
    run(engine, commands.add_oversight_note, ref="C1", author="Jo Bloggs (TM)",
        decision="Continue CIN plan", rationale="Progress at school",
        actions=[("Update the plan", "Sam", date(2026, 12, 4))],
        cleared_flags=["wirral.plan_24_weeks"], today=TODAY)
    [note] = detail(engine).oversight_notes
    assert (note.author, note.recorded, note.cleared_flags) == (
        "Jo Bloggs (TM)", TODAY, ("wirral.plan_24_weeks",))
    [action] = note.actions
    assert (action.description, action.owner, action.due, action.done) == (
        "Update the plan", "Sam", date(2026, 12, 4), None)
    entry = last_audit(engine)
    assert (entry.actor, entry.summary) == (
        "Jo Bloggs (TM)", "Oversight note: Continue CIN plan (1 action)")
    facts = detail(engine).facts
    assert facts.cleared_flags == frozenset({"wirral.plan_24_weeks"})
    assert [a.due for a in facts.oversight_actions] == [date(2026, 12, 4)]

    run(engine, commands.complete_oversight_action, action_id=action.id,
        done=date(2026, 11, 23), actor="Sam", today=TODAY)
    assert detail(engine).oversight_notes[0].actions[0].done == date(2026, 11, 23)
    assert last_audit(engine).summary == "Oversight action done on 23 Nov 2026: Update the plan"
    run(engine, commands.complete_oversight_action, action_id=action.id, done=None, actor="Sam")
    assert detail(engine).oversight_notes[0].actions[0].done is None


def test_oversight_note_rules(engine, add_case):
    add_case("C1")
    assert refused(engine, commands.add_oversight_note, ref="C1", author="", decision=" ",
                   rationale="", actions=[("", "", date(2026, 11, 20))],
                   cleared_flags=[""], today=TODAY) == [
        "author: required: the manager's name",
        "decision: required: the decision",
        "rationale: required: the reasons for the decision",
        "actions[1].description: required: what is to be done",
        "actions[1].owner: required: who will do it",
        "actions[1].due: 20 Nov 2026 is before today (23 Nov 2026); an action is due today or "
        "later",
        "cleared_flags: a cleared flag cannot be blank",
    ]


def test_completing_an_action_before_its_note_or_after_today(engine, add_case):
    add_case("C1")
    run(engine, commands.add_oversight_note, ref="C1", author="Jo", decision="d",
        rationale="r", actions=[("Do it", "Sam", date(2026, 12, 4))], today=TODAY)
    action_id = detail(engine).oversight_notes[0].actions[0].id
    assert refused(engine, commands.complete_oversight_action, action_id=action_id,
                   done=date(2026, 11, 20), actor="Sam", today=TODAY) == [
        "done: 20 Nov 2026 is before the note that set the action (23 Nov 2026)"
    ]
    assert refused(engine, commands.complete_oversight_action, action_id=action_id,
                   done=date(2026, 11, 24), actor="Sam", today=TODAY) == [
        "done: 24 Nov 2026 is after today (23 Nov 2026); use the day it was done"
    ]
    assert refused(engine, commands.complete_oversight_action, action_id=999,
                   done=TODAY, actor="Sam") == ["action_id: no oversight action with id 999"]


def test_a_closed_case_takes_a_late_write_up_but_nothing_after_its_closure(
    engine, add_case, policies
):
    add_case("C1", meetings=[MeetingInput("review", "booked", date(2026, 11, 2))],
             closure=ClosureInput(date(2026, 11, 13), "RC7"))
    run(engine, commands.log_visit, ref="C1", visit=seen_alone(date(2026, 11, 12)),
        actor="Sam", today=TODAY)
    assert refused(engine, commands.log_visit, ref="C1", visit=seen_alone(date(2026, 11, 16)),
                   actor="Sam", today=TODAY) == [
        "date: 16 Nov 2026 is after the case was closed (13 Nov 2026); a closed case takes no "
        "new visits"
    ]
    meeting_id = detail(engine).meetings[0].id
    assert refused(engine, commands.record_meeting_held, meeting_id=meeting_id,
                   date=date(2026, 11, 2), chair=None, chair_role=None, family_attended=None,
                   next_meeting_date=date(2027, 1, 4), actor="Sam", today=TODAY) == [
        "ref: the case was closed on 13 Nov 2026; no next meeting can be booked"
    ]
