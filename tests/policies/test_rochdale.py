"""Every Rochdale rule, with dates worked out by hand (see test_engine_support for the calendar)."""

from __future__ import annotations

from datetime import date

from .test_engine_support import (
    POLICIES,
    Frequency,
    booked,
    case,
    deadlines,
    held,
    one,
    rule_ids,
    seen,
    unseen,
    with_rules,
)

R = "rochdale"


def test_every_rule_is_tested_here():
    assert {r.id for r in POLICIES[R].rules} == {
        "initial_visit", "visit", "private_fostering_first_visit",
        "private_fostering_visits_assessment", "private_fostering_visits_first_year",
        "private_fostering_visits_later", "visit_recorded", "initial_visit_recorded",
        "safety_plan_genogram", "assessment", "assessment_update", "family_network_meeting",
        "initial_meeting", "step_down_meeting", "next_meeting", "review",
        "family_network_minutes", "plan_circulated", "checkpoint_1", "checkpoint_2",
        "fourth_meeting_chair", "quarterly_clinic",
    }


# --- Visits ---------------------------------------------------------------------------------

def test_initial_visit_within_48_hours_of_allocation():
    # Allocated Thu 24 Dec 2026 + 48 hours -> Sat 26 Dec (not moved). The other reading,
    # working day 2: 25 and 28 Dec are holidays, 29 (1), 30 Dec (2) -> Wed 30 Dec.
    facts = case(R, allocated=date(2026, 12, 24))
    d = one(facts, date(2026, 12, 24), "rochdale.initial_visit")
    assert (d.kind, d.due, d.unit, d.countdown) == ("visit", date(2026, 12, 26), "days", 2)
    assert any("would give 30 Dec 2026" in n for n in d.notes)
    # The only visit deadline shown is this, the earliest.
    assert [x.rule_id for x in deadlines(facts, date(2026, 12, 24)) if x.kind == "visit"] == [
        "rochdale.initial_visit"]


def test_initial_visit_met_by_a_seen_visit_and_not_for_a_step_down():
    visited = case(R, allocated=date(2026, 12, 24), visits=(seen(date(2026, 12, 26)),))
    assert "rochdale.initial_visit" not in rule_ids(visited, date(2026, 12, 29))
    stepped = case(R, allocated=date(2026, 12, 24), stepped_down_from="cp_plan",
                   stepped_down_on=date(2026, 12, 24))
    assert "rochdale.initial_visit" not in rule_ids(stepped, date(2026, 12, 24))


def test_visits_every_20_working_days():
    # Seen Wed 23 Dec 2026 + 20 WD: 24 (1), 29-31 (4), 4-8 Jan (9), 11-15 (14), 18-22 (19),
    # 25 Jan (20) -> Mon 25 Jan 2027.
    facts = case(R, allocated=date(2026, 12, 1), visits=(seen(date(2026, 12, 23)),))
    assert one(facts, date(2026, 12, 24), "rochdale.visit").due == date(2027, 1, 25)


def test_a_more_frequent_visiting_schedule_on_the_case_is_used():
    # Case says every 10 WD: 23 Dec + 10 WD: 24 (1), 29-31 (4), 4-8 Jan (9), 11 Jan (10)
    # -> Mon 11 Jan.
    facts = case(R, visit_every=Frequency(10, "working_days"), visits=(seen(date(2026, 12, 23)),))
    d = one(facts, date(2026, 12, 24), "rochdale.visit")
    assert d.due == date(2027, 1, 11)
    assert "visiting frequency recorded on the case" in d.basis
    # A less frequent one is not: 8 weeks would be 17 Feb, later than 25 Jan.
    slower = case(R, visit_every=Frequency(8, "weeks"), visits=(seen(date(2026, 12, 23)),))
    assert one(slower, date(2026, 12, 24), "rochdale.visit").due == date(2027, 1, 25)


def test_private_fostering_first_visit_within_2_working_days():
    # Notified Thu 24 Dec 2026 + 2 WD: 29 (1), 30 (2) -> Wed 30 Dec 2026.
    facts = case(R, private_fostering=True,
                 events={"private_fostering_notified": date(2026, 12, 24)})
    policy = with_rules(R, "private_fostering_first_visit")
    assert [d.due for d in deadlines(facts, date(2026, 12, 24), policy)] == [date(2026, 12, 30)]
    not_pf = case(R, events={"private_fostering_notified": date(2026, 12, 24)})
    assert deadlines(not_pf, date(2026, 12, 24), policy) == []


