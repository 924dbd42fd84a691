"""What the engine does for any pack: status, countdown, what counts, what is flagged."""

from __future__ import annotations

from datetime import date

import pytest

from policies.facts import ClosureFact, OversightActionFact

from .test_engine_support import (
    Frequency,
    booked,
    cancelled,
    case,
    deadlines,
    held,
    one,
    rule_ids,
    seen,
    unseen,
)

# Wirral's visit rule: 20 working days after the last seen visit.
# Seen Fri 18 Dec 2026 + 20 WD: 21-24 Dec (4), 25 and 28 Dec are holidays, 29-31 Dec (7),
# 1 Jan holiday, 4-8 Jan (12), 11-15 Jan (17), 18, 19, 20 Jan (20) -> Wed 20 Jan 2027.
VISIT_DUE = date(2027, 1, 20)


def wirral_visit_case(**fields):
    return case("wirral", allocated=date(2026, 11, 2), visits=(seen(date(2026, 12, 18)),), **fields)


class TestStatus:
    def test_five_working_days_before_is_due_soon(self):
        # 13 Jan -> 20 Jan: 14, 15, 18, 19, 20 Jan = 5 working days, inside the amber window.
        d = one(wirral_visit_case(), date(2027, 1, 13), "wirral.visit")
        assert (d.status, d.countdown, d.unit) == ("due_soon", 5, "working_days")

    def test_six_working_days_before_is_ok(self):
        # 12 Jan -> 20 Jan: 13, 14, 15, 18, 19, 20 Jan = 6 working days.
        d = one(wirral_visit_case(), date(2027, 1, 12), "wirral.visit")
        assert (d.status, d.countdown) == ("ok", 6)

    def test_due_today_is_due_soon_with_countdown_zero(self):
        d = one(wirral_visit_case(), VISIT_DUE, "wirral.visit")
        assert (d.due, d.status, d.countdown) == (VISIT_DUE, "due_soon", 0)

    def test_the_day_after_is_overdue_and_counts_negative(self):
        # Thu 21 Jan is one working day after Wed 20 Jan.
        d = one(wirral_visit_case(), date(2027, 1, 21), "wirral.visit")
        assert (d.status, d.countdown) == ("overdue", -1)

    def test_the_amber_window_counts_working_days_over_christmas(self):
        # From Thu 24 Dec 2026 to Wed 20 Jan 2027 is many working days: ok. But with the
        # window widened to 18: (24 Dec, 20 Jan] = 29-31 Dec (3), 4-8 (8), 11-15 (13),
        # 18-20 Jan (16) -> 16 working days, inside 18.
        assert one(wirral_visit_case(), date(2026, 12, 24), "wirral.visit").status == "ok"
        d = deadlines(wirral_visit_case(), date(2026, 12, 24), amber_working_days=18)
        assert [x.status for x in d if x.rule_id == "wirral.visit"] == ["due_soon"]
        assert [x.countdown for x in d if x.rule_id == "wirral.visit"] == [16]

    def test_amber_window_of_zero_makes_only_today_amber(self):
        # 19 Jan -> 20 Jan is 1 working day: outside a 0-day window.
        d = deadlines(wirral_visit_case(), date(2027, 1, 19), amber_working_days=0)
        assert [x.status for x in d if x.rule_id == "wirral.visit"] == ["ok"]

    def test_a_weekend_due_date_is_amber_on_the_friday_before(self):
        # Wirral: modified plan circulated 14 days after a review held Fri 11 Dec 2026
        # -> Fri 25 Dec (Christmas Day; calendar-day deadlines do not move). On Thu 24 Dec
        # there are 0 working days in (24 Dec, 25 Dec]: due soon, 1 day left.
        facts = case("wirral", meetings=(held("review", date(2026, 12, 11)),))
        d = one(facts, date(2026, 12, 24), "wirral.review_circulated")
        assert (d.due, d.status, d.countdown, d.unit) == (date(2026, 12, 25), "due_soon", 1, "days")


