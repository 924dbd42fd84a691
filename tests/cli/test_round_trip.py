"""Export, import, export again: the same bytes. Importing twice changes nothing. A failed
import leaves the database file exactly as it was."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from .cli_helpers import case, file_hash, write_json

TEMPLATE = Path(__file__).parents[2] / "data" / "cases-template.json"


def test_export_import_export_is_byte_identical(cin, tmp_path):
    first_db, second_db = tmp_path / "first.db", tmp_path / "second.db"
    assert cin("demo", "--no-tui", database=first_db).code == 0
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert cin("export", str(first), database=first_db).code == 0
    assert cin("import", str(first), database=second_db).code == 0
    assert cin("export", str(second), database=second_db).code == 0
    assert first.read_bytes() == second.read_bytes()
    # The demo's full history really went through: visits, meetings, a closure, events.
    cases = json.loads(first.read_text(encoding="utf-8"))["cases"]
    assert len(cases) == 25
    assert sum(len(c["visits"]) for c in cases) > 40
    assert [c["ref"] for c in cases if c["closure"]] == ["CIN-0108"]
    assert any(c["events"] for c in cases)


def test_the_json_template_is_in_the_exported_form(cin, tmp_path):
    """The shipped template imports cleanly and exports back to the very same file, so it shows
    every field exactly as `cin export` writes it."""
    assert cin("import", str(TEMPLATE)).code == 0
    exported = tmp_path / "exported.json"
    assert cin("export", str(exported)).code == 0
    assert exported.read_bytes() == TEMPLATE.read_bytes()


def test_importing_the_same_file_twice_changes_nothing(cin, db, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    before = file_hash(db)
    again = cin("import", str(TEMPLATE))
    assert again.code == 0
    assert "Nothing changed" in again.out
    assert "0 added, 0 changed, 2 unchanged" in again.out
    assert file_hash(db) == before  # not one byte: no duplicate visits, no audit entries


def test_a_changed_record_updates_in_place_without_duplicating_history(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [
        case("C-1", visits=[{"date": "2026-11-02", "seen": True, "seen_alone": True}]),
    ])
    assert cin("import", str(path)).code == 0
    write_json(path, [case("C-1", name="Renamed Child", visits=[
        {"date": "2026-11-02", "seen": True, "seen_alone": True, "childs_voice": "I like Lego."},
    ])])
    result = cin("import", str(path))
    assert result.code == 0
    assert "Changed: C-1" in result.out
    exported = tmp_path / "out.json"
    cin("export", str(exported))
    (only,) = json.loads(exported.read_text(encoding="utf-8"))["cases"]
    assert only["name"] == "Renamed Child"
    assert [v["childs_voice"] for v in only["visits"]] == ["I like Lego."]


def test_a_failed_import_leaves_the_database_byte_for_byte_unchanged(cin, db, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    before = file_hash(db)
    bad = write_json(tmp_path / "bad.json", [
        case("EX-0001", name="Changed Name"),     # fine on its own ...
        case("C-2", allocated="31/02/2026"),      # ... but this one is not
    ])
    assert cin("import", str(bad)).code == 1
    assert file_hash(db) == before
    rule_breaker = write_json(tmp_path / "rules.json", [
        case("EX-0001", name="Changed Name"),
        case("C-3", dob="2026-10-01"),            # born after allocation: a validation rule
    ])
    assert cin("import", str(rule_breaker)).code == 1
    assert file_hash(db) == before


def test_a_dry_run_writes_nothing_and_says_what_would_change(cin, db, tmp_path):
    result = cin("import", str(TEMPLATE), "--dry-run")
    assert result.code == 0
    assert "Would add: EX-0001, EX-0002" in result.out
    assert "Dry run: nothing was written." in result.out
    assert not db.exists()  # not even an empty database is left behind

    assert cin("import", str(TEMPLATE)).code == 0
    before = file_hash(db)
    changed = write_json(tmp_path / "changed.json", [
        case("EX-0001", name="New Name", allocated="2026-06-01"), case("C-9")])
    result = cin("import", str(changed), "--dry-run")
    assert "Would add: C-9" in result.out
    assert "Would change: EX-0001" in result.out
    assert file_hash(db) == before


def test_a_real_import_into_a_database_with_cases_keeps_a_backup(cin, db, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    assert not (db.parent / "backups").exists()  # the first import had nothing to back up
    changed = write_json(tmp_path / "changed.json", [case("C-9")])
    result = cin("import", str(changed))
    assert result.code == 0
    (backup,) = (db.parent / "backups" / db.name).iterdir()
    assert f"backed up in {backup}" in result.out


def test_export_file_is_private_and_csv_is_a_summary(cin, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    for name in ("all.json", "all.csv"):
        target = tmp_path / name
        result = cin("export", str(target))
        assert result.code == 0
        assert result.out == f"Exported 2 cases to {target}.\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    csv_text = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    header, first, second = csv_text.splitlines()
    assert header.startswith("ref,name,dob,policy,worker,team,family,disabled,visit_every,"
                             "allocated,")
    # EX-0001: last seen on 6 Aug (not alone), last seen alone on 8 Jul; review held 9 Sep;
    # review booked for 2 Dec. No visiting frequency of its own; not a complex plan, not led by
    # a key worker. Then its census fields: referred by a school (2A) on 20 May, abuse or
    # neglect (N1), assessed from 1 Jun with factors 3B and 4B (in one quoted cell), no plan
    # end, female, White British, its UPN, no disability.
    assert first == ("EX-0001,Example Child One,2016-05-14,wirral,Your Name,Your Team,"
                     "EXAMPLE-FAMILY,no,,2026-06-01,2026-06-26,2026-07-08,no,no,2026-08-06,"
                     "2026-07-08,2026-09-09,review,2026-12-02,review,,,"
                     '2026-05-20,2A,N1,2026-06-01,"3B, 4B",,F,WBRI,H801200001001,,NONE')
    assert second.endswith(",2026-10-16,RC7" + "," * 11)  # no census fields recorded


def test_export_to_an_unknown_extension_is_refused(cin, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    result = cin("export", str(tmp_path / "all.txt"))
    assert result.code == 1
    assert ("cin exports to .json (full history), .csv (one row per child), .xml (a DfE census "
            "return) or .xlsx (Annex A List 6)") in result.err


def test_export_without_a_database_says_how_to_make_one(cin, db, tmp_path):
    result = cin("export", str(tmp_path / "all.json"))
    assert result.code == 1
    assert result.err.startswith(f"cin: there is no database at {db} yet.")
    assert not db.exists()


def test_restore_a_backup(cin, db, tmp_path):
    assert cin("import", str(TEMPLATE)).code == 0
    assert cin("import", str(write_json(tmp_path / "more.json", [case("C-9")]))).code == 0
    (backup,) = (db.parent / "backups" / db.name).iterdir()
    result = cin("restore", str(backup))
    assert result.code == 0
    assert result.out.startswith(f"Restored {db} from {backup}.")
    exported = tmp_path / "after.json"
    cin("export", str(exported))
    assert [c["ref"] for c in json.loads(exported.read_text(encoding="utf-8"))["cases"]] == [
        "EX-0001", "EX-0002"]  # C-9 came after the backup


def test_export_says_what_it_leaves_out(cin, tmp_path):
    demo = tmp_path / "demo.db"
    cin("demo", "--no-tui", database=demo)
    result = cin("export", str(tmp_path / "demo.json"), database=demo)
    assert result.out.splitlines()[1].startswith("Not included: 9 management oversight notes")


def test_csv_export_import_export_is_stable(cin, tmp_path):
    first_db, second_db = tmp_path / "first.db", tmp_path / "second.db"
    cin("demo", "--no-tui", database=first_db)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert cin("export", str(first), database=first_db).code == 0
    assert cin("import", str(first), database=second_db).code == 0
    assert cin("export", str(second), database=second_db).code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"\xef\xbb\xbfref,name,")  # BOM for Excel