def test_private_fostering_weekly_during_the_assessment():
    # Seen Wed 23 Dec 2026 + 1 week -> Wed 30 Dec 2026; not once the assessment is complete.
    policy = with_rules(R, "private_fostering_visits_assessment")
    facts = case(R, private_fostering=True, visits=(seen(date(2026, 12, 23)),))
    assert [d.due for d in deadlines(facts, date(2026, 12, 24), policy)] == [date(2026, 12, 30)]
    assessed = case(R, private_fostering=True, assessment_completed=date(2026, 12, 1),
                    visits=(seen(date(2026, 12, 23)),))
    assert deadlines(assessed, date(2026, 12, 24), policy) == []


def test_private_fostering_six_weekly_in_the_first_year_then_twelve_weekly():
    policy = with_rules(R, "private_fostering_visits_first_year", "private_fostering_visits_later")
    notified = {"private_fostering_notified": date(2026, 3, 1)}  # the first year ends 1 Mar 2027
    # Last seen Thu 18 Feb 2027, within the first year: + 6 weeks (42 days) -> Thu 1 Apr 2027.
    first_year = case(R, private_fostering=True, assessment_completed=date(2026, 4, 1),
                      events=notified, visits=(seen(date(2027, 2, 18)),))
    found = deadlines(first_year, date(2027, 2, 19), policy)
    assert [(d.rule_id, d.due) for d in found] == [
        ("rochdale.private_fostering_visits_first_year", date(2027, 4, 1))]
    # Last seen Tue 2 Mar 2027, in the second year: + 12 weeks (84 days) -> Tue 25 May 2027.
    second_year = case(R, private_fostering=True, assessment_completed=date(2026, 4, 1),
                       events=notified, visits=(seen(date(2027, 3, 2)),))
    found = deadlines(second_year, date(2027, 3, 3), policy)
    assert [(d.rule_id, d.due) for d in found] == [
        ("rochdale.private_fostering_visits_later", date(2027, 5, 25))]


def test_private_fostering_without_a_notification_date_keeps_the_first_year_frequency():
    policy = with_rules(R, "private_fostering_visits_first_year", "private_fostering_visits_later")
    facts = case(R, private_fostering=True, assessment_completed=date(2026, 4, 1),
                 visits=(seen(date(2027, 2, 18)),))
    assert [d.rule_id for d in deadlines(facts, date(2027, 2, 19), policy)] == [
        "rochdale.private_fostering_visits_first_year"]


# --- Recording ------------------------------------------------------------------------------

def test_each_visit_recorded_within_2_working_days():
    # Seen Wed 23 Dec 2026 + 2 WD: 24 (1), 29 Dec (2) -> Tue 29 Dec. Not seen Tue 30 Mar 2027
    # + 2 WD: 31 Mar (1), 1 Apr (2) -> Thu 1 Apr 2027. A recorded visit needs nothing.
    facts = case(R, visits=(seen(date(2026, 12, 23)), unseen(date(2027, 3, 30)),
                            seen(date(2027, 3, 31), recorded=date(2027, 3, 31))))
    assert [d.due for d in deadlines(facts, date(2027, 3, 31))
            if d.rule_id == "rochdale.visit_recorded"] == [date(2026, 12, 29), date(2027, 4, 1)]


def test_initial_visit_recorded_by_day_3():
    # Allocated Mon 21 Dec 2026 + 3 WD: 22, 23, 24 -> Thu 24 Dec; the visit on 22 Dec is unrecorded.
    facts = case(R, allocated=date(2026, 12, 21), visits=(seen(date(2026, 12, 22)),))
    assert (one(facts, date(2026, 12, 22), "rochdale.initial_visit_recorded").due
            == date(2026, 12, 24))
    no_visit = case(R, allocated=date(2026, 12, 21))
    assert "rochdale.initial_visit_recorded" not in rule_ids(no_visit, date(2026, 12, 22))
    recorded = case(R, allocated=date(2026, 12, 21),
                    visits=(seen(date(2026, 12, 22), recorded=date(2026, 12, 23)),))
    assert "rochdale.initial_visit_recorded" not in rule_ids(recorded, date(2026, 12, 23))


def test_safety_plan_and_genogram_one_working_day_after_the_initial_visit():
    # Initial visit Thu 24 Dec 2026 + 1 WD (25, 28 Dec are holidays) -> Tue 29 Dec.
    facts = case(R, allocated=date(2026, 12, 23), visits=(seen(date(2026, 12, 24)),))
    assert one(facts, date(2026, 12, 24), "rochdale.safety_plan_genogram").due == date(2026, 12, 29)
    uploaded = case(R, allocated=date(2026, 12, 23), visits=(seen(date(2026, 12, 24)),),
                    events={"genogram_uploaded": date(2026, 12, 24)})
    assert "rochdale.safety_plan_genogram" not in rule_ids(uploaded, date(2026, 12, 24))


# --- Assessment -----------------------------------------------------------------------------