class TestCountdownUnits:
    def test_weeks_count_down_in_days(self):
        # Wirral first review: initial meeting Fri 29 Jan 2027 + 8 weeks = Fri 26 Mar 2027.
        facts = case("wirral", meetings=(held("initial", date(2027, 1, 29)),))
        # 1 Mar -> 26 Mar is 25 calendar days; whole weeks would have to round ("4 weeks").
        d = one(facts, date(2027, 3, 1), "wirral.first_review")
        assert (d.countdown, d.unit) == (25, "days")
        # 29 Mar is 3 days late.
        late = one(facts, date(2027, 3, 29), "wirral.first_review")
        assert (late.countdown, late.unit, late.status) == (-3, "days", "overdue")

    def test_months_count_down_in_days(self):
        # Camden review: review held Mon 30 Nov 2026 + 3 months = Sun 28 Feb 2027.
        facts = case("camden", meetings=(held("review", date(2026, 11, 30)),))
        # 1 Jan -> 28 Feb: 30 days left in January + 28 in February = 58 days.
        d = one(facts, date(2027, 1, 1), "camden.review")
        assert (d.due, d.countdown, d.unit) == (date(2027, 2, 28), 58, "days")
        # On the due date itself: 0.
        assert one(facts, date(2027, 2, 28), "camden.review").countdown == 0

    def test_hours_count_down_in_days(self):
        # Leicestershire: visit record within 72 hours of a visit on Wed 23 Dec 2026
        # -> Sat 26 Dec; on 24 Dec that is 2 days away.
        facts = case("leicestershire", visits=(seen(date(2026, 12, 23)),))
        d = one(facts, date(2026, 12, 24), "leicestershire.visit_recorded")
        assert (d.due, d.countdown, d.unit) == (date(2026, 12, 26), 2, "days")


class TestWhatCounts:
    def test_a_closed_case_has_no_deadlines(self):
        facts = wirral_visit_case(closure=ClosureFact(date(2026, 12, 20), "RC7"))
        assert deadlines(facts, date(2027, 3, 1)) == []

    def test_a_visit_where_the_child_was_not_seen_does_not_count(self):
        # Seen 18 Dec, not seen 22 Dec: the visit deadline still counts from 18 Dec.
        facts = case("wirral", visits=(seen(date(2026, 12, 18)), unseen(date(2026, 12, 22))))
        d = one(facts, date(2026, 12, 23), "wirral.visit")
        assert d.due == VISIT_DUE
        assert d.basis == ("20 working days after the visit of 18 Dec 2026, "
                           "when the child was last seen")

    def test_visits_in_any_order_use_the_latest_seen(self):
        # Seen Wed 6 Jan 2027 + 20 WD: 7, 8 (2), 11-15 (7), 18-22 (12), 25-29 (17), 1, 2, 3 Feb (20)
        # -> Wed 3 Feb 2027.
        facts = case("wirral", visits=(seen(date(2027, 1, 6)), seen(date(2026, 12, 18))))
        assert one(facts, date(2027, 1, 7), "wirral.visit").due == date(2027, 2, 3)

    def test_never_seen_counts_from_allocation(self):
        # Allocated Tue 1 Dec 2026 + 20 WD: 2-4 Dec (3), 7-11 (8), 14-18 (13), 21-24 (17),
        # 29-31 Dec (20) -> Thu 31 Dec 2026.
        facts = case("wirral", allocated=date(2026, 12, 1), visits=(unseen(date(2026, 12, 3)),))
        d = one(facts, date(2026, 12, 2), "wirral.visit")
        assert d.due == date(2026, 12, 31)
        assert d.basis == ("20 working days after allocation on 1 Dec 2026, "
                           "as no visit where the child was seen is recorded")

    def test_only_the_earliest_visit_deadline_is_kept(self):
        # Leicestershire: first visit 5 days after allocation Mon 21 Dec -> Sat 26 Dec, and the
        # 20-working-day rule from allocation; one seen visit meets both, so only 26 Dec shows.
        facts = case("leicestershire", allocated=date(2026, 12, 21))
        visits = [d for d in deadlines(facts, date(2026, 12, 21)) if d.kind == "visit"]
        assert [(d.rule_id, d.due) for d in visits] == [
            ("leicestershire.first_visit", date(2026, 12, 26))]

    def test_deadlines_are_sorted_by_due_date(self):
        facts = case("rochdale", allocated=date(2026, 12, 14),
                     assessment_completed=date(2026, 12, 22), plan_started=date(2026, 12, 31),
                     visits=(seen(date(2026, 12, 15)),))
        dues = [d.due for d in deadlines(facts, date(2026, 12, 23))]
        assert dues == sorted(dues) and len(dues) > 5


