"""A worker who keeps this laptop's value of a conflict sees it reach the team server, for
every kind of record a conflict can be over: a meeting (corrected, or held here while
cancelled there), an oversight note, an oversight action marked done. The case's own fields
and a visit are in test_sync_two_laptops.py."""

from __future__ import annotations

from datetime import date

from models.inputs import MeetingInput
from models.service import CaseloadService
from models.sync_resolve import KEPT_REASON
from models.sync_words import conflict_line

MEETING_DAY = date(2026, 11, 16)
NOTE_DAY = date(2026, 11, 18)
DUE, MAX_DONE, SERVER_DONE = date(2026, 12, 4), date(2026, 11, 20), date(2026, 11, 21)


def _meeting(service) -> MeetingInput:
    [m] = service.case_detail("N1").meetings
    return MeetingInput(kind=m.kind, status=m.status, date=m.date, chair=m.chair,
                        chair_role=m.chair_role, family_attended=m.family_attended,
                        circulated=m.circulated, cancelled_on=m.cancelled_on,
                        cancel_reason=m.cancel_reason)


def _uid(service, what: str) -> str:
    detail = service.case_detail("N1")
    records = detail.meetings if what == "meeting" else detail.oversight_notes
    [record] = records
    return str(record.uid)


def _keep_laptop(ann) -> str:
    """Ann's one conflict, kept as hers; the conflict's line as she saw it."""
    with ann.service() as service:
        [conflict] = service.sync_conflicts()
        service.resolve_conflict(conflict.id, keep="laptop")
        assert service.sync_conflicts() == []
        kept = [e for e in service.audit_entries("N1") if e.action == "sync_keep_laptop"]
    assert len(kept) == 1
    return conflict_line(conflict)


def test_keeping_the_laptops_meeting_chair(team, laptop):
    with team.service(None) as server:
        meeting_id = server.book_meeting(ref="N1", kind="initial", date=MEETING_DAY)
        server.record_meeting_held(meeting_id=meeting_id, date=MEETING_DAY, chair="Max Ford",
                                   chair_role="Team Manager", family_attended=True)
    ann = laptop("ann")
    ann.sync()
    with team.service(None) as server:
        server.correct_meeting(ref="N1", meeting_uid=_uid(server, "meeting"), meeting=(
            MeetingInput(**{**_as_dict(_meeting(server)), "chair": "Sam Ray"})),
            reason="Sam chaired it")
    with ann.service() as service:
        service.correct_meeting(ref="N1", meeting_uid=_uid(service, "meeting"), meeting=(
            MeetingInput(**{**_as_dict(_meeting(service)), "chair": "Sue Hill"})),
            reason="Sue chaired it")
    assert [c.field for c in ann.sync().conflicts] == ["chair"]
    assert _keep_laptop(ann) == ("N1, the meeting's chair: team server \"Sam Ray\", this "
                                 "laptop \"Sue Hill\"")
    assert ann.sync().sent == ["N1: initial meeting of 16 Nov 2026 corrected"]
    assert team.sql("SELECT chair FROM meetings") == [("Sue Hill",)]
    assert team.sql("SELECT actor, reason FROM corrections ORDER BY at DESC LIMIT 1") == [
        ("Ann Lee", KEPT_REASON)]


def test_keeping_the_laptops_meeting_held_when_the_server_cancelled_it(team, laptop):
    with team.service(None) as server:
        server.book_meeting(ref="N1", kind="initial", date=MEETING_DAY)
    ann = laptop("ann")
    ann.sync()
    with team.service(None) as server:
        [m] = server.case_detail("N1").meetings
        server.cancel_meeting(meeting_id=m.id, reason="Family unwell", cancelled_on=MEETING_DAY)
    with ann.service() as service:
        [m] = service.case_detail("N1").meetings
        service.record_meeting_held(meeting_id=m.id, date=MEETING_DAY, chair="Max Ford",
                                    chair_role="Team Manager", family_attended=True)
    assert [c.field for c in ann.sync().conflicts] == ["status"]
    assert _keep_laptop(ann) == ("N1, the meeting's status: team server \"cancelled\", this "
                                 "laptop \"held\"")
    ann.sync()
    assert team.sql("SELECT status, chair FROM meetings") == [("held", "Max Ford")]


