"""`cin calendar OUT.ics`: the open deadlines of `cin due --json` as iCalendar events, with
stable UIDs and reminders on the day each turns amber (issue 16)."""

from __future__ import annotations

import re
import stat
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from models.calendar_events import reminder_day
from policies.calendar import load_calendar
from screens.calendar_file import reminder_time

from .cli_helpers import case, write_json

# Today in these tests: Thursday 10 Dec 2026 (bank holidays ahead: Fri 25 Dec Christmas, Mon 28
# Dec the Boxing Day substitute (26 Dec is a Saturday), Fri 1 Jan 2027 New Year's Day).
TODAY = "2026-12-10"
CASES = [
    # Seen alone Wed 2 Dec 2026; Wirral visits every 20 working days: 3-4 Dec (2), 7-11 (7),
    # 14-18 (12), 21-24 (16), [25 and 28 Dec bank holidays], 29-31 Dec (19), [1 Jan bank
    # holiday], Mon 4 Jan 2027 (20) -> due Mon 4 Jan 2027.
    case("C-XMAS", name="Holly Berry", worker="Sam Patel", allocated="2026-10-01",
         visits=[{"date": "2026-12-02", "seen": True, "seen_alone": True}]),
    # Seen alone Thu 1 Oct 2026: +20 WD -> due Thu 29 Oct 2026 (tests/cli/test_due.py): overdue.
    case("C-LATE", name="Late Child", worker="Alex Kim", allocated="2026-09-01",
         visits=[{"date": "2026-10-01", "seen": True, "seen_alone": True}]),
]


def load(cin, tmp_path, cases=CASES):
    result = cin("import", str(write_json(tmp_path / "cases.json", cases)), today=TODAY)
    assert result.code == 0, result.err


