"""The calendar agrees with a naive day-by-day count on random dates and offsets."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.calendar import WorkingCalendar

ONE_DAY = timedelta(days=1)
# Offsets of up to 400 working days from 2000-2060 stay within 1998-2062.
BANK_HOLIDAYS = frozenset(holidays.UK(subdiv="ENG", years=range(1998, 2063)))
PLAIN_CALENDAR = WorkingCalendar()

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
offsets = st.integers(min_value=-400, max_value=400)
# Closure days near the start date, where they can change the answer.
closure_offsets = st.lists(st.integers(min_value=-600, max_value=600), max_size=40)


def naive_is_working_day(d: date, days_off: frozenset[date]) -> bool:
    return d.weekday() < 5 and d not in days_off


def naive_add_working_days(d: date, n: int, days_off: frozenset[date]) -> date:
    step = ONE_DAY if n > 0 else -ONE_DAY
    counted = 0
    while counted < abs(n):
        d += step
        counted += naive_is_working_day(d, days_off)
    return d


def naive_working_days_between(a: date, b: date, days_off: frozenset[date]) -> int:
    if b >= a:  # working days in (a, b]
        return sum(naive_is_working_day(a + ONE_DAY * i, days_off)
                   for i in range(1, (b - a).days + 1))
    # minus the working days in [b, a)
    return -sum(naive_is_working_day(b + ONE_DAY * i, days_off) for i in range((a - b).days))


@settings(max_examples=400)
@given(dates, offsets)
def test_add_working_days_matches_a_day_by_day_count(d, n):
    assert PLAIN_CALENDAR.add_working_days(d, n) == naive_add_working_days(d, n, BANK_HOLIDAYS)


@settings(max_examples=400)
@given(dates, offsets)
def test_working_days_between_matches_a_day_by_day_count(d, n):
    other = d + timedelta(days=n)
    assert PLAIN_CALENDAR.working_days_between(d, other) == naive_working_days_between(
        d, other, BANK_HOLIDAYS
    )


@settings(max_examples=400)
@given(dates)
def test_is_working_day_matches_weekdays_minus_bank_holidays(d):
    assert PLAIN_CALENDAR.is_working_day(d) == naive_is_working_day(d, BANK_HOLIDAYS)


@settings(max_examples=400)
@given(dates, offsets)
def test_counting_back_what_was_added_gives_the_offset(d, n):
    assert PLAIN_CALENDAR.working_days_between(d, PLAIN_CALENDAR.add_working_days(d, n)) == n


@settings(max_examples=150, deadline=None)
@given(dates, offsets, closure_offsets, closure_offsets)
def test_with_closure_days_and_extra_holidays(d, n, closure_shifts, extra_shifts):
    closures = {d + timedelta(days=shift) for shift in closure_shifts}
    extras = {d + timedelta(days=shift) for shift in extra_shifts}
    calendar = WorkingCalendar(closure_days=closures, extra_bank_holidays=extras)
    days_off = BANK_HOLIDAYS | closures | extras
    result = calendar.add_working_days(d, n)
    assert result == naive_add_working_days(d, n, days_off)
    assert calendar.working_days_between(d, result) == n
    other = d + timedelta(days=n)
    assert calendar.working_days_between(d, other) == naive_working_days_between(d, other, days_off)
    assert calendar.is_working_day(other) == naive_is_working_day(other, days_off)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1995, max_value=2065), dates, offsets)
def test_a_small_preloaded_span_grows_to_give_the_same_answers(year, d, n):
    calendar = WorkingCalendar(first_year=year, last_year=year)
    assert calendar.add_working_days(d, n) == PLAIN_CALENDAR.add_working_days(d, n)
    other = d + timedelta(days=n)
    assert calendar.working_days_between(other, d) == PLAIN_CALENDAR.working_days_between(other, d)
