"""Every Camden rule, with dates worked out by hand (see test_engine_support for the calendar)."""

from __future__ import annotations

from datetime import date

from .test_engine_support import (
    POLICIES,
    Frequency,
    booked,
    cancelled,
    case,
    deadlines,
    held,
    one,
    rule_ids,
    seen,
)

C = "camden"


def test_every_rule_is_tested_here():
    assert {r.id for r in POLICIES[C].rules} == {
        "visit", "initial_meeting", "rescheduled_review", "next_meeting", "review",
        "cp_step_down_review", "care_step_down_review", "invitations", "assessment_report",
        "review_report", "iro_oversight",
    }


def test_no_visit_deadline_without_a_visiting_frequency_on_the_case():
    facts = case(C, visits=(seen(date(2026, 12, 18)),))
    assert [d for d in deadlines(facts, date(2026, 12, 21)) if d.kind == "visit"] == []


def test_visit_deadline_from_the_case_frequency():
    # Every 4 weeks: seen Fri 18 Dec 2026 + 28 days -> Fri 15 Jan 2027.
    facts = case(C, visit_every=Frequency(4, "weeks"), visits=(seen(date(2026, 12, 18)),))
    d = one(facts, date(2026, 12, 21), "camden.visit")
    assert (d.due, d.unit) == (date(2027, 1, 15), "days")
    assert d.basis == ("4 weeks after the visit of 18 Dec 2026, when the child was last seen "
                       "(the visiting frequency recorded on the case)")


def test_initial_review_meeting_2_weeks_after_the_assessment():
    # Assessment Fri 18 Dec 2026 + 14 days -> Fri 1 Jan 2027 (a bank holiday; not moved).
    facts = case(C, assessment_completed=date(2026, 12, 18))
    d = one(facts, date(2026, 12, 21), "camden.initial_meeting")
    assert (d.kind, d.due) == ("meeting", date(2027, 1, 1))


def test_cancelled_review_re_held_within_14_days_of_the_cancellation():
    # Review for Tue 22 Dec cancelled on Thu 17 Dec 2026 + 14 days -> Thu 31 Dec 2026.
    facts = case(C, meetings=(held("initial", date(2026, 10, 1)),
                              cancelled("review", date(2026, 12, 22), on=date(2026, 12, 17))))
    d = one(facts, date(2026, 12, 18), "camden.rescheduled_review")
    assert (d.kind, d.due) == ("meeting", date(2026, 12, 31))
    assert POLICIES[C].rescheduling_rule.id == "rescheduled_review"
    # Re-held on 30 Dec: met.
    met = case(C, meetings=(held("initial", date(2026, 10, 1)),
                            cancelled("review", date(2026, 12, 22), on=date(2026, 12, 17)),
                            held("review", date(2026, 12, 30))))
    assert "camden.rescheduled_review" not in rule_ids(met, date(2026, 12, 31))


def test_cancellation_date_unknown_counts_from_the_meeting_date():
    # Review of Thu 10 Dec 2026 cancelled, date not recorded: 10 Dec + 14 days -> Thu 24 Dec.
    facts = case(C, meetings=(cancelled("review", date(2026, 12, 10)),))
    d = one(facts, date(2026, 12, 11), "camden.rescheduled_review")
    assert d.due == date(2026, 12, 24)
    assert any("not recorded" in n for n in d.notes)


def test_next_meeting_and_reviews_every_3_months_at_a_month_end():
    # Review held Mon 30 Nov 2026 + 3 months -> 28 Feb 2027 (no 30 Feb).
    facts = case(C, meetings=(held("initial", date(2026, 9, 1)), held("review", date(2026, 11, 30)),
                              booked("review", date(2027, 2, 22))))
    d = one(facts, date(2026, 12, 1), "camden.review")
    assert (d.kind, d.due) == ("review", date(2027, 2, 28))
    assert one(facts, date(2026, 12, 1), "camden.next_meeting").due == date(2027, 2, 22)


def test_review_within_3_months_of_a_cp_plan_ending():
    # CP plan ended Thu 31 Dec 2026 + 3 months -> Wed 31 Mar 2027.
    facts = case(C, stepped_down_from="cp_plan", stepped_down_on=date(2026, 12, 31))
    assert one(facts, date(2027, 1, 4), "camden.cp_step_down_review").due == date(2027, 3, 31)


def test_review_within_4_weeks_of_discharge_from_care():
    # Discharged Wed 23 Dec 2026 + 4 weeks -> Wed 20 Jan 2027; met once a review is held.
    facts = case(C, stepped_down_from="care", stepped_down_on=date(2026, 12, 23))
    assert one(facts, date(2026, 12, 24), "camden.care_step_down_review").due == date(2027, 1, 20)
    met = case(C, stepped_down_from="care", stepped_down_on=date(2026, 12, 23),
               meetings=(held("review", date(2027, 1, 14)),))
    assert "camden.care_step_down_review" not in rule_ids(met, date(2027, 1, 15))


def test_invitations_10_working_days_before_a_booked_review():
    # Review booked Mon 11 Jan 2027, counting back 10 WD: 8 (1), 7 (2), 6 (3), 5 (4), 4 Jan (5),
    # 1 Jan holiday, 31 (6), 30 (7), 29 Dec (8), 28 and 25 holidays, 24 (9), 23 Dec (10)
    # -> Wed 23 Dec 2026.
    facts = case(C, meetings=(held("initial", date(2026, 10, 12)),
                              booked("review", date(2027, 1, 11))))
    d = one(facts, date(2026, 12, 14), "camden.invitations")
    assert (d.kind, d.due) == ("preparation", date(2026, 12, 23))
    assert d.basis == "10 working days before the review meeting booked for 11 Jan 2027"
    assert d.flag_id == "camden.invitations@2027-01-11"
    cleared = case(C, meetings=(held("initial", date(2026, 10, 12)),
                                booked("review", date(2027, 1, 11))),
                   cleared_flags=frozenset({d.flag_id}))
    assert "camden.invitations" not in rule_ids(cleared, date(2026, 12, 14))


def test_assessment_report_2_working_days_before_a_booked_review_over_easter():
    # Review booked Tue 30 Mar 2027: 29 Mar and 26 Mar are Easter holidays, Thu 25 (1),
    # Wed 24 Mar (2) -> Wed 24 Mar 2027. And for Mon 11 Jan: 8 (1), 7 Jan (2) -> Thu 7 Jan.
    facts = case(C, meetings=(booked("review", date(2027, 3, 30)),
                              booked("review", date(2027, 1, 11))))
    assert sorted(d.due for d in deadlines(facts, date(2027, 1, 4))
                  if d.rule_id == "camden.assessment_report") == [
        date(2027, 1, 7), date(2027, 3, 24)]


def test_preparation_ends_when_the_review_is_held():
    facts = case(C, meetings=(held("review", date(2027, 1, 11)),))
    assert [d for d in deadlines(facts, date(2027, 1, 12)) if d.kind == "preparation"] == []


def test_review_report_14_days_after_the_review():
    # Review Fri 18 Dec 2026 + 14 days -> Fri 1 Jan 2027.
    facts = case(C, meetings=(held("review", date(2026, 12, 18)),))
    assert one(facts, date(2026, 12, 21), "camden.review_report").due == date(2027, 1, 1)


def test_iro_oversight_after_12_months_open():
    # Allocated Tue 15 Dec 2025 + 12 months -> Tue 15 Dec 2026.
    facts = case(C, allocated=date(2025, 12, 15))
    d = one(facts, date(2026, 12, 1), "camden.iro_oversight")
    assert (d.kind, d.due) == ("oversight", date(2026, 12, 15))
