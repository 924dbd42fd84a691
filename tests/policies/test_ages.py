"""A child's age and the age from which they are expected to be seen alone (policies.ages),
worked out by hand. The caseload's Age column, the visit form's check and the team view's
"not seen alone" count all use these."""

from __future__ import annotations

from datetime import date

import pytest

from policies.ages import (
    SEEN_ALONE_FROM_AGE,
    age_in_months,
    age_in_years,
    expected_to_be_seen_alone,
)


@pytest.mark.parametrize(
    ("dob", "on", "years"),
    [
        # The third birthday: 2 the day before, 3 on the day.
        (date(2023, 11, 23), date(2026, 11, 22), 2),
        (date(2023, 11, 23), date(2026, 11, 23), 3),
        # Born Thu 29 Feb 2024. 2027 has no 29 Feb: the birthday is 1 Mar, so still 2 on
        # Sun 28 Feb 2027 and 3 on Mon 1 Mar 2027.
        (date(2024, 2, 29), date(2027, 2, 28), 2),
        (date(2024, 2, 29), date(2027, 3, 1), 3),
        # 2028 has a 29 Feb: 3 on Mon 28 Feb 2028, 4 on Tue 29 Feb 2028.
        (date(2024, 2, 29), date(2028, 2, 28), 3),
        (date(2024, 2, 29), date(2028, 2, 29), 4),
        # Born on 28 Feb: that day every year, leap or not.
        (date(2024, 2, 28), date(2027, 2, 28), 3),
        # The day of birth is 0; the day before it is -1 (an unborn child).
        (date(2026, 11, 23), date(2026, 11, 23), 0),
        (date(2026, 11, 23), date(2026, 11, 22), -1),
    ],
)
def test_age_in_whole_years(dob, on, years):
    assert age_in_years(dob, on) == years


@pytest.mark.parametrize(
    ("dob", "on", "months"),
    [
        # 23 May 2025 -> 23 Nov 2026: 1 year and 6 months = 18 months; a day earlier, 17.
        (date(2025, 5, 23), date(2026, 11, 23), 18),
        (date(2025, 5, 23), date(2026, 11, 22), 17),
        # Born 31 Jan 2026: February has no 31st, so the first month is complete on 1 Mar.
        (date(2026, 1, 31), date(2026, 2, 28), 0),
        (date(2026, 1, 31), date(2026, 3, 1), 1),
        # 29 Feb 2024 -> 28 Feb 2027: 3 years less a day = 35 whole months; 1 Mar 2027: 36.
        (date(2024, 2, 29), date(2027, 2, 28), 35),
        (date(2024, 2, 29), date(2027, 3, 1), 36),
    ],
)
def test_age_in_whole_months(dob, on, months):
    assert age_in_months(dob, on) == months


def test_years_are_whole_months_over_twelve_on_every_day_of_a_leap_cycle():
    # One definition: a year of age is 12 months of age, every day from a 29 Feb birth on.
    dob = date(2024, 2, 29)
    for ordinal in range(dob.toordinal() - 40, date(2029, 3, 5).toordinal()):
        on = date.fromordinal(ordinal)
        assert age_in_years(dob, on) == age_in_months(dob, on) // 12, on


def test_seen_alone_is_expected_from_the_third_birthday():
    assert SEEN_ALONE_FROM_AGE == 3
    assert not expected_to_be_seen_alone(date(2023, 11, 23), date(2026, 11, 22))
    assert expected_to_be_seen_alone(date(2023, 11, 23), date(2026, 11, 23))
    # Born 29 Feb 2024: not yet on 28 Feb 2027, from 1 Mar 2027.
    assert not expected_to_be_seen_alone(date(2024, 2, 29), date(2027, 2, 28))
    assert expected_to_be_seen_alone(date(2024, 2, 29), date(2027, 3, 1))
