"""The engine never overflows and packs stay within two years a count (issue 10, finding 7).

Dates out of the engine's span (1 Jan 1900 to 31 Dec 2199) give `DateOutOfRange` naming the
date, never OverflowError; pack counts beyond two years in their unit are refused by file, rule
and field. Hypothesis feeds extreme dates and counts: every answer is a deadline list, a
DateOutOfRange or a PolicyError, nothing else.
"""

from __future__ import annotations

import dataclasses
import textwrap
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine import compute_deadlines
from policies.facts import CaseFacts, ClosureFact, MeetingFact, OversightActionFact, VisitFact
from policies.limits import MAX_COUNT, DateOutOfRange
from policies.packs import PolicyError, build_policy
from policies.timescales import shift

from .test_engine_support import CALENDAR, POLICIES, booked, case, seen

TODAY = date(2026, 11, 23)  # Monday
PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --- the engine -------------------------------------------------------------------------------


def test_a_meeting_booked_for_1_jan_0001_is_a_clear_error_not_an_overflow():
    facts = case("camden", meetings=(booked("review", date(1, 1, 1)),))
    with pytest.raises(DateOutOfRange) as caught:
        compute_deadlines(facts, POLICIES["camden"], CALENDAR, TODAY)
    assert str(caught.value) == (
        "the date of the booked review meeting (1 Jan 0001) is outside the dates deadlines "
        "can be worked out for (1 Jan 1900 to 31 Dec 2199)")


def test_a_visit_in_9999_is_a_clear_error():
    facts = case("wirral", visits=(seen(date(9999, 12, 31)),))
    with pytest.raises(DateOutOfRange, match=r"visit date \(31 Dec 9999\)"):
        compute_deadlines(facts, POLICIES["wirral"], CALENDAR, TODAY)


def test_a_closed_case_has_no_deadlines_whatever_its_dates():
    facts = case("wirral", visits=(seen(date(1, 1, 1)),),
                 closure=ClosureFact(date(2026, 11, 2), "RC8"))
    assert compute_deadlines(facts, POLICIES["wirral"], CALENDAR, TODAY) == []


def test_a_huge_count_in_a_pack_built_in_code_is_a_clear_error():
    # Packs from files are limited by the loader; one built in Python is not, so the engine
    # itself refuses to count past its span.
    policy = POLICIES["wirral"]
    visit = dataclasses.replace(policy.rule("visit"),
                                timescale=dataclasses.replace(policy.rule("visit").timescale,
                                                              count=99_999_999))
    huge = dataclasses.replace(policy, rules=(visit,))
    with pytest.raises(DateOutOfRange, match="99999999 working days after 2 Nov 2026"):
        compute_deadlines(case("wirral"), huge, CALENDAR, TODAY)


@pytest.mark.parametrize(("start", "count", "unit", "before"), [
    (date(9999, 12, 1), 1, "months", False),
    (date(1, 1, 3), 10, "working_days", True),
    (date(2199, 12, 31), 1, "days", False),
    (date(1900, 1, 1), 1, "weeks", True),
    (date(2026, 11, 23), 10**12, "hours", False),
])
def test_shift_past_the_span_is_a_clear_error(start, count, unit, before):
    with pytest.raises(DateOutOfRange):
        shift(start, count, unit, CALENDAR, before=before)


def test_shift_within_the_span_is_unchanged():
    # Mon 23 Nov 2026 + 5 working days: 24, 25, 26, 27, 30 Nov -> Mon 30 Nov 2026.
    assert shift(date(2026, 11, 23), 5, "working_days", CALENDAR) == date(2026, 11, 30)
    # 31 Jan 2027 + 1 month = 28 Feb 2027 (relativedelta keeps to the month's end).
    assert shift(date(2027, 1, 31), 1, "months", CALENDAR) == date(2027, 2, 28)


# --- pack counts ------------------------------------------------------------------------------


def pack(count: int, unit: str = "working_days", extra: str = "") -> str:
    return textwrap.dedent(f"""
        id = "my-council"
        name = "My Council"
        [procedure]
        title = "My Council procedure"
        [[rules]]
        id = "visit"
        kind = "visit"
        label = "Child seen"
        count = {count}
        unit = "{unit}"
        anchor = "last_seen_visit"
        citation = {{ section = "4.2", quote = "seen regularly" }}
        {extra}
    """)


def build(text: str):
    import tomllib

    return build_policy(tomllib.loads(text), "my-council.toml")