class TestCirculation:
    def test_unmet_circulation_of_each_held_meeting(self):
        # Trafford: notes within 5 WD. Initial held Mon 14 Dec 2026 -> 15-18 (4), 21 Dec (5)
        # -> Mon 21 Dec. Review held Wed 24 Mar 2027 -> 25 (1), 26 and 29 Mar Easter, 30 (2),
        # 31 (3), 1 Apr (4), 2 Apr (5) -> Fri 2 Apr 2027.
        facts = case("trafford", meetings=(held("initial", date(2026, 12, 14)),
                                           held("review", date(2027, 3, 24))))
        dues = [d.due for d in deadlines(facts, date(2027, 3, 25)) if d.kind == "circulation"]
        assert dues == [date(2026, 12, 21), date(2027, 4, 2)]

    def test_circulation_is_met_once_the_circulated_date_is_recorded(self):
        facts = case("trafford", meetings=(held("initial", date(2026, 12, 14),
                                                circulated=date(2026, 12, 16)),
                                           held("review", date(2027, 3, 24))))
        dues = [d.due for d in deadlines(facts, date(2027, 3, 25)) if d.kind == "circulation"]
        assert dues == [date(2027, 4, 2)]

    def test_booked_and_cancelled_meetings_need_no_circulation(self):
        facts = case("trafford", meetings=(booked("review", date(2027, 3, 24)),
                                           cancelled("review", date(2027, 3, 10))))
        assert [d for d in deadlines(facts, date(2027, 3, 25)) if d.kind == "circulation"] == []


