"""Correcting what was recorded (issue 12, item 2): a visit, meeting or oversight note
corrected or withdrawn with a reason, a closed case reopened. Nothing is deleted, the
deadlines come back as they were before the wrong record, and every change is audited with
its real before and after."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from models.db import session_scope
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.service import CaseloadService
from models.tables import AuditEntry, Closure, Correction, Meeting, OversightNote, Visit
from models.validation import ValidationFailed

TODAY = date(2026, 11, 23)  # Monday
DONE = {"review_concluded": True}  # Wirral's one required closure checklist item
TABLES = (Visit, Meeting, Closure, OversightNote, Correction, AuditEntry)


def seen(day: date, voice: str = "Likes school") -> VisitInput:
    return VisitInput(date=day, seen=True, seen_alone=True, childs_voice=voice,
                      location="home", recorded=day)


@pytest.fixture
def service(database):
    service = CaseloadService(database=database, settings_dir=None, today=TODAY,
                              actor="Jo Lantern")
    service.open()
    with session_scope(service.engine) as session:
        from models.commands import upsert_cases

        upsert_cases(session, cases=[
            CaseInput(ref="LATE", name="Amy Late", allocated=date(2026, 1, 5),
                      policy="wirral", dob=date(2016, 3, 1), worker="Jo Lantern",
                      visits=[seen(date(2026, 10, 12))]),
        ], actor="setup", policies=service.policies, today=TODAY)
    yield service
    service.close()


def visit_due(service: CaseloadService, ref: str = "LATE") -> tuple[date, str, int]:
    """The visit deadline as the caseload shows it (the stored deadlines when current)."""
    [row] = [r for r in service.caseload() if r.ref == ref]
    [deadline] = [d for d in row.deadlines if d.rule_id == "wirral.visit"]
    return deadline.due, deadline.status, deadline.countdown


def counts(service: CaseloadService) -> dict[str, int]:
    with session_scope(service.engine, write=False) as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t))
                for t in TABLES}


def refused(service: CaseloadService, method, **kwargs) -> list[str]:
    before = counts(service)
    with pytest.raises(ValidationFailed) as caught:
        method(**kwargs)
    assert counts(service) == before
    return [f"{e.field}: {e.message}" for e in caught.value.errors]


def uid_of(service: CaseloadService, on: date) -> str:
    [visit] = [v for v in service.case_detail("LATE").visits if v.date == on]
    assert visit.uid is not None
    return visit.uid


# --- visits ---------------------------------------------------------------------------------


def test_withdrawing_a_wrong_visit_brings_the_deadline_back(service):
    # Seen Mon 12 Oct 2026; Wirral: every 20 working days: 13-16 Oct (4), 19-23 (9),
    # 26-30 (14), 2-6 Nov (19), Mon 9 Nov (20). Today Mon 23 Nov is 10 working days late:
    # 10-13 Nov (4), 16-20 (9), 23 (10).
    assert visit_due(service) == (date(2026, 11, 9), "overdue", -10)
    service.log_visit("LATE", seen(date(2026, 11, 20)))
    # Seen Fri 20 Nov: 23-27 Nov (5), 30 Nov-4 Dec (10), 7-11 Dec (15), 14-18 Dec (20).
    assert visit_due(service)[0] == date(2026, 12, 18)  # worked out and stored

    service.withdraw_visit(ref="LATE", visit_uid=uid_of(service, date(2026, 11, 20)),
                           reason="Logged on the wrong child")

    # The stored row went stale with the withdrawal: back to 9 Nov, 10 working days late.
    assert visit_due(service) == (date(2026, 11, 9), "overdue", -10)
    detail = service.case_detail("LATE")
    assert [v.date for v in detail.visits] == [date(2026, 10, 12)]
    [gone] = detail.withdrawn_visits
    assert (gone.date, gone.withdrawn_on, gone.withdrawn_reason) == (
        date(2026, 11, 20), TODAY, "Logged on the wrong child")
    [correction] = detail.corrections
    assert (correction.action, correction.record_type, correction.actor) == (
        "withdrawn", "visit", "Jo Lantern")
    assert correction.before["withdrawn_on"] is None
    assert correction.after["withdrawn_on"] == "2026-11-23"
    entry = service.audit_entries("LATE", newest_first=True, limit=1)[0]
    assert entry.action == "withdraw_visit"
    assert entry.summary == ("Visit of 20 Nov 2026 withdrawn (reason: Logged on the wrong "
                             "child)")
    assert entry.before["withdrawn_on"] is None and entry.after["withdrawn_reason"] == (
        "Logged on the wrong child")


def test_a_corrected_visit_date_moves_the_deadline_and_keeps_the_original(service):
    service.log_visit("LATE", seen(date(2026, 11, 20)))
    uid = uid_of(service, date(2026, 11, 20))
    service.correct_visit(ref="LATE", visit_uid=uid,
                          visit=replace(seen(date(2026, 11, 16)), recorded=date(2026, 11, 20)),
                          reason="Typed the wrong day")
    # Seen Mon 16 Nov: 17-20 Nov (4), 23-27 (9), 30 Nov-4 Dec (14), 7-11 Dec (19), Mon 14 Dec
    # (20). From today: 24-27 Nov (4), 30 Nov-4 Dec (9), 7-11 Dec (14), 14 Dec (15).
    assert visit_due(service) == (date(2026, 12, 14), "ok", 15)
    detail = service.case_detail("LATE")
    [corrected] = [v for v in detail.visits if v.uid == uid]
    assert corrected.date == date(2026, 11, 16)
    [correction] = detail.corrections
    assert correction.before["date"] == "2026-11-20"
    assert correction.after["date"] == "2026-11-16"
    entry = service.audit_entries("LATE", newest_first=True, limit=1)[0]
    assert (entry.action, entry.before["date"], entry.after["date"]) == (
        "correct_visit", "2026-11-20", "2026-11-16")
    assert entry.summary == ("Visit of 16 Nov 2026 corrected: date was 20 Nov 2026 (reason: "
                             "Typed the wrong day)")


def test_a_corrected_visit_is_checked_like_a_new_one_every_problem_at_once(service):
    uid = uid_of(service, date(2026, 10, 12))
    errors = refused(service, service.correct_visit, ref="LATE", visit_uid=uid,
                     visit=replace(seen(date(2026, 11, 30)), childs_voice=None),
                     reason="  ")
    assert errors == [
        "date: 30 Nov 2026 is after today (23 Nov 2026); record a visit once it has happened",
        "childs_voice: record the child's views and wishes (the child's voice) when the child "
        "was seen",
        "recorded: 30 Nov 2026 is after today (23 Nov 2026); use the date the record was "
        "written",
        "reason: required: say why the record is being changed (it is kept in the case's "
        "history)",
    ]


def test_a_correction_that_changes_nothing_is_refused(service):
    uid = uid_of(service, date(2026, 10, 12))
    assert refused(service, service.correct_visit, ref="LATE", visit_uid=uid,
                   visit=seen(date(2026, 10, 12)), reason="no change") == [
        "visit: nothing to correct: the record already says this; change a field, or "
        "withdraw the record instead"]


def test_a_withdrawn_visit_cannot_be_corrected_or_withdrawn_again(service):
    uid = uid_of(service, date(2026, 10, 12))
    service.withdraw_visit(ref="LATE", visit_uid=uid, reason="Never happened")
    said = ("visit: this visit was withdrawn on 23 Nov 2026; a withdrawn record cannot be "
            "corrected or withdrawn again")
    assert refused(service, service.withdraw_visit, ref="LATE", visit_uid=uid,
                   reason="again") == [said]
    assert refused(service, service.correct_visit, ref="LATE", visit_uid=uid,
                   visit=seen(date(2026, 10, 13)), reason="again") == [said]


def test_a_record_of_another_case_or_an_unknown_id_is_refused(service):
    assert refused(service, service.withdraw_visit, ref="LATE", visit_uid="nope",
                   reason="x") == [
        "visit: case LATE has no visit with id 'nope'; `cin history LATE` lists its records "
        "with their ids"]


def test_a_reason_with_control_characters_is_refused(service):
    uid = uid_of(service, date(2026, 10, 12))
    [error] = refused(service, service.withdraw_visit, ref="LATE", visit_uid=uid,
                      reason="wrong\x1b[2J")
    assert error.startswith("reason: has an escape")


def test_the_walkthrough_and_team_view_ignore_a_withdrawn_visit(service):
    service.log_visit("LATE", seen(date(2026, 11, 20), voice="Wrong child's words"))
    service.withdraw_visit(ref="LATE", visit_uid=uid_of(service, date(2026, 11, 20)),
                           reason="Wrong child")
    [page] = service.walkthrough_pages("Jo Lantern")
    assert page.last_seen is not None and page.last_seen.date == date(2026, 10, 12)
    assert [v.childs_voice for v in page.voices] == ["Likes school"]
    [line] = service.team_overview().lines
    # Only the visit of 12 Oct is in the last 3 months' count, in the team view and here.
    assert (line.visits.counted, page.visits.counted) == (1, 1)


# --- meetings -------------------------------------------------------------------------------


def held_meeting(service: CaseloadService) -> tuple[str, str]:
    """A review held on 10 Nov with the next booked for 10 Feb; their uids."""
    first = service.book_meeting(ref="LATE", kind="review", date=date(2026, 11, 10))
    service.record_meeting_held(meeting_id=first, date=date(2026, 11, 10), chair="Pat",
                                chair_role="team_manager", family_attended=True,
                                next_meeting_date=date(2027, 2, 10))
    meetings = {m.date: m.uid for m in service.case_detail("LATE").meetings}
    return meetings[date(2026, 11, 10)], meetings[date(2027, 2, 10)]


def test_withdrawing_a_next_meeting_clears_the_earlier_meetings_link(service):
    held, following = held_meeting(service)
    service.withdraw_meeting(ref="LATE", meeting_uid=following, reason="Never booked")
    detail = service.case_detail("LATE")
    [kept] = detail.meetings
    assert (kept.uid, kept.next_meeting_id) == (held, None)
    assert [m.date for m in detail.withdrawn_meetings] == [date(2027, 2, 10)]
    entry = service.audit_entries("LATE", newest_first=True, limit=1)[0]
    assert entry.before["earlier_meeting"]["next_meeting_id"] is not None
    assert entry.after["earlier_meeting"]["next_meeting_id"] is None


def test_a_held_meeting_with_a_next_one_stays_held_and_before_it(service):
    held, _ = held_meeting(service)
    meeting = MeetingInput(kind="review", status="held", date=date(2026, 11, 10),
                           chair="Pat", chair_role="team_manager", family_attended=True)
    errors = refused(service, service.correct_meeting, ref="LATE", meeting_uid=held,
                     meeting=replace(meeting, status="booked"), reason="not held")
    assert errors == [
        "status: the review meeting of 10 Feb 2027 was booked as this one's next when it was "
        "held; withdraw that one first if this was never held"]
    service.correct_meeting(ref="LATE", meeting_uid=held,
                            meeting=replace(meeting, date=date(2026, 11, 11)),
                            reason="Held a day later")
    [corrected, _] = service.case_detail("LATE").meetings
    assert corrected.date == date(2026, 11, 11)


# --- oversight notes ------------------------------------------------------------------------


def test_a_withdrawn_note_clears_no_flag_and_sets_no_action(service):
    service.add_oversight_note(ref="LATE", decision="Continue", rationale="Progress",
                               actions=[("Visit", "Jo", date(2026, 12, 1))],
                               cleared_flags=["wirral.manager_oversight"])
    detail = service.case_detail("LATE")
    assert detail.facts.cleared_flags == {"wirral.manager_oversight"}
    [note] = detail.oversight_notes
    assert note.uid is not None
    service.correct_oversight_note(ref="LATE", note_uid=note.uid, decision="Step up",
                                   rationale="Progress", reason="Wrong decision typed")
    assert service.case_detail("LATE").oversight_notes[0].decision == "Step up"
    service.withdraw_oversight_note(ref="LATE", note_uid=note.uid, reason="Wrong case")
    detail = service.case_detail("LATE")
    assert detail.oversight_notes == ()
    assert detail.facts.cleared_flags == frozenset()
    assert detail.facts.oversight_actions == ()
    assert [n.decision for n in detail.withdrawn_notes] == ["Step up"]
    assert [c.action for c in detail.corrections] == ["corrected", "withdrawn"]


# --- reopening ------------------------------------------------------------------------------


def test_a_reopened_case_is_open_again_and_can_be_closed_again(service):
    service.close_case(ref="LATE", closure=ClosureInput(date(2026, 11, 2), "RC8",
                                                             checklist=DONE))
    assert [r.ref for r in service.caseload()] == []
    service.reopen_case(ref="LATE", reason="Closed by mistake")
    # Open again, with its visit deadline as before it closed (9 Nov, 10 working days late).
    assert visit_due(service) == (date(2026, 11, 9), "overdue", -10)
    detail = service.case_detail("LATE")
    assert detail.closure is None
    [correction] = detail.corrections
    assert (correction.action, correction.record_type, correction.after) == (
        "reopened", "closure", None)
    assert (correction.before["date"], correction.before["reason"]) == ("2026-11-02", "RC8")
    entry = service.audit_entries("LATE", newest_first=True, limit=1)[0]
    assert entry.action == "reopen_case"
    assert entry.summary == "Case reopened (closed 2 Nov 2026, RC8): Closed by mistake"
    assert entry.before["reason"] == "RC8" and entry.after is None
    service.close_case(ref="LATE", closure=ClosureInput(date(2026, 11, 23), "RC7",
                                                             checklist=DONE))
    assert service.case_detail("LATE").closure.reason == "RC7"


def test_an_open_case_cannot_be_reopened(service):
    assert refused(service, service.reopen_case, ref="LATE", reason="x") == [
        "ref: case LATE is open; only a closed case can be reopened"]
