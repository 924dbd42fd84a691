"""The working-day calendar on dates worked out by hand.

Reference weeks (checked against a printed calendar):
  Dec 2026: Fri 18, Mon 21, Thu 24, Fri 25 (Christmas), Sat 26 (Boxing Day), Sun 27,
            Mon 28 (Boxing Day substitute), Tue 29, Wed 30, Thu 31.
  Jan 2027: Fri 1 (New Year), Sat 2, Sun 3, Mon 4, Mon 11, Mon 18, Wed 20, Mon 25.
  Mar 2027: Mon 22, Thu 25, Fri 26 (Good Friday), Mon 29 (Easter Monday); Apr 2027: Fri 2, Mon 5.
  Aug 2026: Fri 28, Mon 31 (summer bank holiday); Tue 1 Sep.
"""

from __future__ import annotations

from datetime import date

import pytest

from policies.calendar import CalendarFileError, WorkingCalendar, load_calendar


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


# --- Which days are working days -------------------------------------------------------------

@pytest.mark.parametrize("day", [
    date(2026, 12, 25),  # Christmas Day, Fri
    date(2026, 12, 26),  # Boxing Day, Sat (a weekend anyway)
    date(2026, 12, 28),  # Mon, substitute for Boxing Day on the Saturday
    date(2027, 1, 1),    # New Year's Day, Fri
    date(2027, 3, 26),   # Good Friday 2027
    date(2027, 3, 29),   # Easter Monday 2027
    date(2026, 8, 31),   # summer bank holiday 2026, last Monday in August
    date(2026, 12, 19),  # an ordinary Saturday
    date(2026, 12, 20),  # an ordinary Sunday
])
def test_bank_holidays_and_weekends_are_not_working_days(calendar, day):
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize("day", [
    date(2026, 12, 24),  # Christmas Eve, Thu: not a bank holiday
    date(2026, 12, 29),  # Tue between Christmas and New Year
    date(2026, 12, 31),  # New Year's Eve, Thu
    date(2027, 1, 4),    # first Monday of 2027
    date(2027, 3, 25),   # Thu before Good Friday (Maundy Thursday is not a holiday)
    date(2027, 3, 30),   # Tue after Easter Monday
])
def test_ordinary_weekdays_are_working_days(calendar, day):
    assert calendar.is_working_day(day)


def test_holiday_names_explain_days_off(calendar):
    assert calendar.holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert calendar.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert calendar.holiday_name(date(2027, 3, 29)) == "Easter Monday"
    assert calendar.holiday_name(date(2026, 12, 29)) is None  # an ordinary Tuesday
    assert calendar.holiday_name(date(2026, 12, 19)) is None  # an ordinary Saturday


# --- Adding working days ---------------------------------------------------------------------

@pytest.mark.parametrize("start, n, expected", [
    # Fri 18 Dec 2026 +20: Dec 21-24 (4), skip 25 Fri, 26-27, 28 Mon; Dec 29-31 (7), skip 1 Jan;
    # Jan 4-8 (12), Jan 11-15 (17), Mon 18 (18), Tue 19 (19), Wed 20 (20).
    (date(2026, 12, 18), 20, date(2027, 1, 20)),
    # Thu 24 Dec +1: 25 Fri holiday, 26-27 weekend, 28 Mon substitute holiday -> Tue 29 Dec.
    (date(2026, 12, 24), 1, date(2026, 12, 29)),
    # Thu 31 Dec +1: 1 Jan Fri holiday, 2-3 weekend -> Mon 4 Jan 2027.
    (date(2026, 12, 31), 1, date(2027, 1, 4)),
    # Thu 25 Mar 2027 +1: Good Friday 26, weekend 27-28, Easter Monday 29 -> Tue 30 Mar.
    (date(2027, 3, 25), 1, date(2027, 3, 30)),
    # Mon 22 Mar 2027 +10: 23, 24, 25 (3); skip 26-29; 30, 31 Mar, 1, 2 Apr (7); 5, 6, 7 Apr (10).
    (date(2027, 3, 22), 10, date(2027, 4, 7)),
    # Fri 28 Aug 2026 +1: weekend 29-30, Mon 31 Aug summer bank holiday -> Tue 1 Sep.
    (date(2026, 8, 28), 1, date(2026, 9, 1)),
    # Fri 27 Aug 2027 +1: weekend, Mon 30 Aug 2027 summer bank holiday -> Tue 31 Aug.
    (date(2027, 8, 27), 1, date(2027, 8, 31)),
])
def test_add_working_days_skips_weekends_and_bank_holidays(calendar, start, n, expected):
    assert calendar.add_working_days(start, n) == expected