class TestMeetingsAndReviews:
    def test_initial_meeting_until_held_then_the_next_booked_meeting(self):
        # Trafford: initial meeting 15 WD after allocation Mon 14 Dec 2026: 15-18 (4), 21-24 (8),
        # 29-31 (11), 4-7 Jan (15) -> Thu 7 Jan 2027.
        facts = case("trafford", allocated=date(2026, 12, 14))
        meetings = [(d.rule_id, d.due) for d in deadlines(facts, date(2026, 12, 15))
                    if d.kind == "meeting"]
        assert meetings == [("trafford.initial_meeting", date(2027, 1, 7))]
        # Held on 6 Jan, with a review booked for Tue 6 Apr 2027: the meeting deadline is now the
        # booking.
        after = case("trafford", allocated=date(2026, 12, 14),
                     meetings=(held("initial", date(2027, 1, 6)),
                               booked("review", date(2027, 4, 6))))
        d = [d for d in deadlines(after, date(2027, 1, 7)) if d.kind == "meeting"]
        assert [(x.rule_id, x.due) for x in d] == [("trafford.next_meeting", date(2027, 4, 6))]
        assert d[0].basis == "the date of the review meeting booked for 6 Apr 2027"

    def test_a_booked_initial_meeting_shows_on_the_initial_meeting_deadline_only(self):
        facts = case("trafford", allocated=date(2026, 12, 14),
                     meetings=(booked("initial", date(2027, 1, 5)),))
        d = [x for x in deadlines(facts, date(2026, 12, 15)) if x.kind == "meeting"]
        assert [x.rule_id for x in d] == ["trafford.initial_meeting"]
        assert d[0].notes == ("Booked: the initial meeting on 5 Jan 2027.",)

    def test_a_booking_later_than_the_deadline_is_flagged(self):
        facts = case("trafford", allocated=date(2026, 12, 14),
                     meetings=(booked("initial", date(2027, 1, 8)),))
        d = one(facts, date(2026, 12, 15), "trafford.initial_meeting")
        assert ("The initial meeting booked for 8 Jan 2027 is later than this deadline "
                "(7 Jan 2027).") in d.notes

    def test_a_review_booked_after_the_review_deadline_is_flagged(self):
        # Trafford first review: initial held Mon 30 Nov 2026 + 3 months = Sun 28 Feb 2027.
        facts = case("trafford", meetings=(held("initial", date(2026, 11, 30)),
                                           booked("review", date(2027, 3, 2))))
        d = one(facts, date(2027, 1, 4), "trafford.first_review")
        assert d.due == date(2027, 2, 28)
        assert ("The review meeting booked for 2 Mar 2027 is later than this deadline "
                "(28 Feb 2027).") in d.notes

    def test_a_review_due_within_ten_working_days_with_nothing_booked_is_flagged(self):
        # Due Sun 28 Feb 2027. From Mon 15 Feb: 16-19 (4), 22-26 Feb (9) -> 9 working days: flagged.
        facts = case("trafford", meetings=(held("initial", date(2026, 11, 30)),))
        warning = "Nothing is booked, and this is due within 10 working days."
        assert warning in one(facts, date(2027, 2, 15), "trafford.first_review").notes
        # From Fri 12 Feb: 15-19 (5), 22-26 (10) -> 10 working days: still flagged.
        assert warning in one(facts, date(2027, 2, 12), "trafford.first_review").notes
        # From Thu 11 Feb: 11 working days: not yet.
        assert warning not in one(facts, date(2027, 2, 11), "trafford.first_review").notes
        # Once overdue with nothing booked:
        assert "Nothing is booked." in one(facts, date(2027, 3, 1), "trafford.first_review").notes

    def test_a_review_booked_in_time_is_not_flagged(self):
        facts = case("trafford", meetings=(held("initial", date(2026, 11, 30)),
                                           booked("review", date(2027, 2, 25))))
        notes = one(facts, date(2027, 2, 15), "trafford.first_review").notes
        assert notes == ("Booked: the review meeting on 25 Feb 2027.",)

    def test_only_the_earliest_review_deadline_is_kept(self):
        # Camden, child home from care Wed 23 Dec 2026: review within 4 weeks -> Wed 20 Jan 2027;
        # an initial meeting held Mon 4 Jan also starts the 3-monthly cycle (4 Apr 2027).
        # One review meets both, so only 20 Jan shows.
        facts = case("camden", stepped_down_from="care", stepped_down_on=date(2026, 12, 23),
                     meetings=(held("transfer_in", date(2026, 12, 24)),))
        reviews = [(d.rule_id, d.due) for d in deadlines(facts, date(2026, 12, 28))
                   if d.kind == "review"]
        assert reviews == [("camden.care_step_down_review", date(2027, 1, 20))]


