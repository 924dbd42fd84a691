"""Milestones missed count against timeliness in the team view (issue 12, item 5).

Today is Mon 23 Nov 2026; the window is 23 Aug to 23 Nov 2026. No bank holiday from 1 Sep to
24 Dec 2026, so working days there are plain weekdays.
"""

from __future__ import annotations

from datetime import date

from models.inputs import CaseInput, TaskDoneInput
from models.supervision import team_overview

from .support import read


def _rochdale(ref: str, **fields) -> CaseInput:
    # Allocated Tue 1 Sep 2026, assessment completed Wed 30 Sep, plan started Mon 12 Oct; no
    # visit and no meeting recorded.
    return CaseInput(ref=ref, name=f"Child {ref}", dob=date(2016, 1, 1), worker="Sam Patel",
                     team="North", policy="rochdale", allocated=date(2026, 9, 1),
                     assessment_completed=date(2026, 9, 30), plan_started=date(2026, 10, 12),
                     **fields)


def test_milestones_missed_in_the_window_count_and_a_missed_first_visit_is_not_in_time(
        make_database):
    db = make_database([_rochdale("R-1")])
    line = read(db, team_overview).lines[0]
    # Initial visit, 48 hours: Thu 3 Sep. Checkpoint 1, WD 5: 2, 3, 4, 7, Tue 8 Sep.
    # Family Network Meeting, WD 10: 9, 10, 11, 14, Tue 15 Sep. Initial meeting, 5 WD after
    # the assessment (Wed 30 Sep): 1, 2, 5, 6, Wed 7 Oct. Checkpoint 2, WD 30: WD 10 is 15 Sep,
    # 22 Sep (15), 29 Sep (20), 6 Oct (25), Tue 13 Oct (30). All due in the window and past,
    # and the plan started on 12 Oct (the first three were overtaken by the assessment on
    # 30 Sep already).
    assert sorted((m.due, m.rule_id) for _ref, m in line.missed) == [
        (date(2026, 9, 3), "rochdale.initial_visit"),
        (date(2026, 9, 8), "rochdale.checkpoint_1"),
        (date(2026, 9, 15), "rochdale.family_network_meeting"),
        (date(2026, 10, 7), "rochdale.initial_meeting"),
        (date(2026, 10, 13), "rochdale.checkpoint_2"),
    ]
    # No visit was ever made: the missed initial visit is the one visit judged, not in time.
    assert line.visits.words() == "0 of 1 (0%)"
    # None of them is an open overdue countdown any more.
    assert line.overdue["meeting"] == 0


def test_milestones_recorded_done_on_import_do_not_count(make_database):
    db = make_database([_rochdale("R-2", tasks_done=[
        TaskDoneInput("initial_visit", date(2026, 9, 2)),
        TaskDoneInput("checkpoint_1", date(2026, 9, 8)),
        TaskDoneInput("family_network_meeting", date(2026, 9, 14)),
        TaskDoneInput("initial_meeting", date(2026, 10, 12)),
        TaskDoneInput("checkpoint_2", date(2026, 10, 13)),
    ])])
    line = read(db, team_overview).lines[0]
    assert line.missed == ()
    assert line.visits.words() == "none counted"