@pytest.mark.parametrize("start, n, expected", [
    # Sat 19 Dec 2026 is day 0: the 1st working day after it is Mon 21 Dec.
    (date(2026, 12, 19), 1, date(2026, 12, 21)),
    # Sun 20 Dec is day 0: Mon 21, Tue 22, Wed 23, Thu 24 (4), skip 25-28 -> Tue 29 Dec is 5th.
    (date(2026, 12, 20), 5, date(2026, 12, 29)),
    # Sat 26 Dec (itself Boxing Day) is day 0: skip Sun 27, Mon 28 -> Tue 29 Dec.
    (date(2026, 12, 26), 1, date(2026, 12, 29)),
    # Zero working days after a weekend day is that day itself.
    (date(2026, 12, 26), 0, date(2026, 12, 26)),
])
def test_a_weekend_or_holiday_start_is_day_zero(calendar, start, n, expected):
    assert calendar.add_working_days(start, n) == expected


@pytest.mark.parametrize("start, n, expected", [
    # "10 WD before" Mon 11 Jan 2027: Fri 8, Thu 7, Wed 6, Tue 5, Mon 4 Jan (5); skip 3, 2, 1 Jan;
    # Thu 31, Wed 30, Tue 29 Dec (8); skip 28, 27, 26, 25 Dec; Thu 24 (9), Wed 23 Dec (10).
    (date(2027, 1, 11), -10, date(2026, 12, 23)),
    # 1 WD before Tue 29 Dec: skip Mon 28, Sun 27, Sat 26, Fri 25 -> Thu 24 Dec.
    (date(2026, 12, 29), -1, date(2026, 12, 24)),
    # 1 WD before Sat 2 Jan 2027: skip Fri 1 Jan -> Thu 31 Dec.
    (date(2027, 1, 2), -1, date(2026, 12, 31)),
    # 2 WD before Tue 30 Mar 2027: skip Easter Mon 29, weekend, Good Fri 26 -> Thu 25 (1),
    # Wed 24 (2).
    (date(2027, 3, 30), -2, date(2027, 3, 24)),
])
def test_negative_offsets_count_back(calendar, start, n, expected):
    assert calendar.add_working_days(start, n) == expected


# --- Counting working days between two dates -------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    # Worked above: Fri 18 Dec 2026 +20 WD is Wed 20 Jan 2027.
    (date(2026, 12, 18), date(2027, 1, 20), 20),
    (date(2027, 1, 20), date(2026, 12, 18), -20),
    # (Thu 24, Tue 29 Dec]: 25-28 are all days off, so only Tue 29 counts.
    (date(2026, 12, 24), date(2026, 12, 29), 1),
    # (Fri 25, Mon 28 Dec]: Sat, Sun, Mon substitute holiday: none count.
    (date(2026, 12, 25), date(2026, 12, 28), 0),
    # Same day.
    (date(2026, 12, 29), date(2026, 12, 29), 0),
    # Due Thu 31 Dec, looked at on Sat 2 Jan: [31 Dec, 2 Jan) holds Thu 31 only (1 Jan is off),
    # so the deadline is one working day late, not "due today".
    (date(2027, 1, 2), date(2026, 12, 31), -1),
])
def test_working_days_between(calendar, a, b, expected):
    assert calendar.working_days_between(a, b) == expected


# --- Closure days and extra bank holidays ----------------------------------------------------

def test_closure_days_are_skipped():
    # A council shutting down Tue 29 to Thu 31 Dec 2026.
    shutdown = [date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
    calendar = WorkingCalendar(closure_days=shutdown)
    # Thu 24 Dec +1: 25-28 off as before, 29-31 closed, 1 Jan holiday, 2-3 weekend -> Mon 4 Jan.
    assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 4)
    # Fri 18 Dec +20: Dec 21-24 (4); nothing until Jan 4-8 (9), 11-15 (14), 18-22 (19), Mon 25 (20).
    assert calendar.add_working_days(date(2026, 12, 18), 20) == date(2027, 1, 25)
    assert calendar.working_days_between(date(2026, 12, 18), date(2027, 1, 25)) == 20
    assert not calendar.is_working_day(date(2026, 12, 30))
    assert calendar.holiday_name(date(2026, 12, 30)) == "Closure day"


def test_a_closure_day_at_a_weekend_changes_nothing():
    calendar = WorkingCalendar(closure_days=[date(2026, 12, 19)])  # a Saturday
    # Fri 18 Dec +1 -> Mon 21 Dec, as without the closure day.
    assert calendar.add_working_days(date(2026, 12, 18), 1) == date(2026, 12, 21)


