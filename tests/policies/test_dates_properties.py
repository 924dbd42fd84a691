"""parse_date reads back every form it accepts, and refuses anything else only with
DateParseError."""

from __future__ import annotations

import contextlib
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from policies.dates import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    DateParseError,
    format_date,
    format_frequency,
    format_iso,
    parse_date,
    parse_frequency,
)
from policies.facts import Frequency

FORMS = {
    "format_date": format_date,
    "format_iso": format_iso,
    "DD/MM/YYYY": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}",
    "D/M/YYYY": lambda d: f"{d.day}/{d.month}/{d.year:04d}",
    "DD-MM-YYYY": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year:04d}",
    "DD.MM.YYYY": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year:04d}",
    "D Mon YYYY": lambda d: f"{d.day} {MONTH_ABBREVIATIONS[d.month - 1]} {d.year:04d}",
    "D Month YYYY": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year:04d}",
    "D MONTH YYYY": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1].upper()} {d.year:04d}",
    "DD mon YYYY": lambda d: f"{d.day:02d} {MONTH_ABBREVIATIONS[d.month - 1].lower()} {d.year:04d}",
}
whitespace = st.sampled_from(["", " ", "  ", "\t", "\n"])


@given(st.dates(), st.sampled_from(sorted(FORMS)), whitespace, whitespace)
def test_every_form_round_trips(d, form, before, after):
    assert parse_date(before + FORMS[form](d) + after) == d


def _only_date_parse_error(text: str) -> None:
    try:
        result = parse_date(text)
    except DateParseError as error:
        assert str(error)
    else:
        assert isinstance(result, date)


@given(st.text())
def test_garbage_only_ever_raises_date_parse_error(text):
    _only_date_parse_error(text)


# Near-misses reach the deeper checks (day, month and year ranges, month names).
@given(st.from_regex(r"\s*[0-9]{1,5}[/.\- ]{1,2}[0-9A-Za-z]{1,9}[/.\- ]{1,2}[0-9]{1,6}\s*",
                     fullmatch=True))
def test_near_miss_dates_only_ever_raise_date_parse_error(text):
    _only_date_parse_error(text)


@given(st.builds(Frequency, st.integers(min_value=1, max_value=999),
                 st.sampled_from(["working_days", "days", "weeks", "months"])))
def test_frequencies_round_trip(frequency):
    assert parse_frequency(format_frequency(frequency)) == frequency


@given(st.text())
def test_frequency_garbage_only_ever_raises_date_parse_error(text):
    with contextlib.suppress(DateParseError):
        parse_frequency(text)
