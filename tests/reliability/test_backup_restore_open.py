"""Issue 10, findings 2-4, as a user meets them: backups belong to their database, a restore
checks everything before it touches the live file and never shortens the audit trail, the audit
guard cannot be dropped unnoticed, and a file cin did not make is never set up as a caseload."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .helpers import Cin, assert_clean_failure, case_records, database_state, write_cases_json


def _settings(cin: Cin, text: str) -> None:
    folder = Path(cin.env["CIN_SETTINGS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(f'worker = "Sam Patel"\n{text}', encoding="utf-8")


def _import(cin: Cin, path: Path, *extra: str) -> None:
    result = cin.run(*extra, "import", str(path))
    assert result.returncode == 0, result.stderr


def _seed(cin: Cin, tmp_path: Path, count: int = 3) -> list[str]:
    _settings(cin, "")
    _import(cin, write_cases_json(tmp_path / "seed.json", count, prefix="M"))
    return database_state(cin.database)[1]


def _rename(cin: Cin, tmp_path: Path, name: str) -> None:
    records = case_records(3, prefix="M")
    records[0]["name"] = name
    changed = tmp_path / f"rename-{len(name)}.json"
    changed.write_text(json.dumps({"cases": records}), encoding="utf-8")
    _import(cin, changed)


def _own_backups(database: Path) -> Path:
    return database.parent / "backups" / database.name


def _sql(path: Path, statement: str) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


# Finding 2: backups of different databases mixed


def test_each_database_has_its_own_backups(cin: Cin, tmp_path: Path) -> None:
    _seed(cin, tmp_path)
    demo = cin.database.parent / "demo.db"
    assert cin.run("--db", str(demo), "demo", "--no-tui").returncode == 0
    assert cin.run("backup").returncode == 0
    assert cin.run("--db", str(demo), "backup").returncode == 0
    assert next(p.name for p in _own_backups(cin.database).iterdir()).endswith("-by-hand.db")
    assert len(list(_own_backups(cin.database).iterdir())) == 1
    assert len(list(_own_backups(demo).iterdir())) == 1


def test_a_damaged_database_is_never_offered_another_databases_backup(
    cin: Cin, tmp_path: Path
) -> None:
    refs = _seed(cin, tmp_path)
    assert cin.run("backup").returncode == 0
    (own,) = _own_backups(cin.database).iterdir()
    demo = cin.database.parent / "demo.db"
    assert cin.run("--db", str(demo), "demo", "--no-tui").returncode == 0
    assert cin.run("--db", str(demo), "backup").returncode == 0  # the newest backup in the folder
    (demos,) = _own_backups(demo).iterdir()
    cin.database.write_bytes(b"\x00garbage from a failing disk" * 800)

    message = assert_clean_failure(cin.run("due"))
    assert f"cin restore {own}" in message
    assert str(demos) not in message
    assert "3 cases" in message  # the advised backup is described, so the worker can judge it

    damaged = cin.database.read_bytes()
    refused = assert_clean_failure(cin.run("restore", str(demos)))
    assert "different caseload" in refused and "--other-caseload" in refused
    assert cin.database.read_bytes() == damaged  # refused before anything was touched

    assert cin.run("restore", str(own)).returncode == 0
    assert database_state(cin.database)[1] == refs


def test_restoring_another_caseload_over_a_sound_one_is_refused(cin: Cin, tmp_path: Path) -> None:
    refs = _seed(cin, tmp_path)
    other = cin.database.parent / "other.db"
    _import(cin, write_cases_json(tmp_path / "other.json", 2, prefix="Z"), "--db", str(other))
    assert cin.run("--db", str(other), "backup", str(tmp_path / "other-copy.db")).returncode == 0
    before = cin.database.read_bytes()

    refused = assert_clean_failure(cin.run("restore", str(tmp_path / "other-copy.db")))
    assert "different caseload" in refused and "Nothing was changed" in refused
    assert cin.database.read_bytes() == before
    assert not _own_backups(cin.database).exists() or not list(
        _own_backups(cin.database).glob("*before-restore*"))

    forced = cin.run("restore", "--other-caseload", str(tmp_path / "other-copy.db"))
    assert forced.returncode == 0, forced.stderr
    assert database_state(cin.database)[1] == ["Z-00001", "Z-00002"]
    (kept,) = _own_backups(cin.database).glob("*before-restore*")
    assert database_state(kept)[1] == refs


def test_rotation_never_deletes_damaged_or_before_restore_copies(cin: Cin, tmp_path: Path) -> None:
    _seed(cin, tmp_path)
    _settings(cin, "backups_to_keep = 1\n")
    assert cin.run("backup", str(tmp_path / "saved.db")).returncode == 0
    assert cin.run("restore", str(tmp_path / "saved.db")).returncode == 0  # a before-restore copy
    cin.database.write_bytes(b"\x00" * 8192)
    assert cin.run("restore", str(tmp_path / "saved.db")).returncode == 0  # a damaged copy
    for n in range(3):  # routine backups, each rotating the folder down to one
        _rename(cin, tmp_path, f"Renamed {'x' * n}")
        assert cin.run("backup").returncode == 0
    names = sorted(p.name for p in _own_backups(cin.database).iterdir())
    assert sum(name.endswith("-before-restore.db") for name in names) == 1, names
    assert sum(name.endswith("-damaged.db") for name in names) == 1, names
    assert sum(name.endswith(("-by-hand.db", "-before-import.db")) for name in names) == 1, names


def test_keeping_no_backups_is_refused_by_name(cin: Cin, tmp_path: Path) -> None:
    _seed(cin, tmp_path)
    _settings(cin, "backups_to_keep = 0\n")
    message = assert_clean_failure(cin.run("backup"))
    assert "backups_to_keep: expected a whole number from 1 to 1000, got 0" in message
    assert not _own_backups(cin.database).exists()


# Finding 3: restore


def test_a_backup_from_a_newer_version_is_refused_before_the_database_is_touched(
    cin: Cin, tmp_path: Path
) -> None:
    refs = _seed(cin, tmp_path)
    newer = tmp_path / "newer.db"
    assert cin.run("backup", str(newer)).returncode == 0
    _sql(newer, "UPDATE alembic_version SET version_num = '9999'")
    before = cin.database.read_bytes()

    message = assert_clean_failure(cin.run("restore", str(newer)))
    assert "newer version of cin (schema 9999)" in message
    assert cin.database.read_bytes() == before
    assert database_state(cin.database)[1] == refs
    assert not _own_backups(cin.database).exists()


def test_a_restore_never_shortens_the_audit_trail(cin: Cin, tmp_path: Path) -> None:
    _seed(cin, tmp_path)
    assert cin.run("backup", str(tmp_path / "monday.db")).returncode == 0
    _rename(cin, tmp_path, "Renamed After The Backup")
    trail_before = json.loads(cin.run("audit", "--json").stdout)

    result = cin.run("restore", str(tmp_path / "monday.db"))
    assert result.returncode == 0, result.stderr
    assert "made after the backup are kept" in result.stdout or "made after the backup is" in \
        result.stdout
    trail = json.loads(cin.run("audit", "--json").stdout)
    strip = [{k: e[k] for k in ("at", "actor", "action", "case_ref", "summary", "before", "after")}
             for e in trail]
    assert strip[: len(trail_before)] == [
        {k: e[k] for k in ("at", "actor", "action", "case_ref", "summary", "before", "after")}
        for e in trail_before
    ]
    assert any("Renamed After The Backup" in json.dumps(e["after"]) for e in trail)
    assert trail[-1]["action"] == "restore" and len(trail) == len(trail_before) + 1


def test_dropping_the_audit_guard_is_noticed_and_can_be_repaired(cin: Cin, tmp_path: Path) -> None:
    refs = _seed(cin, tmp_path)
    _sql(cin.database, "DROP TRIGGER audit_log_no_delete")

    changed = tmp_path / "changed.json"
    records = case_records(4, prefix="M")
    changed.write_text(json.dumps({"cases": records}), encoding="utf-8")
    message = assert_clean_failure(cin.run("import", str(changed)))
    assert "audit trail is not protected" in message
    assert "audit_log_no_delete" in message and "cin repair-audit-guard" in message
    assert "Traceback" not in message
    assert database_state(cin.database)[1] == refs  # nothing was saved
    assert cin.run("audit").returncode == 0  # reading still works
    assert cin.run("due").returncode == 0

    repaired = cin.run("repair-audit-guard")
    assert repaired.returncode == 0, repaired.stderr
    assert "audit_log_no_delete" in repaired.stdout
    trail = json.loads(cin.run("audit", "--json").stdout)
    assert trail[-1]["action"] == "repair_audit_guard"
    _import(cin, changed)
    assert len(database_state(cin.database)[1]) == 4
    assert "nothing to repair" in cin.run("repair-audit-guard").stdout


# Finding 4: a file cin did not make


def _other_programs_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _sql(path, "CREATE TABLE recipes (name TEXT, minutes INTEGER)")
    _sql(path, "INSERT INTO recipes VALUES ('soup', 20)")


def test_an_empty_file_is_not_a_caseload_with_nothing_due(cin: Cin, tmp_path: Path) -> None:
    cin.database.parent.mkdir(parents=True)
    cin.database.write_bytes(b"")
    for command in (("due",), ("import", str(write_cases_json(tmp_path / "a.json", 1))),
                    ("audit",), ("backup",)):
        message = assert_clean_failure(cin.run(*command))
        assert "an empty file (0 bytes)" in message, command
        assert "cin restore" in message and "--db PATH" in message
        assert "Nothing due" not in cin.run(*command).stdout
        assert cin.database.read_bytes() == b"", command
    assert not Path(f"{cin.database}-wal").exists()


def test_another_programs_database_is_refused_and_never_written(cin: Cin, tmp_path: Path) -> None:
    _other_programs_database(cin.database)
    before = cin.database.read_bytes()
    for command in (("due",), ("import", str(write_cases_json(tmp_path / "a.json", 1))),
                    ("restore", str(tmp_path / "nope.db")), ("repair-audit-guard",)):
        message = assert_clean_failure(cin.run(*command))
        assert cin.database.read_bytes() == before, command
        if command[0] != "restore":
            assert "another program made (tables: recipes)" in message, message
            assert "cin has not changed it" in message


def test_a_file_that_is_not_sqlite_is_refused_and_never_written(cin: Cin, tmp_path: Path) -> None:
    cin.database.parent.mkdir(parents=True)
    cin.database.write_text("name,dob\nAmy,2015-01-01\n", encoding="utf-8")
    before = cin.database.read_bytes()
    message = assert_clean_failure(cin.run("due"))
    assert "not an SQLite database" in message and "--db PATH" in message
    assert cin.database.read_bytes() == before


def test_a_backup_can_be_restored_over_an_empty_file(cin: Cin, tmp_path: Path) -> None:
    refs = _seed(cin, tmp_path)
    assert cin.run("backup").returncode == 0
    cin.database.write_bytes(b"")
    message = assert_clean_failure(cin.run("due"))
    suggested = message.split("`cin restore ", 1)[1].split("`", 1)[0]
    result = cin.run("restore", suggested)
    assert result.returncode == 0, result.stderr
    assert database_state(cin.database)[1] == refs
    assert cin.run("due").returncode == 0
