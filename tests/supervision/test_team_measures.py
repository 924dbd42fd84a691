"""The team view's measures, as a manager reads them, with dates worked out by hand.

Today is Mon 23 Nov 2026. 2026 bank holidays near here: Mon 31 Aug (summer); none from 1 Sep to
24 Dec. "N WD after D" counts N working days after D (D itself is day 0).
"""

from __future__ import annotations

from datetime import date

from models.inputs import CaseInput, MeetingInput, VisitInput
from models.supervision import Timeliness, team_overview, visit_window
from policies.facts import Frequency

from .support import add_note, page, read


def seen(on: date, alone: bool | None = True, voice: str | None = "Fine") -> VisitInput:
    reason = "Mother would not leave the room" if alone is False else None
    return VisitInput(date=on, seen=True, seen_alone=alone, not_alone_reason=reason,
                      childs_voice=voice, location="home", recorded=on)


def test_the_window_is_the_3_months_to_today_both_ends_included():
    assert visit_window(date(2026, 11, 23)) == (date(2026, 8, 23), date(2026, 11, 23))
    # 31 May - 3 months: there is no 31 Feb, so the window opens on the last day of February.
    assert visit_window(date(2027, 5, 31)) == (date(2027, 2, 28), date(2027, 5, 31))


def test_visits_in_time_against_the_deadline_that_applied_on_the_day(make_database):
    cases = [
        # Wirral, allocated Mon 7 Sep 2026.
        # - Tue 29 Sep: first visit; deadline 20 WD after allocation: 8-11 Sep (4), 14-18 (9),
        #   21-25 (14), 28 Sep-2 Oct (19), Mon 5 Oct (20) -> in time.
        # - Mon 26 Oct: 20 WD after 29 Sep: 30 Sep-2 Oct (3), 5-9 (8), 12-16 (13), 19-23 (18),
        #   26 (19), Tue 27 Oct (20) -> in time.
        # - Wed 18 Nov, child not seen: not counted.
        # - Mon 23 Nov: 20 WD after 26 Oct: 27-30 Oct (4), 2-6 Nov (9), 9-13 (14), 16-20 (19),
        #   Mon 23 Nov (20) -> on the day: in time.
        CaseInput(ref="W-1", name="Amira Hassan", dob=date(2016, 1, 1), worker="Sam Patel",
                  team="North", policy="wirral", allocated=date(2026, 9, 7),
                  visits=[seen(date(2026, 9, 29)), seen(date(2026, 10, 26)),
                          VisitInput(date=date(2026, 11, 18), seen=False,
                                     recorded=date(2026, 11, 18)),
                          seen(date(2026, 11, 23))]),
        # Rochdale, allocated Mon 2 Nov 2026: the initial visit within 48 hours -> Wed 4 Nov.
        # Seen Thu 5 Nov: a day late.
        CaseInput(ref="R-1", name="Bilal Khan", dob=date(2015, 1, 1), worker="Sam Patel",
                  team="North", policy="rochdale", allocated=date(2026, 11, 2),
                  visits=[seen(date(2026, 11, 5))]),
        # Wirral, allocated Mon 3 Aug 2026. Sat 22 Aug is before the window (not counted);
        # Sun 23 Aug is its first day: 20 WD after Sat 22 Aug: 24-28 Aug (5), 31 Aug is a bank
        # holiday, 1-4 Sep (9), 7-11 (14), 14-18 (19), Mon 21 Sep (20) -> in time.
        CaseInput(ref="W-2", name="Chloe Evans", dob=date(2014, 1, 1), worker="Sam Patel",
                  team="North", policy="wirral", allocated=date(2026, 8, 3),
                  visits=[seen(date(2026, 8, 22)), seen(date(2026, 8, 23))]),
        # Camden sets no visiting timescale: its visits are not counted.
        CaseInput(ref="C-1", name="Dara Smith", dob=date(2013, 1, 1), worker="Sam Patel",
                  team="North", policy="camden", allocated=date(2026, 9, 1),
                  visits=[seen(date(2026, 10, 1))]),
    ]
    db = make_database(cases)
    line = read(db, team_overview).lines[0]
    assert (line.visits.counted, line.visits.in_time) == (5, 4)
    assert [(ln.ref, ln.on, ln.due) for ln in line.visits.late] == [
        ("R-1", date(2026, 11, 5), date(2026, 11, 4))]
    assert line.visits.words() == "4 of 5 (80%)"
    assert page(db, "W-1", "Sam Patel").visits == Timeliness(3, 3)