def test_assessment_by_working_day_35():
    # Allocated Mon 30 Nov 2026 + 35 WD: 1-4 Dec (4), 7-11 (9), 14-18 (14), 21-24 (18),
    # 29-31 (21), 4-8 Jan (26), 11-15 (31), 18-21 Jan (35) -> Thu 21 Jan 2027.
    # Other readings: day 45: 22 (36), 25-29 (41), 1-4 Feb (45) -> Thu 4 Feb 2027;
    # 35 calendar days: 30 Nov + 35 -> Mon 4 Jan 2027.
    facts = case(R, allocated=date(2026, 11, 30))
    d = one(facts, date(2026, 12, 1), "rochdale.assessment")
    assert (d.kind, d.due) == ("assessment", date(2027, 1, 21))
    assert any("would give 4 Feb 2027" in n for n in d.notes)
    assert any("would give 4 Jan 2027" in n for n in d.notes)
    done = case(R, allocated=date(2026, 11, 30), assessment_completed=date(2027, 1, 15))
    assert "rochdale.assessment" not in rule_ids(done, date(2027, 1, 15))


def test_assessment_updated_every_12_months():
    # Completed Thu 29 Feb 2024 + 12 months -> 28 Feb 2025 (no 29 Feb in 2025).
    facts = case(R, allocated=date(2024, 2, 1), assessment_completed=date(2024, 2, 29))
    assert one(facts, date(2024, 3, 1), "rochdale.assessment_update").due == date(2025, 2, 28)
    # Updated Fri 29 Jan 2027 -> 29 Jan 2028.
    updated = case(R, allocated=date(2024, 2, 1), assessment_completed=date(2024, 2, 29),
                   events={"assessment_updated": date(2027, 1, 29)})
    assert one(updated, date(2027, 2, 1), "rochdale.assessment_update").due == date(2028, 1, 29)


# --- Meetings -------------------------------------------------------------------------------

def test_family_network_meeting_by_day_10():
    # Allocated Mon 14 Dec 2026 + 10 WD: 15-18 (4), 21-24 (8), 29, 30 (10) -> Wed 30 Dec.
    facts = case(R, allocated=date(2026, 12, 14),
                 meetings=(booked("family_network", date(2027, 1, 4)),))
    d = one(facts, date(2026, 12, 15), "rochdale.family_network_meeting")
    assert d.due == date(2026, 12, 30)
    assert ("The family network meeting booked for 4 Jan 2027 is later than this deadline "
            "(30 Dec 2026).") in d.notes
    held_fnm = case(R, allocated=date(2026, 12, 14),
                    meetings=(held("family_network", date(2026, 12, 22)),))
    assert "rochdale.family_network_meeting" not in rule_ids(held_fnm, date(2026, 12, 23))


def test_initial_meeting_5_working_days_after_the_assessment():
    # Assessment Tue 22 Dec 2026 + 5 WD: 23, 24, 29, 30, 31 -> Thu 31 Dec 2026.
    facts = case(R, assessment_completed=date(2026, 12, 22))
    assert one(facts, date(2026, 12, 23), "rochdale.initial_meeting").due == date(2026, 12, 31)


def test_meeting_within_4_weeks_of_a_step_down():
    # CP plan ended Thu 31 Dec 2026 + 4 weeks -> Thu 28 Jan 2027. Also after care; not after
    # a conference that made no plan.
    for source in ("cp_plan", "care", "supervision_order"):
        facts = case(R, stepped_down_from=source, stepped_down_on=date(2026, 12, 31))
        assert one(facts, date(2027, 1, 4), "rochdale.step_down_meeting").due == date(2027, 1, 28)
    conference = case(R, stepped_down_from="cp_conference", stepped_down_on=date(2026, 12, 31))
    assert "rochdale.step_down_meeting" not in rule_ids(conference, date(2027, 1, 4))
    met = case(R, stepped_down_from="care", stepped_down_on=date(2026, 12, 31),
               meetings=(held("review", date(2027, 1, 20)),))
    assert "rochdale.step_down_meeting" not in rule_ids(met, date(2027, 1, 21))


def test_next_meeting_once_meetings_are_under_way():
    facts = case(R, meetings=(held("family_network", date(2026, 11, 13)),
                              booked("initial", date(2026, 12, 21))))
    assert one(facts, date(2026, 12, 1), "rochdale.next_meeting").due == date(2026, 12, 21)


def test_reviews_4_weekly_from_the_last_meeting():
    # Last meeting Thu 4 Mar 2027 + 4 weeks -> Thu 1 Apr 2027; a review booked for Tue 6 Apr
    # is later and flagged.
    facts = case(R, meetings=(held("initial", date(2027, 2, 4)), held("review", date(2027, 3, 4)),
                              booked("review", date(2027, 4, 6))))
    d = one(facts, date(2027, 3, 5), "rochdale.review")
    assert (d.kind, d.due) == ("review", date(2027, 4, 1))
    assert ("The review meeting booked for 6 Apr 2027 is later than this deadline "
            "(1 Apr 2027).") in d.notes


