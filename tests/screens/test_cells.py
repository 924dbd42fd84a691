"""Countdown cells read without colour: glyph and words carry the meaning."""

from __future__ import annotations

from datetime import date

import pytest

from policies.deadlines import Citation, Deadline
from screens.cells import (
    age_text,
    countdown_cell,
    countdown_text,
    countdown_words,
    display_name,
    other_items_cell,
)


def deadline(countdown: int, unit: str = "working_days", status: str = "ok") -> Deadline:
    return Deadline(kind="visit", label="Child seen", due=date(2026, 12, 18), status=status,
                    countdown=countdown, unit=unit, rule_id="wirral.visit",
                    citation=Citation("Wirral", "2.11", "seen"), basis="because")


@pytest.mark.parametrize(
    ("countdown", "unit", "status", "shown"),
    [
        (-3, "working_days", "overdue", "✖ 3 wd late"),
        (2, "working_days", "due_soon", "▲ 2 wd"),
        (0, "days", "due_soon", "▲ today"),
        (12, "working_days", "ok", "✔ 12 wd"),
        (14, "days", "ok", "✔ 14 d"),
        (-1, "weeks", "overdue", "✖ 1 w late"),
        (3, "months", "ok", "✔ 3 mo"),
    ],
)
def test_countdown_text_has_glyph_number_and_unit(countdown, unit, status, shown):
    assert countdown_text(deadline(countdown, unit, status)) == shown


def test_nothing_due_is_a_dim_dot_and_dash():
    cell = countdown_cell(None)
    assert cell.plain == "· —"
    assert "dim" in str(cell.style)


def test_colour_follows_status_so_red_is_late_and_green_in_time():
    assert "#ff5f5f" in str(countdown_cell(deadline(-3, status="overdue")).style)
    assert "#ffaf00" in str(countdown_cell(deadline(2, status="due_soon")).style)
    assert "#5fd75f" in str(countdown_cell(deadline(9, status="ok")).style)


def test_countdown_in_words_for_the_case_screen():
    assert countdown_words(deadline(-1, status="overdue")) == "1 working day late"
    assert countdown_words(deadline(-4, "days", "overdue")) == "4 days late"
    assert countdown_words(deadline(0, status="due_soon")) == "due today"
    assert countdown_words(deadline(2, "months")) == "2 months left"


def test_other_items_cell_counts_the_worst_status():
    assert other_items_cell("overdue", 2).plain == "✖ 2"
    assert other_items_cell(None, 0).plain == "· —"


@pytest.mark.parametrize(
    ("dob", "shown"),
    [
        (date(2017, 3, 4), "9 y"),     # 9th birthday was 4 Mar 2026
        (date(2016, 11, 24), "9 y"),   # 10 tomorrow
        (date(2016, 11, 23), "10 y"),  # 10 today
        (date(2025, 5, 23), "18 mo"),  # 23 May 2025 -> 23 Nov 2026 is 18 months
        (date(2026, 11, 1), "0 mo"),
        (date(2027, 1, 5), "unborn"),
        (None, "—"),
    ],
)
def test_age_from_date_of_birth_and_today(dob, shown):
    assert age_text(dob, date(2026, 11, 23)) == shown


def test_a_child_born_on_29_february_has_a_birthday_on_1_march_in_other_years():
    # Born 29 Feb 2024: 2 y on Sun 28 Feb 2027 (no 29 Feb in 2027), 3 y from Mon 1 Mar 2027,
    # as the visit form's check and the team view count it (policies.ages).
    assert age_text(date(2024, 2, 29), date(2027, 2, 28)) == "2 y"
    assert age_text(date(2024, 2, 29), date(2027, 3, 1)) == "3 y"
    # 23 months old the day before the second birthday: still shown in months.
    assert age_text(date(2024, 11, 23), date(2026, 11, 22)) == "23 mo"


def test_privacy_mode_shows_initials_only():
    assert display_name("Amira Hassan", True) == "A. H."
    assert display_name("Mary-Jane Watson", True) == "M. J. W."
    assert display_name("Amira Hassan", False) == "Amira Hassan"