def test_children_over_3_not_seen_alone_at_their_last_visit(make_database):
    def child(ref: str, dob: date, alone: bool | None, *extra: VisitInput) -> CaseInput:
        return CaseInput(ref=ref, name=f"Child {ref}", dob=dob, worker="Sam Patel", team="North",
                         policy="wirral", allocated=date(2026, 10, 1),
                         visits=[*extra, seen(date(2026, 11, 20), alone=alone)])

    db = make_database([
        child("A", date(2023, 11, 20), False),  # 3 on the day of the visit (Fri 20 Nov): counted
        child("B", date(2023, 11, 21), False),  # 3 the day after the visit: not counted
        child("C", date(2016, 5, 5), None),     # seen alone not recorded: counted
        child("D", date(2016, 5, 5), True),     # seen alone
        # Not alone earlier, alone at the last visit: not counted.
        child("E", date(2016, 5, 5), True, seen(date(2026, 11, 2), alone=False)),
        # The last visit did not see the child: judged on the last visit where they were seen.
        child("F", date(2016, 5, 5), False,
              VisitInput(date=date(2026, 11, 21), seen=False, recorded=date(2026, 11, 21))),
    ])
    assert read(db, team_overview).lines[0].not_seen_alone == ("A", "C", "F")


def test_a_child_born_on_29_february_counts_from_1_march_in_a_year_without_one(make_database):
    # Born Thu 29 Feb 2024 (policies.ages): 2027 has no 29 Feb, so the third birthday is
    # Mon 1 Mar 2027. P was last seen on Sun 28 Feb 2027, aged 2: not counted. Q was last
    # seen on 1 Mar 2027, aged 3, not alone: counted. Today is Tue 2 Mar 2027.
    def child(ref: str, last_seen: date) -> CaseInput:
        return CaseInput(ref=ref, name=f"Child {ref}", dob=date(2024, 2, 29),
                         worker="Sam Patel", team="North", policy="wirral",
                         allocated=date(2027, 2, 1), visits=[seen(last_seen, alone=False)])

    today = date(2027, 3, 2)
    db = make_database([child("P", date(2027, 2, 28)), child("Q", date(2027, 3, 1))], on=today)
    assert read(db, team_overview, today=today).lines[0].not_seen_alone == ("Q",)
    assert not page(db, "P", "Sam Patel", today=today).over_3_not_seen_alone
    assert page(db, "Q", "Sam Patel", today=today).over_3_not_seen_alone


def test_one_line_per_worker_grouped_by_team_with_overdue_counts_by_kind(make_database):
    # Wirral, last seen Tue 20 Oct: 20 WD -> Tue 17 Nov, overdue. Initial meeting held Mon 2
    # Nov, not circulated: 14 days -> Mon 16 Nov, overdue.
    overdue_visit_and_notes = CaseInput(
        ref="W-1", name="Amira Hassan", dob=date(2016, 1, 1), worker="Sam Patel", team="North",
        policy="wirral", allocated=date(2026, 9, 1),
        visits=[seen(date(2026, 10, 20))],
        meetings=[MeetingInput(kind="initial", status="held", date=date(2026, 11, 2))])
    # Seen Mon 16 Nov: next visit due 14 Dec; nothing overdue.
    fine = CaseInput(ref="W-2", name="Bilal Hassan", dob=date(2016, 1, 1), worker="Sam Patel",
                     team="North", policy="wirral", allocated=date(2026, 9, 1),
                     visits=[seen(date(2026, 11, 16))])
    other_team = CaseInput(ref="W-3", name="Chloe Evans", dob=date(2016, 1, 1), worker="Jo King",
                           team="South", policy="wirral", allocated=date(2026, 11, 2),
                           visits=[seen(date(2026, 11, 16))])
    nobody = CaseInput(ref="W-4", name="Dara Smith", dob=date(2016, 1, 1), team="North",
                       policy="wirral", allocated=date(2026, 11, 2),
                       visits=[seen(date(2026, 11, 16))])
    db = make_database([overdue_visit_and_notes, fine, other_team, nobody])
    overview = read(db, team_overview)
    assert overview.teams == ("North", "South")
    assert [(ln.team, ln.worker, ln.refs) for ln in overview.lines] == [
        ("North", "Sam Patel", ("W-1", "W-2")),
        ("North", None, ("W-4",)),
        ("South", "Jo King", ("W-3",)),
    ]
    sam = overview.lines[0]
    assert sam.overdue == {"visit": 1, "meeting": 0, "circulation": 1, "review": 0}
    # Two overdue items, one child: counted as the caseload's header counts children.
    assert sam.overdue_children == ("W-1",)
    assert [ln.worker for ln in overview.of_team("South")] == ["Jo King"]


