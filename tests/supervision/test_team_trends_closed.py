"""Closed cases in the team view's measures and trends (models.trends.CaseHistory): a case closed
in the months counted keeps its history up to its closure, nothing after it, under the worker it
is allocated to; a caseload of open cases only reads exactly as before.

Hand-worked. Working days: "N WD after D" is the Nth weekday after D (D itself day 0); there is
no bank holiday from 1 Sep to 24 Dec 2026. Most tests read on Mon 18 Jan 2027: the 12 months are
Feb 2026 to 1-18 Jan 2027, the team view's window 18 Oct 2026 to 18 Jan 2027.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.supervision import team_overview
from policies.replay import Timeliness

from .support import TODAY, read
from .test_team_trends import by_month, figures

LATER = date(2027, 1, 18)  # a Monday
SEP, OCT, NOV, DEC, JAN = 9, 10, 11, 12, 1


def seen(on: date) -> VisitInput:
    return VisitInput(date=on, seen=True, seen_alone=True, childs_voice="Fine",
                      location="home", recorded=on)


def closed(on: date) -> ClosureInput:
    return ClosureInput(date=on, reason="RC7")


def wirral_closed_in_month_3() -> CaseInput:
    """Ann Lee's case, Wirral (visits every 20 WD), allocated Mon 7 Sep 2026, closed Fri 13 Nov
    (its third month):
    - Thu 10 Sep: due 20 WD after allocation, Mon 5 Oct (8-11 Sep 4, 14-18 9, 21-25 14,
      28 Sep-2 Oct 19, 5 Oct 20) -> in time. September: 1 of 1.
    - Fri 9 Oct: due 20 WD after Thu 10 Sep: 11 Sep (1), 14-18 (6), 21-25 (11), 28 Sep-2 Oct
      (16), 5-8 Oct (20) -> Thu 8 Oct, a day late. October: 0 of 1.
    - Thu 5 Nov: due 20 WD after Fri 9 Oct: 12-16 Oct (5), 19-23 (10), 26-30 (15), 2-6 Nov
      (20) -> Fri 6 Nov, in time. November: 1 of 1.
    Nothing in December or January: the case was closed."""
    return CaseInput(ref="W-9", name="Amira Hassan", dob=date(2016, 1, 1), worker="Ann Lee",
                     team="North", policy="wirral", allocated=date(2026, 9, 7),
                     visits=[seen(date(2026, 9, 10)), seen(date(2026, 10, 9)),
                             seen(date(2026, 11, 5))],
                     closure=closed(date(2026, 11, 13)))


def rochdale(ref: str, worker: str, closure: ClosureInput | None) -> CaseInput:
    """Rochdale, allocated Mon 7 Sep 2026, assessment completed Mon 28 Sep, plan from Mon 5 Oct.
    - Visit Tue 8 Sep: the initial visit, due 2 days after allocation (Wed 9 Sep) -> in time.
      September visits: 1 of 1.
    - The family network meeting by day 10 (10 WD after 7 Sep: 8-11 Sep 4, 14-18 9, Mon 21 Sep
      10) was never held, and the assessment overtook it: missed, a meeting not on time in
      September (0 of 1). The initial meeting, held Mon 5 Oct, due 5 WD after 28 Sep (29 Sep-2
      Oct 4, Mon 5 Oct 5) -> in time: October 1 of 1.
    - Its notes, due 5 WD after Mon 5 Oct (6-9 Oct 4, Mon 12 Oct), never sent: late once 12 Oct
      has passed, if the case was still open then."""
    return CaseInput(ref=ref, name="Bilal Khan", dob=date(2016, 1, 1), worker=worker,
                     team="North", policy="rochdale", allocated=date(2026, 9, 7),
                     assessment_completed=date(2026, 9, 28), plan_started=date(2026, 10, 5),
                     visits=[seen(date(2026, 9, 8))],
                     meetings=[MeetingInput(kind="initial", status="held",
                                            date=date(2026, 10, 5))],
                     closure=closure)


def closed_long_ago() -> CaseInput:
    """Dee Gone's only case, closed Fri 31 Oct 2025: before the first month counted (Feb 2026
    on 18 Jan 2027), so it counts nowhere and Dee has no line."""
    return CaseInput(ref="W-0", name="Chloe Evans", dob=date(2016, 1, 1), worker="Dee Gone",
                     team="North", policy="wirral", allocated=date(2025, 9, 1),
                     visits=[seen(date(2025, 9, 2))], closure=closed(date(2025, 10, 31)))


@pytest.fixture
def closed_db(make_database) -> Path:
    return make_database([
        wirral_closed_in_month_3(),
        # Ben Ode's case, closed Fri 9 Oct: before its notes were due (Mon 12 Oct), so they
        # are not counted at all (nothing is due after a closure).
        rochdale("R-9", "Ben Ode", closed(date(2026, 10, 9))),
        # Cy Open's, the same case still open: its notes count late in October.
        rochdale("R-8", "Cy Open", None),
        closed_long_ago(),
    ])


def lines_by_worker(database: Path, today: date) -> dict[str | None, object]:
    overview = read(database, team_overview, today=today, trend_months=12)
    return {line.worker: line for line in overview.lines}, overview.periods


def test_a_case_closed_in_its_third_month_counts_in_its_months_up_to_the_closure(closed_db):
    lines, periods = lines_by_worker(closed_db, LATER)
    ann = lines["Ann Lee"]
    assert by_month(ann.months, periods, "visits") == {SEP: (1, 1), OCT: (0, 1), NOV: (1, 1)}
    # December and January: nothing counted (n/a), not 0%.
    assert [ann.months[i].visits.share for i in (-2, -1)] == [None, None]
    assert by_month(ann.months, periods, "meetings") == {}
    # The table: no open case, the closed one named; "In time" over 18 Oct to 18 Jan holds
    # the visit of Thu 5 Nov (the one of 9 Oct is before the window).
    assert (ann.cases, ann.closed) == (0, ("W-9",))
    assert figures(ann.visits) == (1, 1)


def test_nothing_falls_due_after_a_closure(closed_db):
    lines, periods = lines_by_worker(closed_db, LATER)
    ben, cy = lines["Ben Ode"], lines["Cy Open"]
    assert by_month(ben.months, periods, "visits") == {SEP: (1, 1)}
    assert by_month(ben.months, periods, "meetings") == {SEP: (0, 1), OCT: (1, 1)}
    # Closed on Fri 9 Oct, before the notes' deadline of Mon 12 Oct: not counted.
    assert by_month(ben.months, periods, "circulation") == {}
    # Closed before the window (18 Oct to 18 Jan): nothing in the table's figures.
    assert ben.current.visits == ben.current.meetings == ben.current.circulation \
        == Timeliness()
    # The same case open: its notes are late in October.
    assert by_month(cy.months, periods, "meetings") == {SEP: (0, 1), OCT: (1, 1)}
    assert by_month(cy.months, periods, "circulation") == {OCT: (0, 1)}


def test_a_case_closed_before_the_months_counts_nowhere(closed_db):
    lines, _periods = lines_by_worker(closed_db, LATER)
    assert "Dee Gone" not in lines
    assert sorted(lines) == ["Ann Lee", "Ben Ode", "Cy Open"]


def test_the_team_total_holds_the_closed_cases(closed_db):
    """Every team's months add up the closed cases too: September's visits are Ann's (1 of 1),
    Ben's (1 of 1) and Cy's (1 of 1)."""
    from models.trends import total

    overview = read(closed_db, team_overview, today=LATER, trend_months=12)
    team = tuple(total(m) for m in zip(*(ln.months for ln in overview.lines), strict=True))
    assert by_month(team, overview.periods, "visits") == {SEP: (3, 3), OCT: (0, 1),
                                                          NOV: (1, 1)}


def test_an_open_only_caseload_reads_as_before(closed_db, make_database):
    """Cy's open case on 23 Nov 2026, window 23 Aug to 23 Nov: visits 1 of 1 (8 Sep), meetings
    1 of 2 (the family network meeting missed, the initial in time), notes 0 of 1 (due 12 Oct,
    never sent), with or without the other workers' closed cases in the database."""
    alone = make_database([rochdale("R-8", "Cy Open", None)], name="alone.db")
    for database in (alone, closed_db):
        overview = read(database, team_overview, today=TODAY)
        cy = {line.worker: line for line in overview.lines}["Cy Open"]
        assert (figures(cy.visits), figures(cy.meetings), figures(cy.circulation)) == (
            (1, 1), (1, 2), (0, 1))
        assert (cy.cases, cy.closed) == (1, ())
    only = read(alone, team_overview, today=TODAY, trend_months=12)
    with_closed = read(closed_db, team_overview, today=TODAY, trend_months=12)
    [cy_alone] = only.lines
    cy = {line.worker: line for line in with_closed.lines}["Cy Open"]
    assert cy.months == cy_alone.months and cy.current == cy_alone.current
