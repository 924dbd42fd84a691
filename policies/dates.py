"""Reading and writing dates and visiting frequencies the way UK users write them.

Dates are day first (03/04/2026 is 3 April) and never guessed month-first. Every error says what
was wrong and what would be accepted.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from policies.facts import Frequency, FrequencyUnit

ACCEPTED = "Use DD/MM/YYYY or YYYY-MM-DD"

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
# Spelled out here rather than taken from calendar.month_name, which follows the locale.
_MONTH_NUMBERS = {
    name.lower(): number
    for names in (MONTH_ABBREVIATIONS, MONTH_NAMES)
    for number, name in enumerate(names, 1)
}
_MONTH_NUMBERS["sept"] = 9

# re.ASCII: only 0-9 count as digits, so "٣/٤/٢٠٢٦" is not quietly read as a date.
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)", re.ASCII)
_DAY_MONTH_NAME = re.compile(r"(\d{1,2}) +([a-z]+) +(\d+)", re.ASCII | re.IGNORECASE)


class DateParseError(ValueError):
    """A date or frequency the user typed could not be read; the message says why."""


def parse_date(text: str) -> date:
    """Read a date written ISO (2026-04-03) or UK day first (03/04/2026, 3 Apr 2026)."""
    if not isinstance(text, str):
        raise DateParseError(f"expected a date as text, got {text!r}. {ACCEPTED}.")
    cleaned = text.strip()
    if not cleaned:
        raise DateParseError(f"no date given. {ACCEPTED}, e.g. 03/04/2026.")
    order = "dates are day first: DD/MM/YYYY"
    if match := _ISO.fullmatch(cleaned):
        year, month, day = match.groups()
        order = "read as YYYY-MM-DD; or use DD/MM/YYYY"
    elif match := _DAY_FIRST.fullmatch(cleaned):
        day, _, month, year = match.groups()
    elif match := _DAY_MONTH_NAME.fullmatch(cleaned):
        day, month_name, year = match.groups()
        month = _MONTH_NUMBERS.get(month_name.lower())
        if month is None:
            raise DateParseError(
                f'"{cleaned}": "{month_name}" is not a month name. '
                "Write the month as e.g. Apr or April (3 Apr 2026), "
                "or use DD/MM/YYYY or YYYY-MM-DD."
            )
    else:
        raise DateParseError(
            f'"{cleaned}" is not a date. {ACCEPTED}, e.g. 03/04/2026 or 2026-04-03.'
        )
    return _real_date(cleaned, year, int(month), int(day), order)


def _real_date(text: str, year_text: str, month: int, day: int, order: str) -> date:
    if len(year_text) != 4:
        raise DateParseError(
            f'"{text}": the year must have four digits (e.g. 2026), '
            f"so it cannot be misread. {ACCEPTED}."
        )
    year = int(year_text)
    if year == 0:
        raise DateParseError(f'"{text}": there is no year 0000. {ACCEPTED}.')
    if not 1 <= month <= 12:
        raise DateParseError(f'"{text}": there is no month {month} ({order})')
    if day == 0:
        raise DateParseError(f'"{text}": there is no day 0. {ACCEPTED}.')
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        month_name = MONTH_NAMES[month - 1]
        raise DateParseError(
            f'"{text}" is not a real date: {month_name} {year} has {days_in_month} days. '
            f"{ACCEPTED}."
        )
    return date(year, month, day)


def format_date(d: date) -> str:
    """The unambiguous UK form shown to users: "18 Dec 2026"."""
    return f"{d.day} {MONTH_ABBREVIATIONS[d.month - 1]} {d.year:04d}"


def format_iso(d: date) -> str:
    """The machine form used in files and exports: "2026-12-18"."""
    return d.isoformat()


# Frequencies: a count and a unit, e.g. "10wd", "4w", "28d", "1m", "6 weeks", "20 working days".

_FREQUENCY_UNITS: dict[str, FrequencyUnit] = {
    "wd": "working_days", "working day": "working_days", "working days": "working_days",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "month": "months", "months": "months",
}
_FREQUENCY_SHORT: dict[FrequencyUnit, str] = {
    "working_days": "wd", "days": "d", "weeks": "w", "months": "m",
}
_FREQUENCY = re.compile(r"(\d+) *([a-z][a-z -]*)", re.ASCII)
_FREQUENCY_ACCEPTED = "Write e.g. 10wd (working days), 28d (days), 4w (weeks) or 1m (months)"
MAX_FREQUENCY_COUNT = 999


def parse_frequency(text: str) -> Frequency:
    """Read a per-case visiting frequency such as "10wd", "4 weeks" or "20 working days"."""
    if not isinstance(text, str):
        raise DateParseError(f"expected a frequency as text, got {text!r}. {_FREQUENCY_ACCEPTED}.")
    cleaned = " ".join(text.lower().split())
    match = _FREQUENCY.fullmatch(cleaned)
    if not match:
        raise DateParseError(
            f'"{text.strip()}" is not a visiting frequency. {_FREQUENCY_ACCEPTED}.'
        )
    count = int(match.group(1))
    unit_text = " ".join(match.group(2).replace("-", " ").split())  # "working-days" too
    unit = _FREQUENCY_UNITS.get(unit_text)
    if unit is None:
        raise DateParseError(
            f'"{text.strip()}": "{unit_text}" is not a unit. {_FREQUENCY_ACCEPTED}.'
        )
    if not 1 <= count <= MAX_FREQUENCY_COUNT:
        raise DateParseError(
            f'"{text.strip()}": the number must be from 1 to {MAX_FREQUENCY_COUNT}. '
            f"{_FREQUENCY_ACCEPTED}."
        )
    return Frequency(count=count, unit=unit)


def format_frequency(frequency: Frequency) -> str:
    """The short form parse_frequency reads back: Frequency(10, "working_days") -> "10wd"."""
    return f"{frequency.count}{_FREQUENCY_SHORT[frequency.unit]}"
