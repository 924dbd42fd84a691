"""Issue 10, finding 1 and 6: an import changes only what its file carries.

Each test here failed before the merge rules (docs/formats.md, "How an import merges"): a CSV
re-import blanked the child's voice, a JSON visit with keys left out blanked them, blank CSV
cells cleared recorded fields, and formulas went out to spreadsheets as they were.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from .cli_helpers import case, file_hash, write_json

TEMPLATE = Path(__file__).parents[2] / "data" / "cases-template.json"


def _export(cin, path: Path) -> Path:
    assert cin("export", str(path)).code == 0
    return path


def _audit_count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def _case_json(cin, tmp_path: Path, ref: str) -> dict:
    exported = json.loads(_export(cin, tmp_path / "now.json").read_text(encoding="utf-8"))
    return next(c for c in exported["cases"] if c["ref"] == ref)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_reimporting_an_export_changes_nothing(cin, db, tmp_path, suffix):
    assert cin("import", str(TEMPLATE)).code == 0
    exported = _export(cin, tmp_path / f"cases{suffix}")
    before = _export(cin, tmp_path / "before.json").read_bytes()
    audit_entries = _audit_count(db)

    result = cin("import", str(exported))

    assert result.code == 0
    assert "Nothing changed" in result.out
    assert _export(cin, tmp_path / "after.json").read_bytes() == before  # voices, chairs, closure
    assert _audit_count(db) == audit_entries


def test_a_visit_that_leaves_keys_out_keeps_what_was_recorded(cin, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    # Only the visit's date and a new location: its voice, seen-alone answer and write-up date
    # were recorded before and must stay.
    partial = case("EX-0001", name="Example Child One", allocated="2026-06-01",
                   visits=[{"date": "2026-07-08", "location": "home"}])
    result = cin("import", str(write_json(tmp_path / "partial.json", [partial])))

    assert result.code == 0, result.err
    [visit] = [v for v in _case_json(cin, tmp_path, "EX-0001")["visits"]
               if v["date"] == "2026-07-08"]
    assert visit["location"] == "home"
    assert visit["childs_voice"] == "The child's own words about home and school."
    assert visit["seen_alone"] is True
    assert visit["recorded"] == "2026-07-09"


def test_blank_csv_cells_keep_the_stored_values(cin, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    before = _case_json(cin, tmp_path, "EX-0002")
    csv = tmp_path / "list.csv"
    csv.write_text("ref,name,dob,policy,worker,team,disabled,allocated,plan_started\n"
                   "EX-0002,Example Child Two,,wirral,,,,2026-06-01,\n", encoding="utf-8")

    result = cin("import", str(csv))

    assert result.code == 0, result.err
    assert "Nothing changed" in result.out
    after = _case_json(cin, tmp_path, "EX-0002")
    assert after == before
    assert (after["dob"], after["worker"], after["team"], after["disabled"],
            after["plan_started"]) == ("2019-02-03", "Your Name", "Your Team", True, "2026-07-08")


def test_an_explicit_null_clears_and_the_audit_has_the_real_values(cin, db, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    record = case("EX-0001", name="Example Child One", allocated="2026-06-01", team=None)

    assert cin("import", str(write_json(tmp_path / "clear.json", [record]))).code == 0

    assert _case_json(cin, tmp_path, "EX-0001")["team"] is None
    [entry] = json.loads(cin("audit", "EX-0001", "--json", "--last", "1").out)
    assert (entry["before"], entry["after"]) == ({"team": "Your Team"}, {"team": None})


def test_the_dry_run_lists_each_field_old_to_new_and_writes_nothing(cin, db, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    hash_before = file_hash(db)
    record = case("EX-0001", name="Example Child One", allocated="2026-06-01", dob=None,
                  visits=[{"date": "2026-07-08", "childs_voice": "New words"}])

    result = cin("import", "--dry-run", str(write_json(tmp_path / "dry.json", [record])))

    assert result.code == 0
    assert "dob: 14 May 2016 -> (cleared)" in result.out
    assert ('visit of 8 Jul 2026: childs_voice "The child\'s own words about home and school."'
            ' -> "New words"') in result.out
    assert "Dry run: nothing was written." in result.out
    assert file_hash(db) == hash_before


def test_a_csv_row_never_overwrites_a_recorded_answer(cin, tmp_path):
    # Recorded: seen on 2 Nov but NOT alone (with the reason). A case list then says the child
    # was last seen alone on 2 Nov: that may be a second visit that day, never a rewrite.
    record = case(dob="2015-01-01", visits=[{
        "date": "2026-11-02", "seen_alone": False, "not_alone_reason": "Asleep, seen with mum"}])
    assert cin("import", str(write_json(tmp_path / "c.json", [record]))).code == 0
    csv = tmp_path / "list.csv"
    csv.write_text("ref,name,policy,allocated,last_visit,last_seen_alone\n"
                   "C-0001,Test Child,wirral,2026-09-01,02/11/2026,02/11/2026\n", encoding="utf-8")

    assert cin("import", str(csv)).code == 0

    visits = _case_json(cin, tmp_path, "C-0001")["visits"]
    assert sorted((v["seen_alone"], v["not_alone_reason"]) for v in visits) == [
        (False, "Asleep, seen with mum"), (True, None)]


def test_a_csv_row_moves_a_booked_meeting_to_held_but_never_back(cin, tmp_path):
    record = case(meetings=[{"kind": "initial", "status": "held", "date": "2026-09-10",
                             "chair": "A Manager"},
                            {"kind": "review", "status": "booked", "date": "2026-11-12"}])
    assert cin("import", str(write_json(tmp_path / "c.json", [record]))).code == 0
    # An older list still shows the initial meeting as next (booked), and the review as held.
    csv = tmp_path / "list.csv"
    csv.write_text("ref,name,policy,allocated,last_meeting,last_meeting_kind,next_meeting,"
                   "next_meeting_kind\nC-0001,Test Child,wirral,2026-09-01,12/11/2026,review,"
                   "10/09/2026,initial\n", encoding="utf-8")

    assert cin("import", str(csv)).code == 0

    meetings = {m["kind"]: m for m in _case_json(cin, tmp_path, "C-0001")["meetings"]}
    assert meetings["initial"]["status"] == "held"       # not put back to booked
    assert meetings["initial"]["chair"] == "A Manager"   # nor blanked
    assert meetings["review"]["status"] == "held"        # booked -> held is news


def test_a_visit_is_found_by_its_id_so_its_date_can_be_corrected(cin, tmp_path):
    record = case(visits=[{"date": "2026-11-02", "childs_voice": "Likes football"}])
    assert cin("import", str(write_json(tmp_path / "c.json", [record]))).code == 0
    [visit] = _case_json(cin, tmp_path, "C-0001")["visits"]
    fixed = case(visits=[{"id": visit["id"], "date": "2026-11-03"}])

    assert cin("import", str(write_json(tmp_path / "fix.json", [fixed]))).code == 0

    [after] = _case_json(cin, tmp_path, "C-0001")["visits"]
    assert (after["id"], after["date"], after["childs_voice"]) == (
        visit["id"], "2026-11-03", "Likes football")


def test_an_id_of_another_case_or_given_twice_is_refused_by_record(cin, db, tmp_path):
    assert cin("import", str(write_json(tmp_path / "c.json", [
        case("C-0001", visits=[{"date": "2026-11-02"}]), case("C-0002")]))).code == 0
    [visit] = _case_json(cin, tmp_path, "C-0001")["visits"]
    hash_before = file_hash(db)
    bad = [case("C-0002", visits=[{"id": visit["id"], "date": "2026-11-05"}]),
           case("C-0003", visits=[{"id": "own-1", "date": "2026-11-05"},
                                  {"id": "own-1", "date": "2026-11-06"}])]

    result = cin("import", str(write_json(tmp_path / "bad.json", bad)))

    assert result.code == 1
    assert (f"case 1 (ref C-0002):visits[1].id: {visit['id']} is the id of a visit of another "
            "case") in result.err
    assert "case 2 (ref C-0003):visits[2].id: own-1 is given twice" in result.err
    assert file_hash(db) == hash_before


def test_closure_null_never_reopens_a_closed_case(cin, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    record = case("EX-0002", name="Example Child Two", allocated="2026-06-01", closure=None)

    result = cin("import", str(write_json(tmp_path / "open.json", [record])))

    assert result.code == 0
    assert "EX-0002: the file gives no closure but the case is closed on 16 Oct 2026" in result.out
    assert _case_json(cin, tmp_path, "EX-0002")["closure"]["reason"] == "RC7"


def test_worker_default_fills_a_gap_but_never_reassigns(cin, tmp_path):
    assert cin("import", str(write_json(tmp_path / "c.json", [
        case("C-0001", worker="Sam Patel"), case("C-0002")]))).code == 0
    again = [case("C-0001"), case("C-0002")]  # neither names a worker

    assert cin("import", "--worker", "Jo Bloggs",
               str(write_json(tmp_path / "again.json", again))).code == 0

    assert _case_json(cin, tmp_path, "C-0001")["worker"] == "Sam Patel"
    assert _case_json(cin, tmp_path, "C-0002")["worker"] == "Jo Bloggs"


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"Click\")", "+44 7700", "-1+1",
                                  "@SUM(A1)", "'=already quoted", "''=two"])
def test_csv_export_neutralises_formulas_and_the_round_trip_is_exact(cin, tmp_path, name):
    assert cin("import", str(write_json(tmp_path / "c.json", [case(name=name)]))).code == 0
    csv = _export(cin, tmp_path / "out.csv")
    [row] = csv.read_text(encoding="utf-8-sig").splitlines()[1:]
    cell = row.split(",", 2)[1] if not name.startswith("=") else row[len("C-0001,"):]
    assert cell.lstrip('"').startswith("'")  # a spreadsheet shows it as text, never runs it

    # Into a fresh database and back: the name is exactly what was recorded.
    fresh = tmp_path / "fresh.db"
    assert cin("import", str(csv), database=fresh).code == 0
    exported = json.loads(_export_from(cin, fresh, tmp_path / "back.json").read_text())
    assert exported["cases"][0]["name"] == name


def _export_from(cin, database: Path, path: Path) -> Path:
    assert cin("export", str(path), database=database).code == 0
    return path


def test_a_five_thousand_digit_number_is_refused_by_field(cin, db, tmp_path):
    path = tmp_path / "long.json"
    path.write_text('{"cases": [{"ref": "C-1", "name": "A", "allocated": "2026-09-01", '
                    '"policy": "wirral", "disabled": ' + "9" * 5000 + "}]}", encoding="utf-8")

    result = cin("import", str(path))

    assert result.code == 1
    assert "case 1 (ref C-1):disabled: a number 5000 digits long is not yes or no" in result.err
    assert not db.exists()


def test_a_lone_surrogate_is_refused_by_field(cin, db, tmp_path):
    path = tmp_path / "surrogate.json"
    path.write_text('{"cases": [{"ref": "C-1", "name": "A\\ud800", "allocated": "2026-09-01", '
                    '"policy": "wirral"}]}', encoding="utf-8")

    result = cin("import", str(path))

    assert result.code == 1
    assert "cases[1].name: contains half of an escaped character pair" in result.err
    assert not db.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_not_waited_on(cin, tmp_path):
    pipe = tmp_path / "cases.json"
    os.mkfifo(pipe)

    result = cin("import", str(pipe))

    assert result.code == 1
    assert "is not a regular file" in result.err


def test_the_dry_run_shows_hostile_text_as_text(cin, tmp_path):
    # Stored before input checks existed (or by another program): an OSC 52 clipboard write and
    # a right-to-left override in a child's voice. The dry run quotes the old value visibly.
    record = case(visits=[{"date": "2026-11-02", "childs_voice": "ok"}])
    assert cin("import", str(write_json(tmp_path / "c.json", [record]))).code == 0
    with sqlite3.connect(tmp_path / "cases.db") as connection:
        connection.execute("UPDATE visits SET childs_voice = ?",
                           ("\x1b]52;c;aGk=\x07 \u202eevil\x9b",))
    update = case(visits=[{"date": "2026-11-02", "childs_voice": "Likes school"}])

    result = cin("import", "--dry-run", str(write_json(tmp_path / "u.json", [update])))

    assert result.code == 0
    assert "\x1b" not in result.out and "\u202e" not in result.out and "\x9b" not in result.out
    assert "\\u202eevil" in result.out


def test_a_windows_line_break_in_the_childs_voice_is_a_line_break(cin, tmp_path):
    record = case(visits=[{"date": "2026-11-02", "childs_voice": "Likes school.\r\nMisses Dad."}])

    assert cin("import", str(write_json(tmp_path / "c.json", [record]))).code == 0

    [visit] = _case_json(cin, tmp_path, "C-0001")["visits"]
    assert visit["childs_voice"] == "Likes school.\nMisses Dad."


def test_a_line_separator_in_a_name_is_refused_by_field(cin, db, tmp_path):
    result = cin("import", str(write_json(tmp_path / "c.json", [case(name="Amy\u2028Jones")])))

    assert result.code == 1
    assert "case 1 (ref C-0001):name: has a line separator character (U+2028)" in result.err
    assert not db.exists()


def test_a_partial_record_is_checked_against_what_is_stored(cin, db, tmp_path):
    # Stored: born 1 Mar 2015. The file gives no date of birth but a visit on 1 Jan 2013, more
    # than 40 weeks before that birth: refused, as it would be with the dob in the file.
    assert cin("import", str(write_json(tmp_path / "c.json",
                                        [case(dob="2015-03-01")]))).code == 0
    hash_before = file_hash(db)
    partial = case(visits=[{"date": "2013-01-01"}])

    result = cin("import", str(write_json(tmp_path / "p.json", [partial])))

    assert result.code == 1
    assert "case 1 (ref C-0001):visits[1].date:" in result.err
    assert file_hash(db) == hash_before


def test_a_new_date_of_birth_is_checked_against_the_stored_visits(cin, db, tmp_path):
    # Stored: a visit on 3 Jan 2000 (a sibling's old work, say) and no date of birth. A date of
    # birth of 1 Mar 2015 would put that visit years before birth (more than 40 weeks: pre-birth
    # work starts 25 May 2014), so the file is refused, naming the stored visit it would break.
    assert cin("import", str(write_json(tmp_path / "c.json",
                                        [case(visits=[{"date": "2000-01-03"}])]))).code == 0
    hash_before = file_hash(db)

    result = cin("import", str(write_json(tmp_path / "p.json", [case(dob="2015-03-01")])))

    assert result.code == 1
    assert ("case 1 (ref C-0001):stored visit of 2000-01-03.date: 3 Jan 2000 is more than 40 "
            "weeks before the child was born (1 Mar 2015)") in result.err
    assert file_hash(db) == hash_before


def test_a_blank_json_value_keeps_the_stored_one_and_only_null_clears(cin, tmp_path):
    record = case(team="East", visits=[{"date": "2026-11-02", "childs_voice": "Likes school"}])
    assert cin("import", str(write_json(tmp_path / "c.json", [record]))).code == 0
    blank = case(team="  ", visits=[{"date": "2026-11-02", "childs_voice": ""}])

    assert cin("import", str(write_json(tmp_path / "b.json", [blank]))).code == 0

    kept = _case_json(cin, tmp_path, "C-0001")
    assert (kept["team"], kept["visits"][0]["childs_voice"]) == ("East", "Likes school")


def test_a_record_given_by_id_is_never_taken_by_a_look_alike_before_it(cin, tmp_path):
    record = case(visits=[{"date": "2026-11-02", "childs_voice": "First words"}])
    assert cin("import", str(write_json(tmp_path / "c.json", [record]))).code == 0
    [visit] = _case_json(cin, tmp_path, "C-0001")["visits"]
    # A second visit the same day (no id) comes first in the file; the stored one, by its id,
    # gets a new voice. Both must be there afterwards.
    both = case(visits=[{"date": "2026-11-02", "childs_voice": "Afternoon visit"},
                        {"id": visit["id"], "date": "2026-11-02", "childs_voice": "Corrected"}])

    assert cin("import", str(write_json(tmp_path / "both.json", [both]))).code == 0

    voices = {v["id"]: v["childs_voice"] for v in _case_json(cin, tmp_path, "C-0001")["visits"]}
    assert voices[visit["id"]] == "Corrected"
    assert sorted(voices.values()) == ["Afternoon visit", "Corrected"]


def test_a_new_allocation_after_the_stored_plan_names_the_stored_field(cin, db, tmp_path):
    # Stored: allocated 1 Jun 2026, plan started 8 Jul 2026. A file moving the allocation to
    # 1 Sep 2026 would put the stored plan start before allocation.
    assert cin("import", str(TEMPLATE)).code == 0

    result = cin("import", str(write_json(tmp_path / "late.json", [
        case("EX-0001", name="Example Child One", allocated="2026-09-01")])))

    assert result.code == 1
    assert "case 1 (ref EX-0001):stored plan_started: 8 Jul 2026 is before the case was " \
           "allocated (1 Sep 2026)" in result.err