class TestOversight:
    def test_cleared_by_the_rule_id_in_a_managers_note(self):
        facts = case("wirral", plan_started=date(2026, 11, 30))
        assert "wirral.plan_24_weeks" in rule_ids(facts, date(2027, 1, 4))
        cleared = case("wirral", plan_started=date(2026, 11, 30),
                       cleared_flags=frozenset({"wirral.plan_24_weeks"}))
        assert "wirral.plan_24_weeks" not in rule_ids(cleared, date(2027, 1, 4))

    def test_the_flag_id_is_what_clears_it(self):
        facts = case("wirral", plan_started=date(2026, 11, 30))
        d = one(facts, date(2027, 1, 4), "wirral.plan_24_weeks")
        assert d.flag_id == "wirral.plan_24_weeks"
        again = case("wirral", plan_started=date(2026, 11, 30),
                     cleared_flags=frozenset({d.flag_id}))
        assert "wirral.plan_24_weeks" not in rule_ids(again, date(2027, 1, 4))

    def test_visits_and_reviews_cannot_be_cleared_by_a_note(self):
        facts = wirral_visit_case(cleared_flags=frozenset({"wirral.visit"}))
        assert "wirral.visit" in rule_ids(facts, date(2027, 1, 4))

    def test_open_oversight_actions_are_deadlines_and_done_ones_are_not(self):
        facts = case("camden", oversight_actions=(
            OversightActionFact("Book a professionals meeting", "A. Worker", date(2027, 1, 8)),
            OversightActionFact("Update the chronology", "A. Worker", date(2027, 1, 4),
                                done=date(2027, 1, 2)),
        ))
        actions = [d for d in deadlines(facts, date(2027, 1, 11))
                   if d.rule_id == "camden.oversight_action"]
        assert [(d.kind, d.due, d.status, d.countdown) for d in actions] == [
            ("oversight", date(2027, 1, 8), "overdue", -3)]
        assert actions[0].label == "Oversight action: Book a professionals meeting"


class TestExplanations:
    def test_every_deadline_names_its_rule_citation_and_basis(self):
        facts = case("rochdale", allocated=date(2026, 12, 14),
                     assessment_completed=date(2026, 12, 22), plan_started=date(2026, 12, 31),
                     visits=(seen(date(2026, 12, 15)),),
                     meetings=(held("family_network", date(2026, 12, 21)),))
        for d in deadlines(facts, date(2026, 12, 23)):
            assert d.rule_id.startswith("rochdale.")
            assert d.citation.section and d.citation.quote
            assert "Rochdale" in str(d.citation)
            assert d.basis and ("after" in d.basis or "before" in d.basis
                                or d.basis.startswith("the date of"))

    def test_the_other_reading_is_shown_with_its_date(self):
        # Wirral initial meeting: assessment Fri 11 Dec 2026 + 10 WD: 14-18 (5), 21-24 (9),
        # 29 Dec (10) -> Tue 29 Dec. Other reading 15 WD: 30, 31 (12), 4, 5, 6 Jan (15)
        # -> 6 Jan 2027.
        facts = case("wirral", assessment_completed=date(2026, 12, 11))
        d = one(facts, date(2026, 12, 14), "wirral.initial_meeting")
        assert d.due == date(2026, 12, 29)
        assert any(n.startswith("Other reading: 15 working days (section 2.3")
                   and n.endswith("would give 6 Jan 2027.") for n in d.notes)
        assert any(n.startswith("Pack choice:") for n in d.notes)


@pytest.mark.parametrize("policy_id",
                         ["wirral", "rochdale", "camden", "trafford", "leicestershire"])
def test_a_busy_case_gives_sane_deadlines_under_every_pack(policy_id):
    facts = case(policy_id, allocated=date(2026, 9, 1), assessment_completed=date(2026, 10, 13),
                 plan_started=date(2026, 10, 20), visit_every=Frequency(4, "weeks"),
                 visits=(seen(date(2026, 12, 18)), unseen(date(2026, 12, 22))),
                 meetings=(held("family_network", date(2026, 9, 14)),
                           held("initial", date(2026, 10, 20)),
                           held("review", date(2026, 12, 1), circulated=date(2026, 12, 3)),
                           cancelled("review", date(2027, 1, 12), on=date(2027, 1, 5)),
                           booked("review", date(2027, 1, 26))))
    found = deadlines(facts, date(2027, 1, 6))
    assert found, "an open case has deadlines"
    assert sum(d.kind == "visit" for d in found) == 1
    assert sum(d.kind == "review" for d in found) == 1
    for d in found:
        assert d.status in ("overdue", "due_soon", "ok")
        assert (d.status == "overdue") == (d.due < date(2027, 1, 6))
