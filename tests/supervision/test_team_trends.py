"""The monthly trends of the team view (models.trends), against hand-worked figures, and the
same figures as the team view's own over the same month.

Today is Mon 23 Nov 2026. There is no bank holiday from 1 Sep to 24 Dec 2026, so "N WD after D"
(N working days after D, D itself day 0) is a plain weekday count. A month M holds: the visits
made in M (and first visits missed that were due in M), the meetings held in M, and the notes of
the meetings held in M (late when circulated after their deadline, or not circulated once it
has passed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.db import open_database, session_scope
from models.inputs import CaseInput, MeetingInput, VisitInput
from models.supervision import team_overview
from models.trends import Measures, Period, months_to, over_window, total
from policies.replay import Timeliness

from .support import CALENDAR, POLICIES, TODAY, read

SEP, OCT, NOV = 9, 10, 11


def seen(on: date, recorded: date | None = None) -> VisitInput:
    return VisitInput(date=on, seen=True, seen_alone=True, childs_voice="Fine",
                      location="home", recorded=recorded or on)


def figures(t: Timeliness) -> tuple[int, int]:
    return t.in_time, t.counted


def by_month(months: tuple[Measures, ...], periods: tuple[Period, ...],
             measure: str) -> dict[int, tuple[int, int]]:
    """The months with something counted: {month number: (in time, counted)}."""
    return {p.start.month: figures(m.of(measure)) for p, m in zip(periods, months, strict=True)
            if m.of(measure).counted}


def test_the_twelve_months_are_calendar_months_the_last_to_today():
    periods = months_to(date(2026, 11, 23))
    assert len(periods) == 12
    assert periods[0] == Period(date(2025, 12, 1), date(2025, 12, 31))
    # February 2026 has 28 days.
    assert periods[2] == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert periods[-1] == Period(date(2026, 11, 1), date(2026, 11, 23))
    assert [p.month for p in periods[:2]] == ["Dec", "Jan"]
    # On the first of a month the last month is that one day.
    assert months_to(date(2027, 3, 1))[-1] == Period(date(2027, 3, 1), date(2027, 3, 1))


def _withdraw_and_correct(db: Path) -> None:
    """W-1's visit of Thu 15 Oct was logged in error (withdrawn); the visit recorded as Thu
    5 Nov was really on Mon 2 Nov (corrected)."""
    from models.corrections import correct_visit, withdraw_visit
    from models.queries import get_case_detail

    engine = open_database(db)
    try:
        with session_scope(engine) as session:
            visits = {v.date: v for v in get_case_detail(session, "W-1").visits}
            withdraw_visit(session, ref="W-1", visit_uid=visits[date(2026, 10, 15)].uid,
                           reason="Logged on the wrong child", actor="Sam Patel", today=TODAY)
            correct_visit(session, ref="W-1", visit_uid=visits[date(2026, 11, 5)].uid,
                          visit=seen(date(2026, 11, 2), recorded=date(2026, 11, 5)),
                          reason="Wrong date typed", actor="Sam Patel", today=TODAY)
    finally:
        engine.dispose()


@pytest.fixture
def trend_db(make_database) -> Path:
    db = make_database([
        # Sam Patel. Wirral, allocated Mon 7 Sep 2026, visits every 20 WD.
        # - Tue 6 Oct: due 20 WD after allocation: 8-11 Sep (4), 14-18 (9), 21-25 (14),
        #   28 Sep-2 Oct (19), Mon 5 Oct (20) -> a day late. October: 0 of 1.
        # - Thu 15 Oct: withdrawn, counts nowhere (else October would be 1 of 2).
        # - Recorded Thu 5 Nov, corrected to Mon 2 Nov: due 20 WD after Tue 6 Oct: 7-9 Oct (3),
        #   12-16 (8), 19-23 (13), 26-30 (18), 2 Nov (19), Tue 3 Nov (20) -> in time (on 5 Nov
        #   it would have been late). November: 1 of 1.
        # - September: no visit made and none missed: nothing counted, "n/a", not 0%.
        CaseInput(ref="W-1", name="Amira Hassan", dob=date(2016, 1, 1), worker="Sam Patel",
                  team="North", policy="wirral", allocated=date(2026, 9, 7),
                  visits=[seen(date(2026, 10, 6)), seen(date(2026, 10, 15)),
                          seen(date(2026, 11, 5))]),
        # Jo King. Rochdale, allocated Mon 7 Sep 2026, assessment completed Mon 28 Sep.
        # Visits: seen Mon 16 Nov, the first (it meets the initial visit, late: not missed).
        # The initial visit within 48 hours was overtaken by the assessment, so the deadline
        # that applied was 20 WD after allocation: Mon 5 Oct -> late (November 0 of 1).
        # Meetings: the family network meeting by day 10 (10 WD after 7 Sep: 8-11 Sep (4),
        # 14-18 (9), Mon 21 Sep (10)) was never held and the assessment overtook it: missed,
        # a meeting not on time in September (0 of 1). Initial held Mon 5 Oct, due 5 WD after
        # 28 Sep: 29 Sep-2 Oct (4), Mon 5 Oct (5) -> in time (October 1 of 1). Review held Mon
        # 9 Nov, due 4 weeks after 5 Oct: Mon 2 Nov -> late (November 0 of 1).
        # Notes: of 5 Oct, due 5 WD after: 6-9 Oct (4), Mon 12 Oct; sent Wed 14 Oct -> late
        # (October 0 of 1). Of 9 Nov, due 10-13 Nov (4), Mon 16 Nov; not sent by today -> late
        # (November 0 of 1).
        CaseInput(ref="R-1", name="Bilal Khan", dob=date(2016, 1, 1), worker="Jo King",
                  team="North", policy="rochdale", allocated=date(2026, 9, 7),
                  assessment_completed=date(2026, 9, 28), plan_started=date(2026, 10, 5),
                  visits=[seen(date(2026, 11, 16))],
                  meetings=[MeetingInput(kind="initial", status="held", date=date(2026, 10, 5),
                                         circulated=date(2026, 10, 14)),
                            MeetingInput(kind="review", status="held",
                                         date=date(2026, 11, 9))]),
    ])
    _withdraw_and_correct(db)
    return db


def test_trend_figures_match_the_hand_worked_months(trend_db):
    overview = read(trend_db, team_overview, trend_months=12)
    periods = overview.periods
    jo, sam = overview.lines
    assert (jo.worker, sam.worker) == ("Jo King", "Sam Patel")

    assert by_month(sam.months, periods, "visits") == {OCT: (0, 1), NOV: (1, 1)}
    assert by_month(sam.months, periods, "meetings") == {}
    assert by_month(sam.months, periods, "circulation") == {}
    # September: nothing to count, so no share at all (shown "n/a"), never 0%.
    assert sam.months[periods.index(Period(date(2026, 9, 1), date(2026, 9, 30)))].visits.share \
        is None

    assert by_month(jo.months, periods, "visits") == {NOV: (0, 1)}
    assert by_month(jo.months, periods, "meetings") == {SEP: (0, 1), OCT: (1, 1), NOV: (0, 1)}
    assert [late.what for late in jo.months[periods.index(
        Period(date(2026, 9, 1), date(2026, 9, 30)))].meetings.late] == [
        "Family Network Meeting held (by day 10)"]
    assert by_month(jo.months, periods, "circulation") == {OCT: (0, 1), NOV: (0, 1)}
    assert [(late.on, late.due) for late in jo.months[-1].meetings.late] == [
        (date(2026, 11, 9), date(2026, 11, 2))]

    team = tuple(total(pair) for pair in zip(jo.months, sam.months, strict=True))
    assert by_month(team, periods, "visits") == {OCT: (0, 1), NOV: (1, 2)}
    assert by_month(team, periods, "meetings") == {SEP: (0, 1), OCT: (1, 1), NOV: (0, 1)}
    assert by_month(team, periods, "circulation") == {OCT: (0, 1), NOV: (0, 1)}


def _same_as_the_team_view(db: Path, today: date, months: int = 12) -> int:
    """Each of the last `months` months of every worker's trend equals the team view's
    figures worked out over that month; returns how many figures were compared."""
    overview = read(db, team_overview, today=today, trend_months=12)
    compared = 0
    for k, period in enumerate(overview.periods[-months:], start=12 - months):
        shown = read(db, team_overview, today=today, window=(period.start, period.end))
        assert [(ln.team, ln.worker) for ln in shown.lines] == [
            (ln.team, ln.worker) for ln in overview.lines]
        for line, same in zip(overview.lines, shown.lines, strict=True):
            assert line.months[k] == same.current, (line.worker, period)
            compared += sum(line.months[k].of(m).counted for m in ("visits", "meetings",
                                                                    "circulation"))
    return compared


def test_the_last_month_equals_the_team_views_figures_on_a_hand_built_caseload(trend_db):
    # Sam: 2 visits; Jo: 1 visit, 3 meetings, 2 sets of notes.
    assert _same_as_the_team_view(trend_db, TODAY) == 8


def test_the_last_month_equals_the_team_views_figures_on_the_demo_caseload(tmp_path):
    from cin_tui.demo import build_demo_database

    db = build_demo_database(tmp_path / "demo.db", today=TODAY, policies=POLICIES,
                             calendar=CALENDAR)
    # The last month, and the three before (the demo's history is mostly in these).
    assert _same_as_the_team_view(db, TODAY, months=4) > 0
    # The table's 3 months (23 Aug to 23 Nov), read from the months, as worked out alone.
    alone = read(db, team_overview, today=TODAY)
    with_trends = read(db, team_overview, today=TODAY, trend_months=12)
    assert [ln.current for ln in with_trends.lines] == [ln.current for ln in alone.lines]


def test_the_team_views_window_is_unchanged_by_the_trends(trend_db):
    """The table's "In time" is still the 3 months to today (23 Aug to 23 Nov): Sam's two
    visits (0 of 1 in October, 1 of 1 in November), as the months add up."""
    plain = read(trend_db, team_overview)
    with_trends = read(trend_db, team_overview, trend_months=12)
    sam = plain.lines[1]
    assert figures(sam.visits) == (1, 2)
    assert with_trends.lines[1].current == sam.current
    assert plain.periods == () and sam.months == ()


@pytest.mark.parametrize("window", [
    (date(2026, 8, 23), date(2026, 11, 23)),  # the team view's: part of August, then months
    (date(2026, 11, 1), date(2026, 11, 23)),  # exactly the last month
    (date(2026, 10, 5), date(2026, 10, 20)),  # inside one month: no month wholly inside
    (date(2025, 6, 1), date(2026, 11, 23)),   # starting before the first month
    (date(2026, 9, 1), date(2026, 10, 31)),   # two whole months
])
def test_the_window_read_from_the_months_is_the_window_worked_out_alone(window):
    """A stand-in measure that counts each day of a period once: the window made of the months
    inside it and the days either side counts every day of it once, as measuring it whole."""
    def days(period: Period) -> Measures:
        n = (period.end - period.start).days + 1
        return Measures(visits=Timeliness(n, 0))

    periods = months_to(TODAY)
    months = [days(p) for p in periods]
    whole = Period(*window)
    assert over_window(whole, periods, months, days) == days(whole)
