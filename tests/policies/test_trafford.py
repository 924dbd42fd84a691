"""Every Trafford rule, with dates worked out by hand (see test_engine_support for the calendar)."""

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
)

T = "trafford"


def test_every_rule_is_tested_here():
    assert {r.id for r in POLICIES[T].rules} == {
        "visit", "assessment", "initial_meeting", "next_meeting", "first_review",
        "later_reviews", "notes_circulated",
    }


def test_no_visit_deadline_unless_the_plan_sets_a_frequency():
    facts = case(T, visits=(seen(date(2026, 12, 18)),))
    assert [d for d in deadlines(facts, date(2026, 12, 21)) if d.kind == "visit"] == []


def test_visit_every_10_working_days_as_agreed_in_the_plan():
    # Seen Fri 18 Dec 2026 + 10 WD: 21-24 (4), 29-31 (7), 4, 5, 6 Jan (10) -> Wed 6 Jan 2027.
    facts = case(T, visit_every=Frequency(10, "working_days"), visits=(seen(date(2026, 12, 18)),))
    d = one(facts, date(2026, 12, 21), "trafford.visit")
    assert (d.due, d.unit) == (date(2027, 1, 6), "working_days")


def test_visit_monthly_at_a_month_end():
    # Seen Fri 29 Jan 2027 + 1 month -> 28 Feb 2027 (no 29 Feb in 2027).
    facts = case(T, visit_every=Frequency(1, "months"), visits=(seen(date(2027, 1, 29)),))
    assert one(facts, date(2027, 2, 1), "trafford.visit").due == date(2027, 2, 28)


def test_visit_never_seen_counts_from_allocation():
    # Allocated Mon 21 Dec 2026, every 28 days -> Mon 18 Jan 2027.
    facts = case(T, allocated=date(2026, 12, 21), visit_every=Frequency(28, "days"))
    assert one(facts, date(2026, 12, 21), "trafford.visit").due == date(2027, 1, 18)


def test_assessment_within_35_working_days():
    # Allocated Wed 2 Dec 2026 + 35 WD: 3, 4 (2), 7-11 (7), 14-18 (12), 21-24 (16), 29-31 (19),
    # 4-8 Jan (24), 11-15 (29), 18-22 (34), 25 Jan (35) -> Mon 25 Jan 2027.
    facts = case(T, allocated=date(2026, 12, 2))
    d = one(facts, date(2026, 12, 3), "trafford.assessment")
    assert (d.kind, d.due) == ("assessment", date(2027, 1, 25))
    done = case(T, allocated=date(2026, 12, 2), assessment_completed=date(2027, 1, 20))
    assert "trafford.assessment" not in rule_ids(done, date(2027, 1, 21))


def test_initial_meeting_within_15_working_days_of_transfer():
    # Allocated Mon 14 Dec 2026 + 15 WD: 15-18 (4), 21-24 (8), 29-31 (11), 4-7 Jan (15)
    # -> Thu 7 Jan 2027.
    facts = case(T, allocated=date(2026, 12, 14))
    assert one(facts, date(2026, 12, 15), "trafford.initial_meeting").due == date(2027, 1, 7)


def test_next_meeting_after_the_initial_meeting():
    facts = case(T, meetings=(held("initial", date(2026, 12, 14)),
                              booked("review", date(2027, 3, 1))))
    assert one(facts, date(2026, 12, 15), "trafford.next_meeting").due == date(2027, 3, 1)


def test_first_review_within_3_months_of_the_initial_meeting():
    # Initial meeting Mon 30 Nov 2026 + 3 months -> Sun 28 Feb 2027 (no 30 Feb; not moved).
    facts = case(T, meetings=(held("initial", date(2026, 11, 30)),))
    d = one(facts, date(2026, 12, 1), "trafford.first_review")
    assert (d.kind, d.due, d.unit) == ("review", date(2027, 2, 28), "days")


def test_later_reviews_at_most_6_monthly():
    # Review Mon 31 Aug 2026 + 6 months -> Sun 28 Feb 2027.
    facts = case(T, meetings=(held("initial", date(2026, 6, 1)), held("review", date(2026, 8, 31))))
    found = [d for d in deadlines(facts, date(2026, 9, 1)) if d.kind == "review"]
    assert [(d.rule_id, d.due) for d in found] == [("trafford.later_reviews", date(2027, 2, 28))]


def test_meeting_notes_within_5_working_days_over_easter():
    # Meeting Wed 24 Mar 2027 + 5 WD: 25 (1), 26 and 29 Mar Easter, 30 (2), 31 (3), 1 Apr (4),
    # 2 Apr (5) -> Fri 2 Apr 2027.
    facts = case(T, meetings=(held("review", date(2027, 3, 24)),))
    d = one(facts, date(2027, 3, 25), "trafford.notes_circulated")
    assert (d.kind, d.due) == ("circulation", date(2027, 4, 2))


def test_closure_checklist_as_the_procedure_says():
    checklist = POLICIES[T].closure_checklist
    assert [item.id for item in checklist] == [
        "recording_complete", "closure_summary", "manager_sign_off", "letters_sent",
        "attached_to_record"]
    assert all(item.required for item in checklist)