@pytest.mark.parametrize(("unit", "limit"), [
    ("working_days", 520), ("days", 730), ("weeks", 104), ("months", 24), ("hours", 17520),
])
def test_pack_counts_up_to_two_years_in_their_unit(unit, limit):
    assert build(pack(limit, unit)).rule("visit").timescale.count == limit
    with pytest.raises(PolicyError) as caught:
        build(pack(limit + 1, unit))
    assert caught.value.problems == [
        f'my-council.toml: rule "visit": field "count": {limit + 1} is more than two years of '
        f"{unit.replace('_', ' ')}; use 0 to {limit} (docs/policies.md, Limits)"
    ]


def test_the_shipped_packs_are_within_the_limits():
    for policy in POLICIES.values():
        for rule in policy.rules:
            if rule.timescale.count is not None:
                assert rule.timescale.count <= MAX_COUNT[rule.timescale.unit], rule.qualified_id


def test_repeat_window_other_reading_nth_and_chair_meeting_are_limited():
    extra = """
        nth = 101
        repeat = { count = 25, unit = "working_days" }
        conditions = { anchor_within = { count = 9999, unit = "months", of = "allocation" } }
        other_readings = [{ count = 800, unit = "days", section = "1", quote = "q" }]
        chaired_by = { roles = ["team_manager"], meeting = 0 }
    """
    with pytest.raises(PolicyError) as caught:
        build(pack(20, extra=extra))
    fields = [p.split('field "')[1].split('"')[0] for p in caught.value.problems]
    assert sorted(fields) == sorted([
        "nth", "conditions.anchor_within.count", "other_readings.count", "chaired_by.meeting",
    ])


# --- properties -------------------------------------------------------------------------------

any_date = st.dates(min_value=date.min, max_value=date.max)
extreme_date = st.sampled_from([date.min, date(1, 1, 3), date(1899, 12, 31), date(1900, 1, 1),
                                date(2199, 12, 31), date(2200, 1, 1), date(9999, 12, 1),
                                date.max])
some_date = st.one_of(any_date, extreme_date)


@st.composite
def wild_facts(draw) -> CaseFacts:
    policy_id = draw(st.sampled_from(sorted(POLICIES)))
    meetings = tuple(
        MeetingFact(kind=draw(st.sampled_from(["initial", "review", "progress", "family_network"])),
                    status=draw(st.sampled_from(["booked", "held", "cancelled"])),
                    date=draw(some_date),
                    circulated=draw(st.none() | some_date),
                    cancelled_on=draw(st.none() | some_date))
        for _ in range(draw(st.integers(0, 3)))
    )
    visits = tuple(VisitFact(date=draw(some_date), seen=draw(st.booleans()),
                             recorded=draw(st.none() | some_date))
                   for _ in range(draw(st.integers(0, 3))))
    return CaseFacts(
        ref="P1", policy_id=policy_id, allocated=draw(some_date), dob=draw(st.none() | some_date),
        assessment_completed=draw(st.none() | some_date), plan_started=draw(st.none() | some_date),
        stepped_down_from=draw(st.none() | st.just("cp_plan")),
        stepped_down_on=draw(st.none() | some_date), visits=visits, meetings=meetings,
        events={"private_fostering_notified": draw(some_date)} if draw(st.booleans()) else {},
        oversight_actions=(OversightActionFact("Do it", "Sam", draw(some_date)),)
        if draw(st.booleans()) else (),
        private_fostering=draw(st.booleans()), disabled=draw(st.booleans()),
    )


@PROPERTY
@given(facts=wild_facts(), today=some_date)
def test_any_dates_give_deadlines_or_a_clear_error(facts, today):
    try:
        found = compute_deadlines(facts, POLICIES[facts.policy_id], CALENDAR, today)
    except DateOutOfRange as error:
        assert "outside" in str(error)
    else:
        assert all(date(1900, 1, 1) <= d.due <= date(2199, 12, 31) for d in found)


@PROPERTY
@given(count=st.one_of(st.integers(-10, 10**9), st.sampled_from([0, 1, 520, 521, 99_999_999])),
       unit=st.sampled_from(["working_days", "days", "weeks", "months", "hours"]),
       allocated=st.dates(min_value=date(1991, 10, 14), max_value=date(2026, 11, 23)))
def test_any_pack_count_is_accepted_within_limits_or_refused(count, unit, allocated):
    try:
        policy = build(pack(count, unit, extra='fallback_anchor = "allocation"'))
    except PolicyError as error:
        assert not 0 <= count <= MAX_COUNT[unit]
        assert 'field "count"' in str(error)
        return
    assert 0 <= count <= MAX_COUNT[unit]
    # Accepted, with every date within the limits a person may record: always deadlines.
    facts = CaseFacts(ref="P1", policy_id="my-council", allocated=allocated)
    [deadline] = compute_deadlines(facts, policy, CALENDAR, TODAY)
    assert deadline.due >= allocated
