"""Every Leicestershire rule, with dates worked out by hand (see test_engine_support for the
calendar)."""

from __future__ import annotations

from datetime import date

from .test_engine_support import POLICIES, booked, case, held, one, rule_ids, seen

L = "leicestershire"


def test_every_rule_is_tested_here():
    assert {r.id for r in POLICIES[L].rules} == {
        "first_visit", "visit", "visit_recorded", "initial_meeting", "next_meeting",
        "progress_meeting", "assessment_shared", "meeting_notes", "review_record",
        "safety_plan_typed", "plan_16_weeks", "plan_26_weeks", "supervision",
        "sswop_oversight", "update_to_child",
    }


def test_first_visit_within_5_days_of_allocation():
    # Allocated Wed 23 Dec 2026 + 5 days -> Mon 28 Dec (Boxing Day observed; not moved).
    # The other reading, 5 WD: 24 (1), 29, 30, 31 (4), 4 Jan (5) -> Mon 4 Jan 2027.
    facts = case(L, allocated=date(2026, 12, 23))
    d = one(facts, date(2026, 12, 23), "leicestershire.first_visit")
    assert (d.kind, d.due) == ("visit", date(2026, 12, 28))
    assert any("would give 4 Jan 2027" in n for n in d.notes)


def test_visits_every_20_working_days():
    # Seen Thu 24 Dec 2026 + 20 WD: 29-31 (3), 4-8 Jan (8), 11-15 (13), 18-22 (18), 25, 26 (20)
    # -> Tue 26 Jan 2027.
    facts = case(L, allocated=date(2026, 12, 1), visits=(seen(date(2026, 12, 24)),))
    assert one(facts, date(2026, 12, 29), "leicestershire.visit").due == date(2027, 1, 26)


def test_visit_record_within_72_hours():
    # Visit Wed 23 Dec 2026 + 72 hours (3 days) -> Sat 26 Dec 2026.
    facts = case(L, visits=(seen(date(2026, 12, 23)),))
    assert one(facts, date(2026, 12, 23), "leicestershire.visit_recorded").due == date(2026, 12, 26)


def test_initial_meeting_within_10_days_of_the_assessment():
    # Assessment Tue 22 Dec 2026 + 10 days -> Fri 1 Jan 2027 (a bank holiday; not moved).
    # The other reading, 10 WD: 23, 24 (2), 29-31 (5), 4-8 Jan (10) -> Fri 8 Jan 2027.
    facts = case(L, assessment_completed=date(2026, 12, 22))
    d = one(facts, date(2026, 12, 23), "leicestershire.initial_meeting")
    assert (d.kind, d.due) == ("meeting", date(2027, 1, 1))
    assert any("would give 8 Jan 2027" in n for n in d.notes)


def test_next_meeting_after_the_initial_meeting():
    facts = case(L, meetings=(held("initial", date(2026, 12, 30)),
                              booked("progress", date(2027, 1, 27))))
    assert one(facts, date(2026, 12, 31), "leicestershire.next_meeting").due == date(2027, 1, 27)


def test_progress_meetings_at_least_6_weekly():
    # Last meeting Fri 19 Feb 2027 + 6 weeks -> Fri 2 Apr 2027; 4-weekly would be Fri 19 Mar.
    facts = case(L, meetings=(held("initial", date(2027, 1, 22)),
                              held("progress", date(2027, 2, 19))))
    d = one(facts, date(2027, 2, 22), "leicestershire.progress_meeting")
    assert (d.kind, d.due) == ("review", date(2027, 4, 2))
    assert any("would give 19 Mar 2027" in n for n in d.notes)


def test_assessment_shared_2_days_before_the_first_meeting():
    # Initial meeting booked Mon 4 Jan 2027 - 2 days -> Sat 2 Jan 2027 (calendar days).
    facts = case(L, meetings=(booked("initial", date(2027, 1, 4)),))
    d = one(facts, date(2026, 12, 23), "leicestershire.assessment_shared")
    assert (d.kind, d.due, d.unit) == ("preparation", date(2027, 1, 2), "days")
    # Not for later progress meetings.
    later = case(L, meetings=(held("initial", date(2027, 1, 4)),
                              booked("progress", date(2027, 2, 1))))
    assert "leicestershire.assessment_shared" not in rule_ids(later, date(2027, 1, 5))


