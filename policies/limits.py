"""The limits that keep every date and every count within sense.

Two kinds of limit live here:

- limits on what a person may record (checked by `models.validation` for imports and forms,
  documented in docs/formats.md "Date limits"), and on what a policy pack may say (checked by
  `policies.packs.loader`, documented in docs/policies.md "Limits");
- the span of dates the deadline engine counts within. It is wider than anything the
  validation accepts, so it only ever stops data that was never validated (stored by an older
  version, or written into the database by another program): such a case is flagged with the
  reason instead of its deadlines, and every other case is worked out as usual.

Every date here is an absolute date or a distance from a date; "today" is always passed in.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from policies.dates import format_date

# Part III of the Children Act 1989 (section 17, "children in need") came into force on
# 14 October 1991: no Child in Need case, visit or meeting can be dated before it.
EARLIEST_EVENT = date(1991, 10, 14)

# A child in need is a child under 18 (Children Act 1989 s.105). A case is refused when the
# child would have been 19 or older when it was allocated: the year of margin lets a case
# allocated (or re-allocated) around the 18th birthday through; anything older is a mistyped
# year. So no date of birth can be before 15 Oct 1972 (19 years before EARLIEST_EVENT).
MAX_AGE_AT_ALLOCATION = 18
EARLIEST_DOB = (EARLIEST_EVENT - relativedelta(years=MAX_AGE_AT_ALLOCATION + 1)
                + relativedelta(days=1))

# The plan of a case starts on or after its allocation. Its assessment may be finished up to
# this many months before: an assessment team can complete it and hand the case over, which is
# then allocated (Leicestershire: "FRCD will complete the C&F assessment", then Family Help
# allocates the plan; Trafford: transfer from MARAT to the Area Family Support Team). Three
# months covers such a handover (FRCD's 10-day summary, a first meeting within 10 days,
# Trafford's 35 working days) with room to spare; anything earlier is a mistyped date.
ASSESSMENT_BEFORE_ALLOCATION_MONTHS = 3

# Pre-birth work: a case may open, and visits and meetings happen, while the mother is
# pregnant (Camden's threshold document: "pregnant women whose lifestyle may be affecting the
# development of the unborn child"; Wirral 2.3 invites "the midwife (if unborn)" to the planning
# meeting). A pregnancy lasts at most about 42 weeks from the last period, so conception is at
# most ~40 weeks before birth: nothing about a child can happen earlier than PRE_BIRTH_WEEKS
# before the birth.
PRE_BIRTH_WEEKS = 40

# A meeting (or an oversight action) may be booked at most this far after today.
BOOKING_HORIZON_YEARS = 2

# No date anywhere after this: it keeps "today + 2 years" and every deadline far below the
# largest date Python can hold (31 Dec 9999), whatever date is given as today.
LATEST_DATE = date(2199, 12, 31)

# The span the deadline engine counts within (see the module docstring).
ENGINE_FIRST = date(1900, 1, 1)
ENGINE_LAST = LATEST_DATE

# Pack counts: at most two years in each unit. The longest timescale in the shipped packs is
# 12 months (Rochdale's yearly assessment, Camden's 12-month IRO oversight); twice that leaves
# room for any authority's own rule while keeping every deadline within sense.
MAX_COUNT: dict[str, int] = {
    "working_days": 520,   # 52 weeks x 5 days x 2
    "days": 730,
    "weeks": 104,
    "months": 24,
    "hours": 17520,        # 730 days x 24
}
# `nth` (which meeting) and `chaired_by.meeting`: a plan reviewed 4-weekly for 2 years has 26.
MAX_MEETING_NUMBER = 100


class CaseDataError(ValueError):
    """A case's recorded data cannot be used to work out its deadlines (the message says
    which data and why). The caseload shows the case flagged with it."""


class DateOutOfRange(CaseDataError):
    """A date, or a date worked out from one, is outside the span cin can count within."""


def engine_span_text() -> str:
    return f"{format_date(ENGINE_FIRST)} to {format_date(ENGINE_LAST)}"


def check_in_engine_span(what: str, value: date) -> None:
    """Raise DateOutOfRange naming `what` when `value` is outside the engine's span."""
    if not ENGINE_FIRST <= value <= ENGINE_LAST:
        raise DateOutOfRange(
            f"the {what} ({format_date(value)}) is outside the dates deadlines can be worked "
            f"out for ({engine_span_text()})"
        )


@lru_cache(maxsize=64)  # one `today` per import, asked for every meeting of it
def booking_horizon(today: date) -> date:
    """The latest date a meeting may be booked for, seen from `today` (never past LATEST_DATE)."""
    if today >= LATEST_DATE - relativedelta(years=BOOKING_HORIZON_YEARS):
        return LATEST_DATE
    return today + relativedelta(years=BOOKING_HORIZON_YEARS)


def earliest_before_birth(dob: date) -> date:
    """The earliest date anything about a child born on `dob` can be dated (pre-birth work)."""
    if dob.toordinal() <= 7 * PRE_BIRTH_WEEKS:
        return date.min
    return date.fromordinal(dob.toordinal() - 7 * PRE_BIRTH_WEEKS)