def parse(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events_of(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def event_for(calendar: Calendar, ref: str, kind: str):
    found = [e for e in events_of(calendar)
             if str(e["SUMMARY"]).startswith(f"{ref} {kind}:")]
    assert len(found) == 1, [str(e["SUMMARY"]) for e in events_of(calendar)]
    return found[0]


@pytest.mark.parametrize("options", [
    [], ["--worker", "Sam Patel"], ["--worker", "alex kim"], ["--within", "10"],
    ["--worker", "Sam Patel", "--within", "40"],
], ids=["everyone", "one worker", "worker as typed", "within 10 days", "worker and window"])
def test_the_events_are_exactly_the_open_deadlines_cin_due_lists(cin, tmp_path, options):
    load(cin, tmp_path)
    due = cin("due", "--json", *options, today=TODAY).json()
    out = tmp_path / "deadlines.ics"
    result = cin("calendar", str(out), *options, today=TODAY)
    assert result.code == 0, result.err
    events = events_of(parse(out))
    # Same deadlines, in the same order, with equal dates, case and rule.
    assert [(str(e["SUMMARY"]).split(" ")[0], e["DTSTART"].dt.isoformat()) for e in events] \
        == [(item["ref"], item["due"]) for item in due]
    for event, item in zip(events, due, strict=True):
        assert item["rule"] in str(event["DESCRIPTION"])
        assert item["label"] in str(event["SUMMARY"])
        assert item["kind"].replace("_", " ") in str(event["SUMMARY"])
        # All day: a date, ending the next day.
        assert type(event["DTSTART"].dt) is date
        assert (event["DTEND"].dt - event["DTSTART"].dt).days == 1
    assert f"Wrote {len(due)} deadline" in result.out


def test_the_description_gives_the_rule_its_citation_and_the_basis(cin, tmp_path):
    load(cin, tmp_path)
    item = next(i for i in cin("due", "--json", today=TODAY).json() if i["ref"] == "C-XMAS"
                and i["kind"] == "visit")
    out = tmp_path / "deadlines.ics"
    assert cin("calendar", str(out), today=TODAY).code == 0
    description = str(event_for(parse(out), "C-XMAS", "visit")["DESCRIPTION"])
    assert f"Rule: {item['rule']}: {item['label']}" in description
    assert f"Source: {item['source']}" in description
    assert f"Why this date: {item['basis']}" in description
    assert "Due: 4 Jan 2027" in description
    assert "Child: Holly Berry (C-XMAS)" in description


def test_the_reminder_across_christmas_is_five_working_days_before(cin, tmp_path):
    load(cin, tmp_path)
    out = tmp_path / "deadlines.ics"
    assert cin("calendar", str(out), today=TODAY).code == 0
    # Due Mon 4 Jan 2027; counting back 5 working days: [Fri 1 Jan bank holiday], Thu 31 Dec
    # (1), Wed 30 (2), Tue 29 (3), [Mon 28 Boxing Day substitute, Sat 26, Sun 27, Fri 25
    # Christmas], Thu 24 (4), Wed 23 Dec (5) -> Wed 23 Dec 2026 at 09:00 GMT, 09:00 UTC.
    # (On that day `cin due` turns it amber: 24, 29, 30, 31 Dec and 4 Jan are 5 working days.)
    event = event_for(parse(out), "C-XMAS", "visit")
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    trigger = alarms[0]["TRIGGER"]
    assert trigger.params.get("VALUE") == "DATE-TIME"  # absolute, not a duration
    assert trigger.dt == datetime(2026, 12, 23, 9, 0, tzinfo=UTC)
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    # A second reading of the same file, by hand, as a calendar that knows nothing of the
    # library would read it: the unfolded TRIGGER line of that event.
    text = out.read_bytes().decode("utf-8").replace("\r\n ", "")
    block = next(b for b in text.split("BEGIN:VEVENT") if "SUMMARY:C-XMAS visit" in b)
    assert "TRIGGER;VALUE=DATE-TIME:20261223T090000Z" in block.split("\r\n")


def test_the_reminder_follows_the_amber_setting(cin, tmp_path, settings_dir):
    (settings_dir / "settings.toml").write_text("amber_working_days = 3\n", encoding="utf-8")
    load(cin, tmp_path)
    out = tmp_path / "deadlines.ics"
    result = cin("calendar", str(out), today=TODAY)
    assert "each with a reminder 3 working days before" in result.out
    # Due Mon 4 Jan 2027, back 3 working days: Thu 31 Dec (1), Wed 30 (2), Tue 29 Dec (3).
    trigger = event_for(parse(out), "C-XMAS", "visit").walk("VALARM")[0]["TRIGGER"]
    assert trigger.dt == datetime(2026, 12, 29, 9, 0, tzinfo=UTC)


def test_a_reminder_in_summer_time_is_at_nine_uk_time():
    calendar = load_calendar(None)
    # Due Tue 1 Jun 2027; back 5 working days: [Mon 31 May, the spring bank holiday, and the
    # weekend], Fri 28 May (1), Thu 27 (2), Wed 26 (3), Tue 25 (4), Mon 24 May (5).
    day = reminder_day(date(2027, 6, 1), calendar, 5)
    assert day == date(2027, 5, 24)
    # 09:00 British Summer Time is 08:00 UTC.
    assert reminder_time(day) == datetime(2027, 5, 24, 8, 0, tzinfo=UTC)


def test_re_exporting_after_a_deadline_moves_keeps_the_uid(cin, tmp_path):
    load(cin, tmp_path)
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    assert cin("calendar", str(first), today=TODAY).code == 0
    before = event_for(parse(first), "C-LATE", "visit")
    assert before["DTSTART"].dt == date(2026, 10, 29)
    # C-LATE is seen today, Thu 10 Dec: +20 WD: 11 Dec (1), 14-18 (6), 21-24 (10), [25, 28
    # Dec], 29-31 (13), [1 Jan], 4-8 Jan (18), Mon 11 (19), Tue 12 Jan 2027 (20).
    seen = cin("visit", "C-LATE", "--date", TODAY, "--seen", "yes", "--alone", "yes",
               "--voice", "Likes the new school",
               today=TODAY)
    assert seen.code == 0, seen.err
    assert cin("calendar", str(second), today=TODAY).code == 0
    after = event_for(parse(second), "C-LATE", "visit")
    assert after["DTSTART"].dt == date(2027, 1, 12)
    assert str(after["UID"]) == str(before["UID"])
    # Every other event keeps its UID too, and no two events share one.
    uids_first = {str(e["UID"]) for e in events_of(parse(first))}
    uids_second = [str(e["UID"]) for e in events_of(parse(second))]
    assert len(uids_second) == len(set(uids_second))
    assert set(uids_second) == uids_first


def test_privacy_shows_initials_only(cin, tmp_path):
    load(cin, tmp_path)
    out = tmp_path / "deadlines.ics"
    result = cin("calendar", str(out), "--privacy", today=TODAY)
    assert result.code == 0
    assert "Names are shown as initials" in result.out
    text = out.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "Holly" not in text and "Berry" not in text
    assert "(H. B.)" in str(event_for(parse(out), "C-XMAS", "visit")["SUMMARY"])


def test_the_file_is_private(cin, tmp_path):
    load(cin, tmp_path)
    out = tmp_path / "deadlines.ics"
    assert cin("calendar", str(out), today=TODAY).code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_wrong_name_or_folder_is_a_clear_message(cin, tmp_path):
    load(cin, tmp_path)
    wrong = cin("calendar", str(tmp_path / "deadlines.txt"), today=TODAY)
    assert wrong.code == 1 and "a calendar file's name ends .ics" in wrong.err
    missing = cin("calendar", str(tmp_path / "nowhere" / "d.ics"), today=TODAY)
    assert missing.code == 1 and "does not exist" in missing.err
    assert "Traceback" not in wrong.err + missing.err


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.one_of(st.sampled_from(list(';,\\:"<>&é名\u2028\u00ad ')),
                                       st.characters()),
                   min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_hostile_names_reach_the_file_without_control_characters(cin, tmp_path, name):
    folder = tmp_path / "hostile"
    folder.mkdir(exist_ok=True)
    database = folder / "cases.db"
    database.unlink(missing_ok=True)
    source = write_json(folder / "cases.json", [case(
        "C-1", name=name, worker="Sam Patel", allocated="2026-10-01",
        visits=[{"date": "2026-12-02", "seen": True, "seen_alone": True}])])
    imported = cin("import", str(source), today=TODAY, database=database)
    if imported.code != 0:  # a name the import refuses never reaches a calendar
        return
    out = folder / "deadlines.ics"
    assert cin("calendar", str(out), today=TODAY, database=database).code == 0
    raw = out.read_bytes().decode("utf-8")
    # Lines end CRLF; no other control character, bidi override or isolate anywhere.
    assert _CONTROL.sub("", raw.replace("\r\n", "")) == raw.replace("\r\n", "")
    events = events_of(Calendar.from_ical(raw))
    assert len(events) >= 1
    assert all(str(e["SUMMARY"]).startswith("C-1 ") for e in events)
