"""Reading dates and visiting frequencies as UK users type them."""

from __future__ import annotations

from datetime import date

import pytest

from policies.dates import (
    DateParseError,
    format_date,
    format_frequency,
    format_iso,
    parse_date,
    parse_frequency,
)
from policies.facts import Frequency


# 3 April 2026, in every form a user may type it.
@pytest.mark.parametrize("text", [
    "2026-04-03",
    "03/04/2026",
    "3/4/2026",
    "03-04-2026",
    "03.04.2026",
    "3 Apr 2026",
    "3 April 2026",
    "3 APRIL 2026",
    "03 apr 2026",
    "  03/04/2026 \n",
])
def test_every_accepted_form_reads_as_3_april(text):
    assert parse_date(text) == date(2026, 4, 3)


def test_day_first_is_never_read_month_first():
    # 04/03/2026 is 4 March to a UK reader, not 3 April.
    assert parse_date("04/03/2026") == date(2026, 3, 4)


def test_a_date_that_does_not_exist_says_why_and_what_is_accepted():
    with pytest.raises(DateParseError) as raised:
        parse_date("31/02/2026")
    assert str(raised.value) == (
        '"31/02/2026" is not a real date: February 2026 has 28 days. '
        "Use DD/MM/YYYY or YYYY-MM-DD."
    )


def test_a_month_first_date_is_refused_with_a_day_first_hint():
    with pytest.raises(DateParseError) as raised:
        parse_date("02/13/2026")
    assert str(raised.value) == (
        '"02/13/2026": there is no month 13 (dates are day first: DD/MM/YYYY)'
    )


def test_29_february_only_in_a_leap_year():
    assert parse_date("29/02/2028") == date(2028, 2, 29)
    with pytest.raises(DateParseError, match="February 2027 has 28 days"):
        parse_date("29/02/2027")


@pytest.mark.parametrize("text, complaint", [
    ("03/04/26", "four digits"),            # 26 could be 1926 or 2026
    ("3 Apr 26", "four digits"),
    ("", "no date given"),
    ("   ", "no date given"),
    ("tomorrow", "is not a date"),
    ("3 Foo 2026", '"Foo" is not a month name'),
    ("00/04/2026", "there is no day 0"),
    ("03/00/2026", "there is no month 0"),
    ("2026-13-01", "there is no month 13"),
    ("03/04-2026", "is not a date"),        # mixed separators
    ("0000-01-01", "there is no year 0000"),
])
def test_unreadable_dates_are_refused_with_a_reason(text, complaint):
    with pytest.raises(DateParseError, match=complaint) as raised:
        parse_date(text)
    assert "DD/MM/YYYY" in str(raised.value) or "Apr" in str(raised.value)


def test_date_parse_error_is_a_value_error():
    assert issubclass(DateParseError, ValueError)


def test_formatting():
    assert format_date(date(2026, 12, 18)) == "18 Dec 2026"
    assert format_date(date(2027, 3, 5)) == "5 Mar 2027"
    assert format_iso(date(2027, 3, 5)) == "2027-03-05"


@pytest.mark.parametrize("text, expected", [
    ("10wd", Frequency(10, "working_days")),
    ("10 WD", Frequency(10, "working_days")),
    ("20 working days", Frequency(20, "working_days")),
    ("20 working-days", Frequency(20, "working_days")),
    ("4w", Frequency(4, "weeks")),
    ("6 weeks", Frequency(6, "weeks")),
    ("1 week", Frequency(1, "weeks")),
    ("28d", Frequency(28, "days")),
    ("28 days", Frequency(28, "days")),
    ("1m", Frequency(1, "months")),
    ("3 months", Frequency(3, "months")),
    (" 2 Months ", Frequency(2, "months")),
])
def test_visiting_frequencies(text, expected):
    assert parse_frequency(text) == expected


@pytest.mark.parametrize("frequency, text", [
    (Frequency(10, "working_days"), "10wd"),
    (Frequency(28, "days"), "28d"),
    (Frequency(4, "weeks"), "4w"),
    (Frequency(1, "months"), "1m"),
])
def test_format_frequency_is_the_short_form(frequency, text):
    assert format_frequency(frequency) == text


@pytest.mark.parametrize("text, complaint", [
    ("", "is not a visiting frequency"),
    ("weekly", "is not a visiting frequency"),
    ("10", "is not a visiting frequency"),
    ("10 fortnights", '"fortnights" is not a unit'),
    ("0w", "from 1 to 999"),
    ("-2w", "is not a visiting frequency"),
])
def test_bad_frequencies_say_what_is_accepted(text, complaint):
    with pytest.raises(DateParseError, match=complaint) as raised:
        parse_frequency(text)
    assert "10wd" in str(raised.value)
