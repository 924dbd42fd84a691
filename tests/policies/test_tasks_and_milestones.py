"""Tasks the worker marks done, and milestones overtaken (issue 12, items 3 and 5).

Dates worked out by hand; the calendar of test_engine_support. Early 2026: Easter is Good
Friday 3 Apr and Easter Monday 6 Apr 2026; no bank holiday in March.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine import plan_deadlines
from policies.facts import TaskDoneFact
from policies.packs import PolicyError
from policies.packs.loader import build_policy
from policies.today import missed_on

from .test_engine_support import CALENDAR, POLICIES, booked, case, held, one, rule_ids

# --- which rules are the worker's own tasks -------------------------------------------------

# Chosen by reading each procedure for who does the task (POLICY-RULES.md and procedures/).
WORKER_TASKS = {
    # 10.3: "social workers will send out invitation letters at least 10 working days before"
    # and "Social workers will ensure that a copy of the updated assessment report ... is made
    # available to families and professionals at least 2 working days before".
    "camden": {"invitations", "assessment_report"},
    # Transfer from FRCD: "FRCD will complete the C&F assessment and share it with the family
    # at least 2 days before the first CIN meeting" (the FRCD social worker); Safety plan: "should
    # be typed up within 7 days" (SW/KW); Collaboration: "writing 3 monthly updates to the child"
    # (Social/Key worker).
    "leicestershire": {"assessment_shared", "safety_plan_typed", "update_to_child"},
    # Section 6: the allocated Social Worker makes the initial visit, with "a copy of the
    # genogram uploaded to the child's file no later than one working day of the initial visit".
    "rochdale": {"safety_plan_genogram"},
    # Trafford's procedure gives the worker no dated task beyond visits, meetings and notes
    # (all recorded as such).
    "trafford": set(),
    # Wirral's dated tasks are meetings, reviews and circulation (recorded as such); the TAF
    # step-down is completed "within the Liquid Logic system" by the Early Help & CAF Team.
    "wirral": set(),
}


@pytest.mark.parametrize("pack", sorted(WORKER_TASKS))
def test_each_shipped_packs_worker_tasks_are_the_ones_chosen(pack):
    policy = POLICIES[pack]
    assert {r.id for r in policy.rules if r.done_by == "worker"} == WORKER_TASKS[pack]
    # Every oversight point not given to the worker still needs a manager's note.
    for rule in policy.rules:
        if rule.kind == "oversight" and rule.id not in WORKER_TASKS[pack]:
            assert rule.done_by == "manager", rule.qualified_id


def _pack(**rule_fields) -> dict:
    rule = {"id": "task", "kind": "preparation", "label": "A task", "count": 2,
            "unit": "working_days", "direction": "before", "anchor": "booked_meeting",
            "citation": {"section": "1", "quote": "q"}, **rule_fields}
    return {"id": "test", "name": "Test", "procedure": {"title": "Test procedure"},
            "rules": [rule]}


def test_the_loader_refuses_a_done_by_it_does_not_know_or_a_worker_ticking_off_a_visit():
    with pytest.raises(PolicyError) as caught:
        build_policy(_pack(done_by="team"), "test.toml")
    assert 'field "done_by": "team" is not who marks a rule done; use worker or manager' in str(
        caught.value)
    visit = _pack(done_by="worker", kind="visit", anchor="allocation", direction="after")
    with pytest.raises(PolicyError) as caught:
        build_policy(visit, "test.toml")
    assert '"worker" is not for a visit rule (it is met by recording it)' in str(caught.value)


def test_the_loader_refuses_overtaken_by_on_a_repeating_or_rolling_rule_and_unknown_stages():
    problems = []
    for fields in ({"overtaken_by": ["plan_started"]},  # anchor booked_meeting: per meeting
                   {"overtaken_by": ["the_end"], "anchor": "allocation", "direction": "after"},
                   {"overtaken_by": ["plan_started"], "anchor": "allocation", "direction": "after",
                    "kind": "oversight", "repeat": {"count": 2, "unit": "working_days"}}):
        with pytest.raises(PolicyError) as caught:
            build_policy(_pack(**fields), "test.toml")
        problems.append(str(caught.value))
    assert 'anchor "booked_meeting" is not one' in problems[0]
    assert '"the_end" is not a stage; use assessment_completed, plan_started or ' \
           'cin_meeting_held' in problems[1]
    assert "a rule with repeat is never overtaken" in problems[2]


# --- tasks marked done ----------------------------------------------------------------------

C = "camden"


def test_invitations_marked_done_for_one_review_leave_the_next_reviews_open():
    # Reviews booked Mon 11 Jan 2027 and Mon 12 Apr 2027. Invitations 10 WD before 11 Jan ->
    # Wed 23 Dec 2026 (worked in test_camden). Before 12 Apr 2027: 9 (1), 8 (2), 7 (3), 6 (4),
    # 5 (5), 2 (6), 1 Apr (7), 31 (8), 30 Mar (9), 29 Mar Easter Monday and 26 Mar Good Friday
    # are holidays, Thu 25 Mar 2027 (10).
    meetings = (held("initial", date(2026, 10, 12)), booked("review", date(2027, 1, 11)),
                booked("review", date(2027, 4, 12)))
    before = [d.due for d in _deadlines(case(C, meetings=meetings), date(2026, 12, 14))
              if d.rule_id == "camden.invitations"]
    assert before == [date(2026, 12, 23), date(2027, 3, 25)]
    done = case(C, meetings=meetings, tasks_done=(
        TaskDoneFact("camden.invitations", done=date(2026, 12, 18), due=date(2026, 12, 23)),))
    after = [d.due for d in _deadlines(done, date(2026, 12, 14))
             if d.rule_id == "camden.invitations"]
    assert after == [date(2027, 3, 25)]


def test_the_three_monthly_update_done_moves_on_to_the_next_occurrence():
    # Plan started Mon 30 Nov 2026 + 3 months -> 28 Feb 2027; + 6 months -> 30 May 2027.
    facts = case("leicestershire", plan_started=date(2026, 11, 30), tasks_done=(
        TaskDoneFact("leicestershire.update_to_child", done=date(2027, 2, 26),
                     due=date(2027, 2, 28)),))
    assert one(facts, date(2027, 3, 1), "leicestershire.update_to_child").due == date(2027, 5, 30)


def test_a_one_off_task_done_is_met():
    # Rochdale: the genogram 1 WD after the first seen visit (Mon 2 Mar 2026 -> Tue 3 Mar).
    facts = case("rochdale", allocated=date(2026, 3, 2),
                 visits=(_seen(date(2026, 3, 2)),))
    assert one(facts, date(2026, 3, 2), "rochdale.safety_plan_genogram").due == date(2026, 3, 3)
    done = case("rochdale", allocated=date(2026, 3, 2), visits=(_seen(date(2026, 3, 2)),),
                tasks_done=(TaskDoneFact("rochdale.safety_plan_genogram", date(2026, 3, 3)),))
    assert "rochdale.safety_plan_genogram" not in rule_ids(done, date(2026, 3, 2))


# --- milestones overtaken -------------------------------------------------------------------

R = "rochdale"
ALLOCATED = date(2026, 3, 2)  # a Monday
# Checkpoint 1, WD 5 from Mon 2 Mar 2026 (day 0): 3 (1), 4 (2), 5 (3), 6 (4), Mon 9 Mar (5).
CHECKPOINT_1_DUE = date(2026, 3, 9)
# Family Network Meeting, WD 10: 10 (6), 11 (7), 12 (8), 13 (9), Mon 16 Mar (10).
FNM_DUE = date(2026, 3, 16)
# Checkpoint 2, WD 30: Mon 16 Mar is WD 10, Mon 23 (15), Mon 30 (20), 31 (21), 1 Apr (22),
# 2 Apr (23), Good Friday 3 Apr and Easter Monday 6 Apr are holidays, 7 (24), 8 (25), 9 (26),
# 10 (27), 13 (28), 14 (29), Wed 15 Apr 2026 (30).
CHECKPOINT_2_DUE = date(2026, 4, 15)
# The initial visit, 48 hours: Wed 4 Mar 2026.
INITIAL_VISIT_DUE = date(2026, 3, 4)


def _started_in_april(**fields):
    return case(R, allocated=ALLOCATED, assessment_completed=date(2026, 4, 10),
                plan_started=date(2026, 4, 20), **fields)


def test_a_rochdale_case_whose_plan_started_in_april_shows_the_first_weeks_as_missed():
    facts = _started_in_april()
    today = date(2026, 11, 23)
    open_ids = rule_ids(facts, today)
    for rule in ("checkpoint_1", "checkpoint_2", "family_network_meeting", "initial_visit"):
        assert f"rochdale.{rule}" not in open_ids  # no longer an overdue countdown
    planned = plan_deadlines(facts, POLICIES[R], CALENDAR)
    assert planned is not None
    missed = {m.rule_id: m for m in missed_on(planned, today)}
    assert missed["rochdale.checkpoint_1"].due == CHECKPOINT_1_DUE
    assert missed["rochdale.checkpoint_1"].overtaken == \
        "the assessment was completed on 10 Apr 2026"
    assert missed["rochdale.checkpoint_2"].due == CHECKPOINT_2_DUE
    # Checkpoint 2 agrees the assessment's outcomes: only the plan starting overtakes it.
    assert missed["rochdale.checkpoint_2"].overtaken == "the plan started on 20 Apr 2026"
    assert missed["rochdale.family_network_meeting"].due == FNM_DUE
    assert missed["rochdale.initial_visit"].due == INITIAL_VISIT_DUE


def test_a_milestone_done_on_import_is_neither_open_nor_missed():
    facts = _started_in_april(tasks_done=(
        TaskDoneFact("rochdale.checkpoint_1", date(2026, 3, 9)),))
    planned = plan_deadlines(facts, POLICIES[R], CALENDAR)
    assert planned is not None
    assert "rochdale.checkpoint_1" not in {m.rule_id for m in missed_on(planned,
                                                                         date(2026, 11, 23))}
    assert "rochdale.checkpoint_1" not in rule_ids(facts, date(2026, 11, 23))


def test_a_milestone_overtaken_before_its_due_date_stays_open_until_then():
    # A 10-day assessment completed Wed 4 Mar 2026 overtakes Checkpoint 1 (due Mon 9 Mar), but
    # it stays a countdown to its date, and is missed from Tue 10 Mar.
    facts = case(R, allocated=ALLOCATED, assessment_completed=date(2026, 3, 4))
    assert one(facts, date(2026, 3, 9), "rochdale.checkpoint_1").status == "due_soon"
    assert "rochdale.checkpoint_1" not in rule_ids(facts, date(2026, 3, 10))


def test_a_milestone_with_no_later_stage_is_still_an_overdue_countdown():
    facts = case(R, allocated=ALLOCATED)
    d = one(facts, date(2026, 4, 1), "rochdale.checkpoint_1")
    assert (d.due, d.status) == (CHECKPOINT_1_DUE, "overdue")


def _deadlines(facts, today):
    from .test_engine_support import deadlines

    return deadlines(facts, today)


def _seen(d: date):
    from .test_engine_support import seen

    return seen(d)


# --- properties -----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(started=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       days_later=st.integers(0, 800))
def test_marking_the_current_update_done_always_moves_to_a_later_one(started, days_later):
    """Whatever the plan start and the day, the 3-monthly update marked done is replaced by a
    later occurrence, never the same or an earlier one."""
    today = started + timedelta(days=days_later)
    facts = case("leicestershire", allocated=started, plan_started=started)
    current = one(facts, today, "leicestershire.update_to_child")
    done = case("leicestershire", allocated=started, plan_started=started, tasks_done=(
        TaskDoneFact("leicestershire.update_to_child", done=today, due=current.due),))
    assert one(done, today, "leicestershire.update_to_child").due > current.due


@settings(max_examples=60, deadline=None)
@given(allocated=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       stage_after=st.integers(0, 120), days_later=st.integers(0, 400))
def test_a_milestone_is_either_open_or_missed_never_both_nor_neither(allocated, stage_after,
                                                                       days_later):
    """Checkpoint 1 of a Rochdale case with its assessment recorded: on any day it is an open
    deadline or missed history, exactly one of the two."""
    facts = case(R, allocated=allocated,
                 assessment_completed=allocated + timedelta(days=stage_after))
    today = allocated + timedelta(days=days_later)
    planned = plan_deadlines(facts, POLICIES[R], CALENDAR)
    assert planned is not None
    is_open = "rochdale.checkpoint_1" in rule_ids(facts, today)
    is_missed = "rochdale.checkpoint_1" in {m.rule_id for m in missed_on(planned, today)}
    assert is_open != is_missed


def test_a_stage_before_the_milestones_own_start_does_not_overtake_it():
    # Leicestershire: the assessment is done before the transfer (allocated Mon 2 Nov 2026);
    # the first visit within 5 days -> Sat 7 Nov 2026 stays an overdue countdown on 23 Nov.
    facts = case("leicestershire", allocated=date(2026, 11, 2),
                 assessment_completed=date(2026, 10, 20))
    d = one(facts, date(2026, 11, 23), "leicestershire.first_visit")
    assert (d.due, d.status) == (date(2026, 11, 7), "overdue")
    # Rochdale's Checkpoint 1 (allocated Mon 2 Mar 2026, due Mon 9 Mar) with a plan started
    # on 1 Feb 2026, before allocation: not overtaken either.
    early = case(R, allocated=ALLOCATED, plan_started=date(2026, 2, 1))
    assert one(early, date(2026, 11, 23), "rochdale.checkpoint_1").due == CHECKPOINT_1_DUE
