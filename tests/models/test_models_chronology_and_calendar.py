"""The service's chronology and calendar events (issue 16), on SQLite and on PostgreSQL: the
chronology in date order from the recorded history; the calendar events the caseload's open
deadlines, with UIDs that survive a deadline moving."""

from __future__ import annotations

from datetime import date

import pytest

from models.calendar_events import event_uid, open_deadlines
from models.db import session_scope
from models.inputs import CaseInput, MeetingInput, VisitInput
from models.service import CaseloadService

TODAY = date(2026, 11, 23)  # Monday


@pytest.fixture
def service(database):
    service = CaseloadService(database=database, settings_dir=None, today=TODAY,
                              actor="Jo Lantern")
    service.open()
    with session_scope(service.engine) as session:
        from models.commands import upsert_cases

        upsert_cases(session, cases=[
            CaseInput(ref="AMY", name="Amy Late", allocated=date(2026, 9, 1), policy="wirral",
                      worker="Jo Lantern", family="late",
                      visits=[VisitInput(date=date(2026, 10, 12), seen=True, seen_alone=True,
                                         childs_voice="Amy likes school", location="home",
                                         recorded=date(2026, 10, 13))],
                      meetings=[MeetingInput(kind="initial", status="held",
                                             date=date(2026, 10, 1),
                                             circulated=date(2026, 10, 14))]),
            CaseInput(ref="BEN", name="Ben Late", allocated=date(2026, 9, 1), policy="wirral",
                      worker="Sam Patel", family="late"),
        ], actor="setup", policies=service.policies, today=TODAY)
    yield service
    service.close()


def test_the_chronology_is_every_recorded_event_oldest_first(service):
    found = service.chronology("AMY")
    # Allocated Tue 1 Sep; the initial meeting held Thu 1 Oct; seen Mon 12 Oct; the minutes
    # circulated Wed 14 Oct (an event of its own, after the visit).
    assert [(e.when, e.what) for e in found.entries] == [
        (date(2026, 9, 1), "Allocated"),
        (date(2026, 10, 1), "Initial meeting"),
        (date(2026, 10, 12), "Visit"),
        (date(2026, 10, 14), "Minutes circulated"),
    ]
    assert found.entries[2].words == ("at home · seen alone · voice: “Amy likes school” · "
                                      "recorded 13 Oct 2026")
    assert found.names == ("Amy Late", "Ben Late")  # the sibling's name is masked too
    assert found.authority == "Wirral"


def test_calendar_events_are_the_open_deadlines_and_keep_their_uid_when_one_moves(service):
    rows = service.caseload()
    events = service.calendar_events()
    assert [(e.ref, e.deadline) for e in events] == [
        (summary.ref, deadline) for summary, deadline in open_deadlines(rows, today=TODAY)]
    [visit] = [e for e in events if e.ref == "AMY" and e.deadline.rule_id == "wirral.visit"]
    assert visit.uid == event_uid("AMY", "wirral.visit")
    # Seen Mon 12 Oct: +20 working days = 13-16 Oct (4), 19-23 (9), 26-30 (14), 2-6 Nov (19),
    # Mon 9 Nov (20). Reminder 5 working days before: Fri 6, Thu 5, Wed 4, Tue 3, Mon 2 Nov.
    assert (visit.due, visit.reminder) == (date(2026, 11, 9), date(2026, 11, 2))
    service.log_visit("AMY", VisitInput(date=TODAY, seen=True, seen_alone=True,
                                        childs_voice="Fine", location="home", recorded=TODAY))
    [moved] = [e for e in service.calendar_events(worker="Jo Lantern")
               if e.ref == "AMY" and e.deadline.rule_id == "wirral.visit"]
    # Seen Mon 23 Nov: 24-27 Nov (4), 30 Nov-4 Dec (9), 7-11 (14), 14-18 (19), Mon 21 Dec (20).
    assert moved.due == date(2026, 12, 21)
    assert moved.uid == visit.uid
    assert {e.ref for e in service.calendar_events(worker="Jo Lantern")} == {"AMY"}
    assert all(e.due <= date(2026, 11, 30)
               for e in service.calendar_events(within_days=7))
