"""The working-day calendar: Monday to Friday minus England & Wales bank holidays and local days.

Counting is ordinal arithmetic, not a day-by-day walk. Ordinals are `date.toordinal()` values;
ordinal 1 (1 Jan 0001) is a Monday, so the number of weekdays up to ordinal `o` is a matter of
whole weeks plus the days of the last part-week. Every non-working weekday (bank holiday, extra
bank holiday, closure day) sits in one sorted list, and a bisection on it turns "weekdays up to
o" into "working days up to o" and back. Bank holidays are loaded for a span of years and the span
grows by itself when a date outside it is asked about, so any date gives the right answer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from policies.dates import DateParseError, parse_date
from policies.limits import DateOutOfRange

CLOSURE_DAYS_FILE = "closure-days.txt"
EXTRA_BANK_HOLIDAYS_FILE = "extra-bank-holidays.txt"

_LAST_ORDINAL = date.max.toordinal()


class CalendarFileError(ValueError):
    """A line of closure-days.txt or extra-bank-holidays.txt could not be read."""


def _weekdays_through(ordinal: int) -> int:
    """How many Mondays to Fridays there are from 1 Jan 0001 up to and including `ordinal`."""
    weeks, days_into_week = divmod(ordinal - 1, 7)
    return 5 * weeks + min(days_into_week, 4) + 1


def _named_days(days: Iterable[date] | Mapping[date, str], default_name: str) -> dict[date, str]:
    if isinstance(days, Mapping):
        return {day: name or default_name for day, name in days.items()}
    return {day: default_name for day in days}


class OutsideKnownDays(LookupError):
    """A `WorkingDays` was asked about a date outside the span whose days off it knows."""


class WorkingDays:
    """Working-day arithmetic over a span of ordinals whose non-working weekdays are known:
    every working-day count and shift in cin, whether the days off come from the holidays
    package (`WorkingCalendar`, which loads more years when asked) or from the table stored
    with the deadlines (models/stored_deadlines.py, which raises `OutsideKnownDays` instead,
    so the caller works everything out afresh)."""

    def __init__(self, non_working: Sequence[int], first_ordinal: int, last_ordinal: int) -> None:
        self._set_days_off(non_working, first_ordinal, last_ordinal)

    def _set_days_off(self, non_working: Sequence[int], first_ordinal: int,
                      last_ordinal: int) -> None:
        """`non_working`: the sorted ordinals of the Monday-to-Friday days off, at least all
        of those from `first_ordinal` to `last_ordinal`."""
        self._first_ordinal, self._last_ordinal = first_ordinal, last_ordinal
        self._non_working = list(non_working)
        self._non_working_set = frozenset(self._non_working)
        # For the i-th non-working weekday (0-based), the number of working days before it plus
        # one: the k-th working day comes after exactly the holidays whose value is <= k.
        self._working_rank_after = [
            _weekdays_through(ordinal) - index for index, ordinal in enumerate(self._non_working)
        ]

    def _cover(self, *ordinals: int) -> None:
        """Make sure the days off are known for these ordinals."""
        if self._first_ordinal <= min(ordinals) and max(ordinals) <= self._last_ordinal:
            return
        raise OutsideKnownDays("that date is outside the span whose days off are known")

    def covers(self, d: date) -> bool:
        """Whether `d` is within the span whose days off are known without loading more."""
        return self._first_ordinal <= d.toordinal() <= self._last_ordinal

    def _working_days_through(self, ordinal: int) -> int:
        """Working days from 1 Jan 0001 up to and including `ordinal` (for the known years)."""
        return _weekdays_through(ordinal) - bisect_right(self._non_working, ordinal)

    def _kth_working_day(self, k: int) -> int:
        """The ordinal of the k-th working day counted from 1 Jan 0001 (k >= 1)."""
        if k < 1:
            raise DateOutOfRange(
                "that date is outside the years this calendar can count (1 to 9999)")
        weekday_number = k + bisect_right(self._working_rank_after, k)
        weeks, day_of_week = divmod(weekday_number - 1, 5)
        return 7 * weeks + day_of_week + 1

    def non_working_weekdays(self, first_year: int, last_year: int) -> list[int]:
        """The ordinals of every Monday-to-Friday day off from `first_year` to `last_year`:
        together with the weekends, everything that decides a working-day count there."""
        first, last = date(first_year, 1, 1).toordinal(), date(last_year, 12, 31).toordinal()
        self._cover(first, last)
        return [o for o in self._non_working if first <= o <= last]

    def is_working_day(self, d: date) -> bool:
        ordinal = d.toordinal()
        self._cover(ordinal)
        return d.weekday() < 5 and ordinal not in self._non_working_set

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (d is day 0, even at a weekend); n < 0 counts back."""
        if n == 0:
            return d
        start = d.toordinal()
        while True:
            if n > 0:
                target = self._working_days_through(start) + n
            else:
                # The 1st working day before d is the last one strictly before it.
                target = self._working_days_through(start - 1) + n + 1
            result = self._kth_working_day(target)
            # Right only if every holiday between start and result is known; otherwise cover
            # their years and count again (more holidays only move the result outward).
            first, last = self._first_ordinal, self._last_ordinal
            if first <= start <= last and first <= result <= last:
                return date.fromordinal(result)
            self._cover(start, result)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b] when b >= a; when b < a, minus the working days in [b, a).

        So b == add_working_days(a, n) gives exactly n, whichever way and from any day.
        """
        start, end = a.toordinal(), b.toordinal()
        self._cover(start, end)
        if end >= start:
            return self._working_days_through(end) - self._working_days_through(start)
        return self._working_days_through(end - 1) - self._working_days_through(start - 1)


class WorkingCalendar(WorkingDays):
    """Working days in England & Wales, with a council's own closure days and extra holidays.

    `extra_bank_holidays` and `closure_days` are dates, or mappings of date to a description.
    `first_year`..`last_year` is the span of bank holidays loaded up front; dates outside it
    still work (the span is extended when first needed). `.extra_bank_holidays` and
    `.closure_days` hold the user's dates as frozensets.
    """

    def __init__(
        self,
        extra_bank_holidays: Iterable[date] | Mapping[date, str] = (),
        closure_days: Iterable[date] | Mapping[date, str] = (),
        first_year: int = 1990,
        last_year: int = 2100,
    ) -> None:
        if first_year > last_year:
            raise ValueError(f"first_year {first_year} is after last_year {last_year}")
        self._extra_names = _named_days(extra_bank_holidays, "Extra bank holiday")
        self._closure_names = _named_days(closure_days, "Closure day")
        self.extra_bank_holidays = frozenset(self._extra_names)
        self.closure_days = frozenset(self._closure_names)
        self._load_years(first_year, last_year)

    def _load_years(self, first_year: int, last_year: int) -> None:
        self._first_year, self._last_year = first_year, last_year
        self._first_ordinal = date(first_year, 1, 1).toordinal()
        self._last_ordinal = date(last_year, 12, 31).toordinal()
        import holidays  # here, not at the top: read-only starts never build a calendar

        self._bank_holiday_names = dict(
            holidays.country_holidays(
                "GB", subdiv="ENG", years=range(first_year, last_year + 1)
            ).items()
        )
        # The data lists both 26 Dec 2026 (a Saturday) and 28 Dec 2026 (observed): a weekend
        # is not a working day anyway, so only the non-working weekdays matter.
        non_working = {
            day.toordinal()
            for day in (*self._bank_holiday_names, *self._extra_names, *self._closure_names)
            if day.weekday() < 5
        }
        self._set_days_off(sorted(non_working), self._first_ordinal, self._last_ordinal)

    def _cover(self, *ordinals: int) -> None:
        """Make sure bank holidays are loaded for the years of these ordinals."""
        low, high = min(ordinals), max(ordinals)
        if self._first_ordinal <= low and high <= self._last_ordinal:
            return
        if low < 1 or high > _LAST_ORDINAL:
            raise DateOutOfRange(
                "that date is outside the years this calendar can count (1 to 9999)")
        # A decade of margin so a run of nearby queries does not reload each time.
        first = min(self._first_year, max(1, date.fromordinal(low).year - 10))
        last = max(self._last_year, min(9999, date.fromordinal(high).year + 10))
        self._load_years(first, last)

    def holiday_name(self, d: date) -> str | None:
        """Why d is a day off ("Boxing Day (observed)", a closure day's description), or None."""
        self._cover(d.toordinal())
        return (
            self._bank_holiday_names.get(d)
            or self._extra_names.get(d)
            or self._closure_names.get(d)
        )


def load_calendar(settings_dir: Path | None) -> WorkingCalendar:
    """The calendar with the closure days and extra bank holidays from the settings folder."""
    if settings_dir is None:
        return WorkingCalendar()
    return WorkingCalendar(
        extra_bank_holidays=read_date_list(Path(settings_dir) / EXTRA_BANK_HOLIDAYS_FILE),
        closure_days=read_date_list(Path(settings_dir) / CLOSURE_DAYS_FILE),
    )


_DATE_LIST_FORMAT = (
    "Each line should be one date (DD/MM/YYYY, YYYY-MM-DD or 3 Apr 2026), optionally followed "
    "by a description; # starts a comment."
)


def read_date_list(path: Path) -> dict[date, str]:
    """The dates in a one-date-a-line file, each with its description; none if it is missing."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise CalendarFileError(f"{path}: cannot be read ({error}). {_DATE_LIST_FORMAT}") from None
    days: dict[date, str] = {}
    for line_number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        # "3 Apr 2026" is three words; every other accepted form is one.
        date_words = 3 if words[0].isdigit() else 1
        try:
            day = parse_date(" ".join(words[:date_words]))
        except DateParseError as error:
            raise CalendarFileError(
                f"{path}, line {line_number}: {error} {_DATE_LIST_FORMAT}"
            ) from None
        days[day] = " ".join(words[date_words:])
    return days
