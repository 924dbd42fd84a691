"""Reading and writing dates and visiting frequencies the way UK users write them.

Dates are day first (03/04/2026 is 3 April) and never guessed month-first. Every error says what
was wrong and what would be accepted.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from policies.facts import Frequency

ACCEPTED = "Use DD/MM/YYYY or YYYY-MM-DD"

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTH_ABBREVIATIONS, 1)}
_MONTH_NUMBERS.update(
    {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
)
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
    if match := _ISO.fullmatch(cleaned):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(cleaned):
        day, _, month, year = match.groups()
    elif match := _DAY_MONTH_NAME.fullmatch(cleaned):
        day, month_name, year = match.groups()
        month = _MONTH_NUMBERS.get(month_name.lower())
        if month is None:
            raise DateParseError(
                f'"{cleaned}": "{month_name}" is not a month name. '
                "Write the month as e.g. Apr or April (3 Apr 2026), or use DD/MM/YYYY or YYYY-MM-DD."
            )
    else:
        raise DateParseError(
            f'"{cleaned}" is not a date. {ACCEPTED}, e.g. 03/04/2026 or 2026-04-03.'
        )
    return _checked_date(cleaned, int(year), int(month), int(day), year_digits=len(year))


def _checked_date(text: str, year: int, month: int, day: int, *, year_digits: int) -> date:
    if year_digits != 4:
        raise DateParseError(
            f'"{text}": the year must have four digits (e.g. 2026), '
            f"so it cannot be misread. {ACCEPTED}."
        )
    if year == 0:
        raise DateParseError(f'"{text}": there is no year 0000. {ACCEPTED}.')
    if not 1 <= month <= 12:
        raise DateParseError(
            f'"{text}": there is no month {month} (dates are day first: DD/MM/YYYY)'
        )
    if day == 0:
        raise DateParseError(f'"{text}": there is no day 0. {ACCEPTED}.')
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        month_name = calendar.month_name[month]
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

_FREQUENCY_UNITS = {
    "wd": "working_days", "working day": "working_days", "working days": "working_days",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "month": "months", "months": "months",
}
_FREQUENCY_SHORT = {"working_days": "wd", "days": "d", "weeks": "w", "months": "m"}
_FREQUENCY = re.compile(r"(\d+) *([a-z][a-z -]*)", re.ASCII)
_FREQUENCY_ACCEPTED = "Write e.g. 10wd (working days), 28d (days), 4w (weeks) or 1m (months)"
MAX_FREQUENCY_COUNT = 999


def parse_frequency(text: str) -> Frequency:
    """Read a per-case visiting frequency such as "10wd", "4 weeks" or "20 working days"."""
    if not isinstance(text, str):
        raise DateParseError(f"expected a frequency as text, got {text!r}. {_FREQUENCY_ACCEPTED}.")
    cleaned = " ".join(text.strip().lower().replace("-", " ").split())
    match = _FREQUENCY.fullmatch(cleaned)
    if not match:
        raise DateParseError(
            f'"{text.strip()}" is not a visiting frequency. {_FREQUENCY_ACCEPTED}.'
        )
    count, unit_text = int(match.group(1)), match.group(2).strip()
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
