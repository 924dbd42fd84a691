"""The team view's monthly trends through `CaseloadService.team_overview`, on SQLite and on
PostgreSQL: read from the records as corrected, withdrawn ones left out.

Today is Mon 23 Nov 2026; no bank holiday from 1 Sep to 24 Dec 2026, so "N WD after D" (D
itself day 0) counts weekdays. Wirral, allocated Mon 7 Sep 2026, visits every 20 WD:
- seen Tue 6 Oct: due 20 WD after allocation: 8-11 Sep (4), 14-18 (9), 21-25 (14),
  28 Sep-2 Oct (19), Mon 5 Oct (20) -> late: October 0 of 1;
- seen Thu 15 Oct, then withdrawn: counts nowhere (else October would be 1 of 2);
- recorded as Thu 5 Nov, corrected to Mon 2 Nov: due 20 WD after 6 Oct: 7-9 Oct (3),
  12-16 (8), 19-23 (13), 26-30 (18), 2 Nov (19), Tue 3 Nov (20) -> in time: November 1 of 1
  (on 5 Nov it would have been late).
September and the months before: nothing to count.
"""

from __future__ import annotations

from datetime import date

import pytest

from models.db import session_scope
from models.inputs import CaseInput, VisitInput
from models.service import CaseloadService

TODAY = date(2026, 11, 23)


def seen(day: date, recorded: date | None = None) -> VisitInput:
    return VisitInput(date=day, seen=True, seen_alone=True, childs_voice="Fine",
                      location="home", recorded=recorded or day)


@pytest.fixture
def service(database):
    service = CaseloadService(database=database, settings_dir=None, today=TODAY,
                              actor="Sam Patel")
    service.open()
    with session_scope(service.engine) as session:
        from models.commands import upsert_cases

        upsert_cases(session, cases=[CaseInput(
            ref="W-1", name="Amira Hassan", dob=date(2016, 1, 1), worker="Sam Patel",
            team="North", policy="wirral", allocated=date(2026, 9, 7),
            visits=[seen(date(2026, 10, 6)), seen(date(2026, 10, 15)),
                    seen(date(2026, 11, 5))])],
            actor="setup", policies=service.policies, today=TODAY)
    yield service
    service.close()


def test_the_months_count_the_visits_as_corrected_without_the_withdrawn_one(service):
    visits = {v.date: v.uid for v in service.case_detail("W-1").visits}
    service.withdraw_visit(ref="W-1", visit_uid=visits[date(2026, 10, 15)],
                           reason="Logged on the wrong child")
    service.correct_visit(ref="W-1", visit_uid=visits[date(2026, 11, 5)],
                          visit=seen(date(2026, 11, 2), recorded=date(2026, 11, 5)),
                          reason="Wrong date typed")
    overview = service.team_overview()
    [line] = overview.lines
    assert [p.label for p in overview.periods][-3:] == ["Sep 2026", "Oct 2026", "Nov 2026"]
    assert [(m.visits.in_time, m.visits.counted) for m in line.months] == (
        [(0, 0)] * 10 + [(0, 1), (1, 1)])
    assert line.months[-3].visits.share is None  # September: nothing counted, not 0%
    # The table's 3 months to today: the same two visits.
    assert (line.visits.in_time, line.visits.counted) == (1, 2)


def test_a_case_closed_in_the_months_counts_up_to_its_closure_and_in_two_steps(service):
    """W-1 closed on Fri 16 Oct (through the close command, as a worker would, once its visit
    of 5 Nov is withdrawn: a closure comes after every record): its visits of 6 Oct (late) and
    15 Oct (due 20 WD after 6 Oct, Tue 3 Nov: in time) count in October, nothing in November.
    The table's 3 months: 1 of 2. The two steps (`team_facts`: the table, then the months)
    give what `team_overview` gives."""
    from models.inputs import ClosureInput

    visits = {v.date: v.uid for v in service.case_detail("W-1").visits}
    service.withdraw_visit(ref="W-1", visit_uid=visits[date(2026, 11, 5)],
                           reason="Recorded on the wrong case")
    service.close_case(ref="W-1", closure=ClosureInput(
        date=date(2026, 10, 16), reason="RC7", checklist={"review_concluded": True}))
    overview = service.team_overview()
    [line] = overview.lines
    assert (line.cases, line.closed) == (0, ("W-1",))
    assert [(m.visits.in_time, m.visits.counted) for m in line.months] == (
        [(0, 0)] * 10 + [(1, 2), (0, 0)])
    assert (line.visits.in_time, line.visits.counted) == (1, 2)

    facts = service.team_facts()
    table = facts.overview()
    assert [ln.months for ln in table.lines] == [()]  # the table first: no months yet
    assert [ln.current for ln in table.lines] == [line.current]
    assert facts.with_trends(table) == overview