def test_overdue_oversight_actions_are_counted_apart_from_flags(make_database):
    db = make_database([CaseInput(ref="W-1", name="Amira Hassan", dob=date(2016, 1, 1),
                                  worker="Sam Patel", team="North", policy="wirral",
                                  allocated=date(2026, 11, 2), visits=[seen(date(2026, 11, 16))])])
    # A note of Mon 16 Nov with an action due Fri 20 Nov: overdue today.
    add_note(db, "W-1", actions=[("Ring the school", "Sam Patel", date(2026, 11, 20))],
             on=date(2026, 11, 16))
    line = read(db, team_overview).lines[0]
    assert (line.actions_overdue, line.past_oversight) == (1, ())


def test_meetings_and_circulation_judged_against_their_own_deadlines(make_database):
    # Rochdale, assessment completed Mon 28 Sep 2026.
    # Initial meeting: 5 WD -> 29 Sep-2 Oct (4), Mon 5 Oct (5); held Mon 5 Oct: in time.
    # Its minutes: 5 WD after 5 Oct -> 6-9 Oct (4), Mon 12 Oct; sent Wed 14 Oct: late.
    # Review: 4 weeks after the last meeting (5 Oct) -> Mon 2 Nov; held Mon 9 Nov: late.
    # Its minutes: 5 WD after 9 Nov -> 10-13 Nov (4), Mon 16 Nov; not sent: overdue now.
    db = make_database([CaseInput(
        ref="R-1", name="Amira Hassan", dob=date(2016, 1, 1), worker="Sam Patel", team="North",
        policy="rochdale", allocated=date(2026, 9, 7), assessment_completed=date(2026, 9, 28),
        plan_started=date(2026, 10, 5), visits=[seen(date(2026, 11, 16))],
        meetings=[
            MeetingInput(kind="initial", status="held", date=date(2026, 10, 5),
                         circulated=date(2026, 10, 14)),
            MeetingInput(kind="review", status="held", date=date(2026, 11, 9)),
        ])])
    shown = page(db, "R-1", "Sam Patel")
    assert (shown.meetings.counted, shown.meetings.in_time) == (2, 1)
    assert [(ln.what, ln.on, ln.due) for ln in shown.meetings.late] == [
        ("review meeting", date(2026, 11, 9), date(2026, 11, 2))]
    assert [(ln.on, ln.due) for ln in shown.circulation.late] == [
        (date(2026, 10, 14), date(2026, 10, 12))]
    assert [(d.due, d.status) for d in shown.circulation_due] == [(date(2026, 11, 16), "overdue")]
    assert shown.circulation_misses == 2
    # Plan started Mon 5 Oct: 49 days old today (7 weeks 0 days).
    assert shown.plan_age_days(date(2026, 11, 23)) == 49


def test_cases_with_no_visiting_frequency_are_counted_per_worker(make_database):
    # Camden and Trafford leave the visiting frequency to each case: without one a case has
    # no visit deadline at all, so the team view counts it. Wirral sets 20 WD itself.
    cases = [
        CaseInput(ref="CA-1", name="Finn Doyle", worker="Jo King", team="South",
                  policy="camden", allocated=date(2026, 9, 14)),
        CaseInput(ref="TR-1", name="Gus Tran", worker="Jo King", team="South",
                  policy="trafford", allocated=date(2026, 9, 14)),
        CaseInput(ref="TR-2", name="Hal Tran", worker="Jo King", team="South",
                  policy="trafford", allocated=date(2026, 9, 14), visit_every=None),
        CaseInput(ref="CA-2", name="Ivy Doyle", worker="Sam Patel", team="South",
                  policy="camden", allocated=date(2026, 9, 14),
                  visit_every=Frequency(4, "weeks")),
        CaseInput(ref="W-1", name="Amira Hassan", worker="Sam Patel", team="South",
                  policy="wirral", allocated=date(2026, 9, 14)),
    ]
    overview = read(make_database(cases), team_overview)
    by_worker = {line.worker: line for line in overview.lines}
    assert by_worker["Jo King"].no_frequency == ("CA-1", "TR-1", "TR-2")
    assert by_worker["Sam Patel"].no_frequency == ()
