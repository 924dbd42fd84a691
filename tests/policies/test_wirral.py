"""Every Wirral rule, with dates worked out by hand (see test_engine_support for the calendar)."""

from __future__ import annotations

from datetime import date

from .test_engine_support import (
    POLICIES,
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

W = "wirral"


def test_every_rule_is_tested_here():
    assert {r.id for r in POLICIES[W].rules} == {
        "visit", "initial_meeting", "next_meeting", "first_review", "later_reviews",
        "conference_review", "plan_circulated", "review_circulated", "second_review_chair",
        "plan_24_weeks", "complex_plan_6_months", "taf_step_down",
    }


def test_visit_every_20_working_days_over_christmas():
    # Seen Fri 18 Dec 2026 + 20 WD: 21-24 Dec (4), 29-31 Dec (7), 4-8 Jan (12), 11-15 (17),
    # 18-20 Jan (20) -> Wed 20 Jan 2027 (25, 28 Dec and 1 Jan are bank holidays).
    facts = case(W, visits=(seen(date(2026, 12, 18)), unseen(date(2027, 1, 5))))
    d = one(facts, date(2027, 1, 6), "wirral.visit")
    assert (d.kind, d.due) == ("visit", date(2027, 1, 20))
    assert d.basis == "20 working days after the visit of 18 Dec 2026, when the child was last seen"
    assert d.citation.section == "2.11"


def test_visit_over_easter():
    # Seen Thu 18 Mar 2027 + 20 WD: 19 (1), 22-25 (5), 26 and 29 Mar Easter, 30, 31 (7),
    # 1, 2 Apr (9), 5-9 (14), 12-16 (19), 19 Apr (20) -> Mon 19 Apr 2027.
    facts = case(W, visits=(seen(date(2027, 3, 18)),))
    assert one(facts, date(2027, 3, 19), "wirral.visit").due == date(2027, 4, 19)


def test_initial_meeting_10_working_days_after_the_assessment():
    # Assessment Fri 11 Dec 2026 + 10 WD: 14-18 (5), 21-24 (9), 29 Dec (10) -> Tue 29 Dec 2026.
    facts = case(W, assessment_completed=date(2026, 12, 11))
    d = one(facts, date(2026, 12, 14), "wirral.initial_meeting")
    assert (d.kind, d.due, d.unit) == ("meeting", date(2026, 12, 29), "working_days")
    # The other reading (section 2.3, 15 WD): 30, 31 Dec (12), 4, 5, 6 Jan (15) -> 6 Jan 2027.
    assert any("would give 6 Jan 2027" in n for n in d.notes)


def test_initial_meeting_met_once_held():
    facts = case(W, assessment_completed=date(2026, 12, 11),
                 meetings=(held("initial", date(2026, 12, 22)),))
    assert "wirral.initial_meeting" not in rule_ids(facts, date(2026, 12, 23))


def test_next_meeting_is_the_booked_one():
    facts = case(W, meetings=(held("initial", date(2026, 12, 1)),
                              booked("review", date(2027, 1, 19))))
    d = one(facts, date(2026, 12, 2), "wirral.next_meeting")
    assert (d.kind, d.due) == ("meeting", date(2027, 1, 19))


def test_first_review_8_weeks_after_the_initial_meeting_at_a_month_end():
    # Initial meeting Fri 29 Jan 2027 + 8 weeks (56 days) -> Fri 26 Mar 2027, Good Friday:
    # a calendar deadline does not move. The other reading, 1 month (section 2.8): 29 Jan +
    # 1 month -> 28 Feb 2027 (February has 28 days).
    facts = case(W, meetings=(held("initial", date(2027, 1, 29)),))
    d = one(facts, date(2027, 2, 1), "wirral.first_review")
    assert (d.kind, d.due) == ("review", date(2027, 3, 26))
    assert any("would give 28 Feb 2027" in n for n in d.notes)


def test_later_reviews_every_8_weeks_after_the_last_review():
    # Review Thu 4 Feb 2027 + 8 weeks -> Thu 1 Apr 2027. Other readings: 3 months -> 4 May
    # 2027, 6 months -> 4 Aug 2027.
    facts = case(W, meetings=(held("initial", date(2026, 12, 10)),
                              held("review", date(2027, 2, 4))))
    found = [d for d in deadlines(facts, date(2027, 2, 5)) if d.kind == "review"]
    assert [(d.rule_id, d.due) for d in found] == [("wirral.later_reviews", date(2027, 4, 1))]
    assert any("would give 4 May 2027" in n for n in found[0].notes)
    assert any("would give 4 Aug 2027" in n for n in found[0].notes)


def test_review_20_days_after_a_conference_that_made_no_plan():
    # Conference Fri 18 Dec 2026 + 20 days -> Thu 7 Jan 2027 (calendar days).
    facts = case(W, stepped_down_from="cp_conference", stepped_down_on=date(2026, 12, 18))
    d = one(facts, date(2026, 12, 21), "wirral.conference_review")
    assert (d.kind, d.due, d.unit) == ("review", date(2027, 1, 7), "days")
    assert d.basis == ("20 days after the step-down from a child protection conference that "
                       "decided on no plan on 18 Dec 2026")


def test_conference_review_not_for_a_cp_plan_that_ended():
    facts = case(W, stepped_down_from="cp_plan", stepped_down_on=date(2026, 12, 18))
    assert "wirral.conference_review" not in rule_ids(facts, date(2026, 12, 21))


def test_plan_circulated_14_days_after_a_meeting():
    # Initial meeting Thu 17 Dec 2026 + 14 days -> Thu 31 Dec 2026.
    facts = case(W, meetings=(held("initial", date(2026, 12, 17)),))
    d = one(facts, date(2026, 12, 18), "wirral.plan_circulated")
    assert (d.kind, d.due) == ("circulation", date(2026, 12, 31))
    done = case(W, meetings=(held("initial", date(2026, 12, 17), circulated=date(2026, 12, 30)),))
    assert "wirral.plan_circulated" not in rule_ids(done, date(2026, 12, 18))


def test_review_circulated_14_days_after_a_review_on_christmas_day():
    # Review Fri 11 Dec 2026 + 14 days -> Fri 25 Dec 2026 (does not move). Other reading
    # (3.1, 15 WD): 14-18 (5), 21-24 (9), 29-31 (12), 4-6 Jan (15) -> 6 Jan 2027.
    facts = case(W, meetings=(held("review", date(2026, 12, 11)),))
    d = one(facts, date(2026, 12, 14), "wirral.review_circulated")
    assert d.due == date(2026, 12, 25)
    assert any("would give 6 Jan 2027" in n for n in d.notes)


def test_second_review_chair_16_weeks_after_the_initial_meeting():
    # Initial meeting Tue 1 Dec 2026 + 16 weeks (112 days) -> Tue 23 Mar 2027.
    facts = case(W, meetings=(held("initial", date(2026, 12, 1)),))
    d = one(facts, date(2026, 12, 2), "wirral.second_review_chair")
    assert (d.kind, d.due) == ("oversight", date(2027, 3, 23))


def test_second_review_chair_met_by_a_team_manager_chairing_the_second_review():
    meetings = (held("initial", date(2026, 12, 1)), held("review", date(2027, 1, 26)))
    by_manager = case(W, meetings=(*meetings, held("review", date(2027, 3, 23),
                                                   chair_role="Team Manager")))
    by_worker = case(W, meetings=(*meetings, held("review", date(2027, 3, 23),
                                                  chair_role="social_worker")))
    assert "wirral.second_review_chair" not in rule_ids(by_manager, date(2027, 3, 24))
    assert one(by_worker, date(2027, 3, 24), "wirral.second_review_chair").status == "overdue"


def test_plan_over_24_weeks():
    # Plan started Mon 30 Nov 2026 + 24 weeks (168 days): to 31 Dec (31), 31 Jan (62),
    # 28 Feb (90), 31 Mar (121), 30 Apr (151), 17 May (168) -> Mon 17 May 2027.
    facts = case(W, plan_started=date(2026, 11, 30))
    assert one(facts, date(2027, 1, 4), "wirral.plan_24_weeks").due == date(2027, 5, 17)


def test_complex_plan_6_months_at_a_month_end():
    # A complex plan started Mon 31 Aug 2026 + 6 months -> 28 Feb 2027 (no 31 Feb; a Sunday,
    # not moved).
    facts = case(W, plan_started=date(2026, 8, 31), complex_plan=True)
    d = one(facts, date(2027, 1, 4), "wirral.complex_plan_6_months")
    assert (d.due, d.unit) == (date(2027, 2, 28), "days")
    assert d.citation.section == "3.1"


def test_the_6_month_review_is_for_a_complex_plan_only():
    # Section 3.1: "If a Complex Child In Need Plan fails to bring about significant positive
    # change ... over a period of 6 months". The same plan, not recorded as complex: no such
    # deadline, while the 24-week Group Manager review (2.11, every plan) stays: 31 Aug 2026
    # + 168 days -> 30 Sep (30), 31 Oct (61), 30 Nov (91), 31 Dec (122), 31 Jan (153),
    # Mon 15 Feb 2027 (168).
    facts = case(W, plan_started=date(2026, 8, 31))
    ids = rule_ids(facts, date(2027, 1, 4))
    assert "wirral.complex_plan_6_months" not in ids
    assert one(facts, date(2027, 1, 4), "wirral.plan_24_weeks").due == date(2027, 2, 15)


def test_taf_step_down_5_working_days_after_the_transfer_plan():
    # Transfer plan received Wed 23 Dec 2026 + 5 WD: 24 (1), 29, 30, 31 (4), 4 Jan (5)
    # -> Mon 4 Jan 2027. Met once the step-down is recorded as completed.
    facts = case(W, events={"transfer_plan_received": date(2026, 12, 23)})
    assert one(facts, date(2026, 12, 24), "wirral.taf_step_down").due == date(2027, 1, 4)
    done = case(W, events={"transfer_plan_received": date(2026, 12, 23),
                           "step_down_completed": date(2026, 12, 30)})
    assert "wirral.taf_step_down" not in rule_ids(done, date(2026, 12, 31))


def test_one_rule_at_a_time_gives_the_same_dates():
    facts = case(W, visits=(seen(date(2026, 12, 18)),))
    assert [d.due for d in deadlines(facts, date(2027, 1, 6), with_rules(W, "visit"))] == [
        date(2027, 1, 20)]
