"""The plan starts at the initial CIN meeting: with no plan start recorded, plan-based deadlines
count from the initial meeting's date, and say so (issue 12, item 4)."""

from __future__ import annotations

from datetime import date

from .test_engine_support import case, held, one, rule_ids

W = "wirral"


def test_wirral_24_week_review_counts_from_the_initial_meeting_when_no_plan_start():
    # Initial meeting held Thu 12 Mar 2026 + 24 weeks (168 days): to 31 Mar 19, 30 Apr 49,
    # 31 May 80, 30 Jun 110, 31 Jul 141, then 27 more -> Thu 27 Aug 2026.
    facts = case(W, allocated=date(2026, 2, 2), meetings=(held("initial", date(2026, 3, 12)),))
    d = one(facts, date(2026, 8, 3), "wirral.plan_24_weeks")
    assert d.due == date(2026, 8, 27)
    assert d.basis == ("24 weeks after the plan starting on 12 Mar 2026 (the initial CIN "
                       "meeting's date; no plan start was recorded)")


def test_a_recorded_plan_start_wins_over_the_initial_meeting():
    # Plan started Mon 16 Mar 2026 + 168 days: to 31 Mar 15, 30 Apr 45, 31 May 76, 30 Jun 106,
    # 31 Jul 137, then 31 more -> Mon 31 Aug 2026 (a bank holiday; calendar days do not move).
    facts = case(W, allocated=date(2026, 2, 2), plan_started=date(2026, 3, 16),
                 meetings=(held("initial", date(2026, 3, 12)),))
    d = one(facts, date(2026, 8, 3), "wirral.plan_24_weeks")
    assert (d.due, d.basis) == (date(2026, 8, 31),
                                "24 weeks after the plan starting on 16 Mar 2026")


def test_no_plan_deadline_before_the_initial_meeting_is_held():
    facts = case(W, allocated=date(2026, 2, 2), meetings=(held("review", date(2026, 3, 12)),))
    assert "wirral.plan_24_weeks" not in rule_ids(facts, date(2026, 8, 3))