def test_extra_bank_holiday_is_skipped_and_named():
    # A one-off bank holiday on Wed 2 Jun 2027 (Spring bank holiday is Mon 31 May 2027).
    calendar = WorkingCalendar(extra_bank_holidays={date(2027, 6, 2): "Royal celebration"})
    # Tue 1 Jun +1: Wed 2 Jun off -> Thu 3 Jun.
    assert calendar.add_working_days(date(2027, 6, 1), 1) == date(2027, 6, 3)
    # Fri 28 May +1: weekend, Mon 31 May Spring bank holiday -> Tue 1 Jun; +2 skips Wed -> Thu 3.
    assert calendar.add_working_days(date(2027, 5, 28), 2) == date(2027, 6, 3)
    assert calendar.holiday_name(date(2027, 6, 2)) == "Royal celebration"
    # The plain calendar does not know it.
    assert WorkingCalendar().is_working_day(date(2027, 6, 2))


def test_dates_outside_the_preloaded_years_still_count_bank_holidays():
    calendar = WorkingCalendar(first_year=2026, last_year=2026)
    # Thu 24 Dec 2026 +5: Tue 29, Wed 30, Thu 31 (3), skip 1-3 Jan 2027, Mon 4 (4), Tue 5 (5).
    assert calendar.add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)
    assert not calendar.is_working_day(date(2027, 3, 26))  # Good Friday 2027
    # Thu 25 Mar 2027 to Tue 30 Mar 2027: Good Friday and Easter Monday in between -> 1.
    assert calendar.working_days_between(date(2027, 3, 25), date(2027, 3, 30)) == 1
    # Back into 2025 from 2 Jan 2026: Fri 2 Jan 2026 is day 0; 1 Jan 2026 (Thu) is New Year's
    # Day -> Wed 31 Dec 2025 is the 1st working day before.
    assert calendar.add_working_days(date(2026, 1, 2), -1) == date(2025, 12, 31)


# --- Reading the settings files --------------------------------------------------------------

def test_load_calendar_reads_both_files(tmp_path):
    (tmp_path / "closure-days.txt").write_text(
        "# Council Christmas shutdown\n"
        "\n"
        "29/12/2026 Christmas shutdown\n"
        "2026-12-30   # Wed\n"
        "31 Dec 2026 Christmas shutdown, last day\n",
        encoding="utf-8",
    )
    (tmp_path / "extra-bank-holidays.txt").write_text("02/06/2027 Royal celebration\n")
    calendar = load_calendar(tmp_path)
    assert calendar.closure_days == {date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)}
    assert calendar.extra_bank_holidays == {date(2027, 6, 2)}
    assert calendar.holiday_name(date(2026, 12, 31)) == "Christmas shutdown, last day"
    assert calendar.holiday_name(date(2026, 12, 30)) == "Closure day"
    assert calendar.holiday_name(date(2027, 6, 2)) == "Royal celebration"
    # Thu 24 Dec +1 with the shutdown -> Mon 4 Jan 2027 (as in test_closure_days_are_skipped).
    assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 4)


def test_missing_settings_files_mean_no_extra_days(tmp_path):
    for calendar in (load_calendar(tmp_path), load_calendar(tmp_path / "absent"),
                     load_calendar(None)):
        assert calendar.closure_days == frozenset()
        assert calendar.extra_bank_holidays == frozenset()
        # Thu 24 Dec 2026 +1 -> Tue 29 Dec, bank holidays only.
        assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


@pytest.mark.parametrize("line, complaint", [
    ("31/02/2026", "February 2026 has 28 days"),
    ("12/25/2026", "there is no month 25"),
    ("29/12/26", "four digits"),
    ("next Tuesday", "is not a date"),
])
def test_a_bad_line_names_the_file_the_line_and_what_is_accepted(tmp_path, line, complaint):
    (tmp_path / "closure-days.txt").write_text(f"# shutdown\n29/12/2026\n{line}\n")
    with pytest.raises(CalendarFileError) as raised:
        load_calendar(tmp_path)
    message = str(raised.value)
    assert "closure-days.txt" in message
    assert "line 3" in message
    assert complaint in message
    assert "DD/MM/YYYY" in message


def test_an_unreadable_file_is_a_calendar_file_error(tmp_path):
    (tmp_path / "extra-bank-holidays.txt").write_bytes(b"\xff\xfe\x00 not utf-8")
    with pytest.raises(CalendarFileError, match=r"extra-bank-holidays\.txt"):
        load_calendar(tmp_path)