# --- Circulation ----------------------------------------------------------------------------

def test_family_network_minutes_5_working_days():
    # FNM Mon 21 Dec 2026 + 5 WD: 22, 23, 24, 29, 30 -> Wed 30 Dec 2026.
    facts = case(R, meetings=(held("family_network", date(2026, 12, 21)),))
    assert (one(facts, date(2026, 12, 22), "rochdale.family_network_minutes").due
            == date(2026, 12, 30))


def test_minutes_and_plan_5_working_days_over_easter():
    # Review Thu 25 Mar 2027 + 5 WD: 26 and 29 Mar are Easter, 30 (1), 31 (2), 1 Apr (3),
    # 2 Apr (4), 5 Apr (5) -> Mon 5 Apr 2027.
    facts = case(R, meetings=(held("review", date(2027, 3, 25)),))
    assert one(facts, date(2027, 3, 26), "rochdale.plan_circulated").due == date(2027, 4, 5)


# --- Oversight ------------------------------------------------------------------------------

def test_checkpoint_1_on_working_day_5():
    # Allocated Mon 21 Dec 2026 + 5 WD: 22, 23, 24, 29, 30 -> Wed 30 Dec. Cleared by a note.
    facts = case(R, allocated=date(2026, 12, 21))
    assert one(facts, date(2026, 12, 21), "rochdale.checkpoint_1").due == date(2026, 12, 30)
    cleared = case(R, allocated=date(2026, 12, 21),
                   cleared_flags=frozenset({"rochdale.checkpoint_1"}))
    assert "rochdale.checkpoint_1" not in rule_ids(cleared, date(2026, 12, 21))


def test_checkpoint_2_on_working_day_30():
    # Allocated Mon 30 Nov 2026 + 30 WD: 1-4 Dec (4), 7-11 (9), 14-18 (14), 21-24 (18),
    # 29-31 (21), 4-8 Jan (26), 11-14 Jan (30) -> Thu 14 Jan 2027.
    facts = case(R, allocated=date(2026, 11, 30))
    assert one(facts, date(2026, 12, 1), "rochdale.checkpoint_2").due == date(2027, 1, 14)


def test_fourth_meeting_chaired_by_a_manager():
    # The 4th meeting (initial + 3 reviews) is booked for Tue 23 Feb 2027: due that day.
    meetings = (held("initial", date(2026, 12, 1)), held("review", date(2026, 12, 29)),
                held("review", date(2027, 1, 26)))
    facts = case(R, meetings=(*meetings, booked("review", date(2027, 2, 23))))
    d = one(facts, date(2027, 1, 27), "rochdale.fourth_meeting_chair")
    assert (d.kind, d.due) == ("oversight", date(2027, 2, 23))
    by_manager = case(R, meetings=(*meetings, held("review", date(2027, 2, 23),
                                                   chair_role="advanced practitioner")))
    assert "rochdale.fourth_meeting_chair" not in rule_ids(by_manager, date(2027, 2, 24))
    by_worker = case(R, meetings=(*meetings, held("review", date(2027, 2, 23),
                                                  chair_role="social worker")))
    assert one(by_worker, date(2027, 2, 24), "rochdale.fourth_meeting_chair").status == "overdue"


def test_quarterly_clinic_from_six_months_then_every_three():
    # Plan started Mon 31 Aug 2026: 6 months -> 28 Feb 2027; 9 months -> 31 May 2027;
    # 12 months -> 31 Aug 2027 (each counted from the start, so the month end is kept).
    facts = case(R, plan_started=date(2026, 8, 31))
    first = one(facts, date(2027, 3, 1), "rochdale.quarterly_clinic")
    assert (first.due, first.status, first.flag_id) == (
        date(2027, 2, 28), "overdue", "rochdale.quarterly_clinic@2027-02-28")
    # Cleared for 28 Feb: the next is 31 May.
    cleared = case(R, plan_started=date(2026, 8, 31), cleared_flags=frozenset({first.flag_id}))
    d = one(cleared, date(2027, 3, 1), "rochdale.quarterly_clinic")
    assert d.due == date(2027, 5, 31)
    assert d.basis == ("9 months after the plan starting on 31 Aug 2026 "
                       "(6 months, then every 3 months)")
    # On 1 Jun 2027 the 31 May clinic is the current one (28 Feb is overtaken).
    assert one(facts, date(2027, 6, 1), "rochdale.quarterly_clinic").due == date(2027, 5, 31)
    # Before 6 months: the first one.
    assert one(facts, date(2026, 12, 1), "rochdale.quarterly_clinic").due == date(2027, 2, 28)
