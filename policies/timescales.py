"""Timescale arithmetic: "N units after (or before) a date", countdowns, and the words for both.

Working days come from the calendar; days and weeks are plain calendar arithmetic; months use
relativedelta (31 Jan + 1 month = 28 Feb). Hours count as whole days (72 hours = 3 days): the
facts hold dates, not times, so a 72-hour deadline falls on the third day after the event.
A calendar-day deadline that lands on a weekend or bank holiday does not move.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from policies.calendar import WorkingDays
from policies.dates import format_date
from policies.limits import ENGINE_FIRST, ENGINE_LAST, DateOutOfRange, engine_span_text

_SINGULAR = {"working_days": "working day", "days": "day", "weeks": "week", "months": "month",
             "hours": "hour"}
_PLURAL = {"working_days": "working days", "days": "days", "weeks": "weeks", "months": "months",
           "hours": "hours"}


# Roughly how many calendar days one unit spans at most, to refuse a shift far outside the
# engine's span before counting it (a working-day count would otherwise load holidays for it).
_DAYS_PER_UNIT = {"working_days": 2, "days": 1, "hours": 1, "weeks": 7, "months": 31}


def shift(d: date, count: int, unit: str, calendar: WorkingDays, *, before: bool = False) -> date:
    """The date `count` `unit` after d (or before it). DateOutOfRange when d or the result is
    outside the engine's span (policies.limits), never OverflowError."""
    if unit not in _DAYS_PER_UNIT:
        raise ValueError(f"unknown unit {unit!r}")
    reach = abs(count) * _DAYS_PER_UNIT[unit]
    if not (ENGINE_FIRST <= d <= ENGINE_LAST) or reach > (ENGINE_LAST - ENGINE_FIRST).days:
        raise DateOutOfRange(_shift_words(d, count, unit, before))
    try:
        result = _shift(d, count, unit, calendar, before=before)
    except (OverflowError, ValueError):
        raise DateOutOfRange(_shift_words(d, count, unit, before)) from None
    if not ENGINE_FIRST <= result <= ENGINE_LAST:
        raise DateOutOfRange(_shift_words(d, count, unit, before))
    return result


def _shift_words(d: date, count: int, unit: str, before: bool) -> str:
    return (f"{amount(count, unit)} {'before' if before else 'after'} {format_date(d)} is "
            f"outside the dates deadlines can be worked out for ({engine_span_text()})")


def _shift(d: date, count: int, unit: str, calendar: WorkingDays, *, before: bool) -> date:
    sign = -1 if before else 1
    if unit == "working_days":
        return calendar.add_working_days(d, sign * count)
    if unit == "days":
        return d + timedelta(days=sign * count)
    if unit == "hours":
        return d + timedelta(days=sign * (count // 24))
    if unit == "weeks":
        return d + timedelta(weeks=sign * count)
    if unit == "months":
        return add_months(d, sign * count)
    raise ValueError(f"unknown unit {unit!r}")


@lru_cache(maxsize=1 << 16)
def add_months(d: date, months: int) -> date:
    """d + months by relativedelta (31 Jan + 1 month = 28 Feb), cached: a caseload asks for the
    same few hundred dates again and again, and relativedelta is the engine's slowest step."""
    return d + relativedelta(months=months)


def countdown_unit(unit: str) -> str:
    """The unit a countdown is shown in: working days for working-day rules, else calendar days.

    Rules in weeks, months or hours still fall due on a calendar date; counting down to it in
    whole weeks or months would have to round ("1 month left" four days before the date), so a
    worker reads the exact number of days instead.
    """
    return "working_days" if unit == "working_days" else "days"


def countdown(today: date, due: date, unit: str, calendar: WorkingDays) -> int:
    """How many working days or days from today to due: 0 on the due date, negative once late."""
    if countdown_unit(unit) == "working_days":
        return calendar.working_days_between(today, due)
    return (due - today).days


def amount(count: int, unit: str) -> str:
    """"1 working day", "20 working days", "72 hours"."""
    return f"{count} {_SINGULAR[unit] if count == 1 else _PLURAL[unit]}"