def test_keeping_the_laptops_oversight_note_decision(team, laptop):
    # Notes are a manager's: Max corrects on his laptop, IT on the server meanwhile.
    with team.service(None) as server:
        server.add_oversight_note(ref="N1", decision="Continue the plan",
                                  rationale="Seen alone twice")
    max_ = laptop("max")
    max_.sync()
    with team.service(None) as server:
        server.correct_oversight_note(ref="N1", note_uid=_uid(server, "note"),
                                      decision="Step down to early help",
                                      rationale="Seen alone twice", reason="Decided later")
    with max_.service() as service:
        service.correct_oversight_note(ref="N1", note_uid=_uid(service, "note"),
                                       decision="Continue the plan for 3 months",
                                       rationale="Seen alone twice", reason="As agreed")
    assert [c.field for c in max_.sync().conflicts] == ["decision"]
    assert _keep_laptop(max_) == ("N1, the oversight note's decision: team server “Step down "
                                  "to early help”, this laptop “Continue the plan for 3 "
                                  "months”")
    assert max_.sync().sent == ["N1: oversight note of 23 Nov 2026 corrected"]
    assert team.sql("SELECT decision FROM oversight_notes") == [
        ("Continue the plan for 3 months",)]


def _note_with_an_action(team) -> None:
    with CaseloadService(database=team.url, settings_dir=None, today=NOTE_DAY,
                         actor="Max Ford") as server:
        server.add_oversight_note(ref="N1", decision="Continue the plan",
                                  rationale="Seen alone twice",
                                  actions=[("Chase the school report", "Ann Lee", DUE)])


def _mark_done(service, done: date) -> None:
    with service:
        [note] = service.case_detail("N1").oversight_notes
        service.complete_oversight_action(action_id=note.actions[0].id, done=done)


def test_keeping_the_laptops_day_an_oversight_action_was_done(team, laptop):
    # The note was written on Wed 18 Nov; the action was done on Fri 20 Nov (Max's laptop)
    # or Sat 21 Nov (the server), both before today, Mon 23 Nov. Actions are a manager's.
    _note_with_an_action(team)
    max_ = laptop("max")
    max_.sync()
    _mark_done(team.service(None), SERVER_DONE)
    _mark_done(max_.service(), MAX_DONE)
    assert [c.field for c in max_.sync().conflicts] == ["action 1 done"]
    assert _keep_laptop(max_) == ("N1, the oversight note's action 1 done: team server "
                                  "21 Nov 2026, this laptop 20 Nov 2026")
    assert max_.sync().sent == ["N1: oversight action \"Chase the school report\" done on "
                                "20 Nov 2026"]
    assert team.sql("SELECT done FROM oversight_actions") == [(MAX_DONE,)]


def test_a_worker_marking_a_managers_action_done_is_kept_as_refused(team, laptop):
    # The server lets only a manager write oversight; the sync goes on and keeps Ann's mark.
    _note_with_an_action(team)
    ann = laptop("ann")
    ann.sync()
    _mark_done(ann.service(), date(2026, 11, 20))
    ann.visit("N1", date(2026, 11, 20))
    report = ann.sync()
    assert report.sent == ["N1: new visit of 20 Nov 2026"]
    [refusal] = report.refusals
    assert refusal.summary == ("N1: oversight action \"Chase the school report\" done on "
                               "20 Nov 2026")
    assert "only a manager of the case's team writes oversight notes" in refusal.reason
    assert team.sql("SELECT done FROM oversight_actions") == [(None,)]


def _as_dict(meeting: MeetingInput) -> dict:
    return {name: getattr(meeting, name) for name in (
        "kind", "status", "date", "chair", "chair_role", "family_attended", "circulated",
        "cancelled_on", "cancel_reason")}