def test_meeting_notes_within_5_days():
    # Initial meeting Wed 30 Dec 2026 + 5 days -> Mon 4 Jan 2027. The other reading, 5 WD:
    # 31 Dec (1), 1 Jan holiday, 4, 5, 6, 7 Jan (5) -> Thu 7 Jan 2027.
    facts = case(L, meetings=(held("initial", date(2026, 12, 30)),))
    d = one(facts, date(2026, 12, 31), "leicestershire.meeting_notes")
    assert (d.kind, d.due) == ("circulation", date(2027, 1, 4))
    assert any("would give 7 Jan 2027" in n for n in d.notes)


def test_review_record_within_5_days():
    # Review Mon 22 Mar 2027 + 5 days -> Sat 27 Mar 2027 (Easter Saturday; not moved).
    facts = case(L, meetings=(held("review", date(2027, 3, 22)),))
    assert one(facts, date(2027, 3, 23), "leicestershire.review_record").due == date(2027, 3, 27)


def test_safety_plan_typed_up_within_7_days():
    # Agreed Fri 18 Dec 2026 + 7 days -> Fri 25 Dec 2026; met once circulated.
    facts = case(L, events={"safety_plan_agreed": date(2026, 12, 18)})
    assert (one(facts, date(2026, 12, 21), "leicestershire.safety_plan_typed").due
            == date(2026, 12, 25))
    done = case(L, events={"safety_plan_agreed": date(2026, 12, 18),
                           "safety_plan_circulated": date(2026, 12, 22)})
    assert "leicestershire.safety_plan_typed" not in rule_ids(done, date(2026, 12, 23))


def test_management_review_at_16_weeks_and_service_manager_at_26():
    # Plan started Mon 7 Dec 2026 + 16 weeks (112 days): 31 Dec (24), 31 Jan (55), 28 Feb (83),
    # 29 Mar (112) -> Mon 29 Mar 2027 (Easter Monday; not moved). + 26 weeks (182 days):
    # 31 Mar (114), 30 Apr (144), 31 May (175), 7 Jun (182) -> Mon 7 Jun 2027.
    facts = case(L, plan_started=date(2026, 12, 7))
    assert one(facts, date(2026, 12, 8), "leicestershire.plan_16_weeks").due == date(2027, 3, 29)
    assert one(facts, date(2026, 12, 8), "leicestershire.plan_26_weeks").due == date(2027, 6, 7)


def test_supervision_no_less_than_two_monthly():
    # Last supervision Thu 31 Dec 2026 + 2 months -> 28 Feb 2027 (no 31 Feb).
    facts = case(L, events={"supervision": date(2026, 12, 31)})
    d = one(facts, date(2027, 1, 4), "leicestershire.supervision")
    assert (d.due, d.flag_id) == (date(2027, 2, 28), "leicestershire.supervision@2027-02-28")
    # None recorded: from allocation Mon 2 Nov 2026 -> 2 Jan 2027, then every 2 months: 2 Mar.
    never = case(L, allocated=date(2026, 11, 2))
    assert one(never, date(2026, 12, 1), "leicestershire.supervision").due == date(2027, 1, 2)
    assert one(never, date(2027, 3, 3), "leicestershire.supervision").due == date(2027, 3, 2)


def test_sswop_oversight_monthly_for_key_worker_plans_only():
    # Last SSWOP oversight Sun 31 Jan 2027 + 1 month -> 28 Feb 2027.
    facts = case(L, key_worker_led=True, events={"sswop_oversight": date(2027, 1, 31)})
    assert one(facts, date(2027, 2, 1), "leicestershire.sswop_oversight").due == date(2027, 2, 28)
    social_worker = case(L, events={"sswop_oversight": date(2027, 1, 31)})
    assert "leicestershire.sswop_oversight" not in rule_ids(social_worker, date(2027, 2, 1))


def test_three_monthly_update_to_the_child():
    # Plan started Mon 30 Nov 2026 + 3 months -> 28 Feb 2027; + 6 months -> 30 May 2027.
    facts = case(L, plan_started=date(2026, 11, 30))
    assert one(facts, date(2027, 3, 1), "leicestershire.update_to_child").due == date(2027, 2, 28)
    cleared = case(L, plan_started=date(2026, 11, 30),
                   cleared_flags=frozenset({"leicestershire.update_to_child@2027-02-28"}))
    assert one(cleared, date(2027, 3, 1), "leicestershire.update_to_child").due == date(2027, 5, 30)


def test_closure_needs_all_five_conditions():
    checklist = POLICIES[L].closure_checklist
    assert len(checklist) == 5 and all(item.required for item in checklist)
