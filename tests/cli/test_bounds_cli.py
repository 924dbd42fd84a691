"""One bad record never stops everyone's caseload (issue 10, finding 7).

Refused at the door: dates out of sense in an import, a pack count out of bounds. Already in
the database (stored by an older version, or written with sqlite3): the case is flagged with
the reason and every other case is listed as usual, in `cin due`, `cin due --json` and
`cin explain`."""

from __future__ import annotations

import sqlite3

import pytest

from .cli_helpers import case, write_json

# Camden: invitation letters at least 10 working days before a booked review (section 10.3):
# counting back from 1 Jan 0001 is what used to stop every command.
BAD_BOOKING = case("C-BAD", name="Bad Date", policy="camden", worker="Sam Patel",
                   meetings=[{"kind": "review", "status": "booked", "date": "2026-12-10"}])
# Wirral, seen alone Mon 2 Nov 2026: +20 working days (no bank holidays in November):
# 3-6 Nov (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 Nov (20) -> due Mon 30 Nov 2026.
GOOD = case("C-GOOD", name="Good Child", worker="Sam Patel", allocated="2026-10-01",
            visits=[{"date": "2026-11-02", "seen": True, "seen_alone": True}])


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"meetings": [{"kind": "review", "status": "booked", "date": "01/01/0001"}]},
     "meetings[1].date", "1 Jan 0001 is before 14 Oct 1991"),
    ({"dob": "2017-05-01", "visits": [{"date": "1987-05-01", "seen": False}]},
     "visits[1].date", "1 May 1987 is before 14 Oct 1991"),
    ({"dob": "2017-05-01", "visits": [{"date": "2000-05-01", "seen": False}]},
     "visits[1].date", "more than 40 weeks before the child was born (1 May 2017)"),
    ({"dob": "2017-05-01", "meetings": [{"kind": "review", "status": "held",
                                         "date": "2010-03-04"}]},
     "meetings[1].date", "more than 40 weeks before the child was born"),
    ({"assessment_completed": "2016-08-31"},
     "assessment_completed", "more than 3 months before the case was allocated (1 Sep 2026)"),
    ({"plan_started": "2026-08-31"},
     "plan_started", "before the case was allocated (1 Sep 2026)"),
    ({"dob": "1800-01-01"}, "dob", "1 Jan 1800 is before 15 Oct 1972"),
    ({"meetings": [{"kind": "review", "status": "booked", "date": "2030-01-01"}]},
     "meetings[1].date", "more than 2 years after today (23 Nov 2026)"),
    ({"name": "Amy\u001b]52;c;aGk=\u0007"}, "name", "escape character (U+001B)"),
    ({"worker": "Sam\u202e"}, "worker", "right-to-left override character (U+202E)"),
])
def test_an_import_with_a_date_or_text_out_of_sense_is_refused_by_file_record_field(
        cin, tmp_path, change, field, words):
    path = write_json(tmp_path / "cases.json", [case("C-1", **change)])
    result = cin("import", str(path))
    assert result.code == 1
    [line] = [line for line in result.err.splitlines() if f":{field}:" in line]
    assert line.removeprefix("cin: ").startswith(f"{path}:case 1 (ref C-1):{field}: ")
    assert words in line
    assert "there is no database" in cin("due").err, "nothing was imported"


def _store_behind_validation(db, ref: str, meeting_date: str) -> None:
    """What an older version (or sqlite3) may have left: a date no import accepts now."""
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE meetings SET date = ? WHERE case_id = (SELECT id FROM cases WHERE ref = ?)",
            (meeting_date, ref))


def test_a_stored_date_out_of_range_flags_its_case_and_every_other_case_is_listed(cin, tmp_path,
                                                                                  db):
    assert cin("import", str(write_json(tmp_path / "cases.json", [BAD_BOOKING, GOOD]))).code == 0
    _store_behind_validation(db, "C-BAD", "0001-01-01")

    due = cin("due")
    assert due.code == 0
    assert "30 Nov 2026" in due.out and "C-GOOD" in due.out
    assert "C-BAD" not in due.out
    reason = ("the date of the booked review meeting (1 Jan 0001) is outside the dates "
              "deadlines can be worked out for (1 Jan 1900 to 31 Dec 2199), so no deadlines "
              "can be worked out for this case")
    assert f"cin: warning: C-BAD: {reason}" in due.err

    as_json = cin("due", "--json")
    assert as_json.code == 0
    assert [(item["ref"], item["due"]) for item in as_json.json()
            if item["rule"] == "wirral.visit"] == [("C-GOOD", "2026-11-30")]
    assert reason in as_json.err

    explain = cin("explain", "C-BAD")
    assert explain.code == 0
    assert reason in " ".join(explain.out.split())


def test_a_pack_count_of_99999999_is_refused_naming_file_rule_field_and_the_limit(
        cin, tmp_path, settings_dir):
    assert cin("import", str(write_json(tmp_path / "cases.json", [GOOD]))).code == 0
    (settings_dir / "policies").mkdir()
    (settings_dir / "policies" / "wirral-often.toml").write_text(
        'extends = "wirral"\n[[rules]]\nid = "visit"\ncount = 99999999\n', encoding="utf-8")
    result = cin("due")
    assert result.code == 1
    assert ('wirral-often.toml: rule "visit": field "count": 99999999 is more than two years '
            "of working days; use 0 to 520") in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(("column", "value", "words"), [
    ("visit_every", "9999999999999m", "the visiting frequency stored for this case cannot be read"),
    ("visit_every", "abc", '"abc" is not a visiting frequency'),
    ("events", '{"supervision": "garbage"}', "the event dates stored for this case cannot be read"),
])
def test_an_unreadable_stored_value_flags_its_case_and_every_other_case_is_listed(
        cin, tmp_path, db, column, value, words):
    # Before: `cin due` stopped for everyone with the frequency's parse error (exit 1), not
    # even naming the case.
    bad = case("C-BAD", name="Bad Value", policy="trafford", visit_every="4w")
    assert cin("import", str(write_json(tmp_path / "cases.json", [bad, GOOD]))).code == 0
    with sqlite3.connect(db) as connection:
        connection.execute(f"UPDATE cases SET {column} = ? WHERE ref = 'C-BAD'", (value,))
    due = cin("due")
    assert due.code == 0
    assert "C-GOOD" in due.out and "30 Nov 2026" in due.out
    [warning] = due.err.splitlines()
    assert warning.startswith("cin: warning: C-BAD: ") and words in warning
    assert "so no deadlines can be worked out for this case" in warning
