"""A child's age, and from what age a child is expected to be seen alone: defined once here for
the caseload's Age column, the visit form's checks and the supervision measures.

A month of age is complete on the day of the month the child was born; a child born on a day a
month does not have (the 29th to the 31st) completes it on the 1st of the next month. So a
child born on 29 Feb has a birthday on 1 Mar in a year without a 29 Feb: born 29 Feb 2024, they
are 2 on 28 Feb 2027 and 3 on 1 Mar 2027.
"""

from __future__ import annotations

from datetime import date

# Rochdale s.6: "The reason for any child over the age of three not seen or spoken to alone
# will be recorded." Read as: from the third birthday on (the stricter reading).
SEEN_ALONE_FROM_AGE = 3


def age_in_months(dob: date, on: date) -> int:
    """Whole months of age on `on` (negative before birth)."""
    months = (on.year - dob.year) * 12 + (on.month - dob.month)
    if on.day < dob.day:
        months -= 1
    return months


def age_in_years(dob: date, on: date) -> int:
    """Whole years of age on `on` (negative before birth)."""
    return age_in_months(dob, on) // 12


def expected_to_be_seen_alone(dob: date, on: date) -> bool:
    """Whether a child born on `dob` is old enough on `on` to be expected to be seen alone
    (`SEEN_ALONE_FROM_AGE` or older): when they are not, the reason is recorded."""
    return age_in_years(dob, on) >= SEEN_ALONE_FROM_AGE
