"""`cin backup`, `cin restore` and `cin audit` as a user runs them: backups are consistent and
private, a restore checks first and keeps what it replaces, and the audit trail shows who changed
what, including restores."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from .helpers import Cin, assert_clean_failure, case_records, database_state, write_cases_json
from .test_faults import HOLD_WRITE_LOCK


def _setup(cin: Cin, tmp_path: Path, worker: str = "Sam Patel") -> list[str]:
    settings = Path(cin.env["CIN_SETTINGS_DIR"])
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "settings.toml").write_text(f'worker = "{worker}"\n', encoding="utf-8")
    seed = write_cases_json(tmp_path / "seed.json", 3, prefix="M")
    result = cin.run("import", str(seed))
    assert result.returncode == 0, result.stderr
    return database_state(cin.database)[1]


def _rename(cin: Cin, tmp_path: Path, ref_number: int, name: str) -> None:
    records = case_records(3, prefix="M")
    records[ref_number - 1]["name"] = name
    changed = tmp_path / f"rename-{ref_number}.json"
    changed.write_text(json.dumps({"cases": records}), encoding="utf-8")
    result = cin.run("import", str(changed))
    assert result.returncode == 0, result.stderr


def test_backup_to_a_file_is_a_private_sound_copy(cin: Cin, tmp_path: Path) -> None:
    refs = _setup(cin, tmp_path)
    copy = tmp_path / "kept" / "monday.db"
    result = cin.run("backup", str(copy))
    assert result.returncode == 0, result.stderr
    assert str(copy) in result.stdout
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert database_state(copy) == ([], refs, 6)  # 3 cases, 2 visits each


def test_backup_never_overwrites(cin: Cin, tmp_path: Path) -> None:
    _setup(cin, tmp_path)
    existing = tmp_path / "precious.db"
    existing.write_bytes(b"someone's file")
    message = assert_clean_failure(cin.run("backup", str(existing)))
    assert "already exists" in message
    assert existing.read_bytes() == b"someone's file"
    message = assert_clean_failure(cin.run("backup", str(cin.database)))
    assert "the database itself" in message


def test_backup_without_a_file_goes_to_the_backups_folder(cin: Cin, tmp_path: Path) -> None:
    refs = _setup(cin, tmp_path)
    result = cin.run("backup")
    assert result.returncode == 0, result.stderr
    (made,) = (cin.database.parent / "backups" / cin.database.name).glob("cin-*-by-hand.db")
    assert database_state(made)[1] == refs


def test_backup_while_another_copy_is_saving_takes_the_last_saved_state(
    cin: Cin, tmp_path: Path
) -> None:
    refs = _setup(cin, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(cin.database)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = cin.run("backup", str(tmp_path / "during.db"))
        assert result.returncode == 0, result.stderr
    finally:
        holder.communicate("stop\n", timeout=30)
    assert database_state(tmp_path / "during.db") == ([], refs, 6)


def test_backup_of_a_damaged_database_is_refused(cin: Cin, tmp_path: Path) -> None:
    _setup(cin, tmp_path)
    data = cin.database.read_bytes()
    cin.database.write_bytes(data[: len(data) // 2])
    message = assert_clean_failure(cin.run("backup", str(tmp_path / "bad-copy.db")))
    assert "damaged" in message
    assert not (tmp_path / "bad-copy.db").exists()


def test_restore_puts_a_backup_back_keeps_what_it_replaced_and_is_audited(
    cin: Cin, tmp_path: Path
) -> None:
    _setup(cin, tmp_path, worker="Alex Morgan")
    assert cin.run("backup", str(tmp_path / "before-rename.db")).returncode == 0
    _rename(cin, tmp_path, 1, "Renamed Child")

    result = cin.run("restore", str(tmp_path / "before-rename.db"))
    assert result.returncode == 0, result.stderr
    (kept,) = (cin.database.parent / "backups" / cin.database.name).glob("cin-*before-restore*.db")
    assert str(kept) in result.stdout

    import sqlite3

    def name_of_first(path: Path) -> str:
        connection = sqlite3.connect(path)
        try:
            return connection.execute("SELECT name FROM cases WHERE ref = 'M-00001'").fetchone()[0]
        finally:
            connection.close()

    assert name_of_first(cin.database) == "Test Child M1"  # the backup's data is back
    assert name_of_first(kept) == "Renamed Child"          # and what it replaced is kept
    trail = json.loads(cin.run("audit", "--json").stdout)
    assert trail[-1]["action"] == "restore"
    assert trail[-1]["actor"] == "Alex Morgan"
    assert str(tmp_path / "before-rename.db") in trail[-1]["summary"]


def test_restore_of_a_damaged_backup_is_refused_and_changes_nothing(cin: Cin,
                                                                    tmp_path: Path) -> None:
    refs = _setup(cin, tmp_path)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = cin.database.read_bytes()
    message = assert_clean_failure(cin.run("restore", str(damaged)))
    assert "damaged" in message
    assert cin.database.read_bytes() == before
    assert database_state(cin.database)[1] == refs


def test_the_way_out_of_a_damaged_database_is_the_command_cin_suggests(
    cin: Cin, tmp_path: Path
) -> None:
    refs = _setup(cin, tmp_path)
    assert cin.run("backup").returncode == 0
    cin.database.write_bytes(b"\x00" * 8192)  # the disk returned zeros

    message = assert_clean_failure(cin.run("due"))
    suggested = next(line for line in message.splitlines() if "cin restore" in line)
    backup_path = suggested.split("`cin restore ", 1)[1].split("`", 1)[0]
    result = cin.run("restore", backup_path)
    assert result.returncode == 0, result.stderr
    assert cin.run("due").returncode == 0
    assert database_state(cin.database)[1] == refs
    assert list((cin.database.parent / "backups" / cin.database.name).glob("cin-*damaged*.db")), \
        "the damaged file is kept for IT, not deleted"


def test_audit_shows_who_changed_what_for_one_case(cin: Cin, tmp_path: Path) -> None:
    _setup(cin, tmp_path, worker="Jo Reviewer")
    _rename(cin, tmp_path, 2, "New Name")

    everything = cin.run("audit")
    assert everything.returncode == 0, everything.stderr
    assert all(f"M-0000{n}" in everything.stdout for n in (1, 2, 3))

    one_case = cin.run("audit", "M-00002", "--changes")
    assert one_case.returncode == 0, one_case.stderr
    lines = one_case.stdout.splitlines()
    assert not any("M-00001" in line or "M-00003" in line for line in lines)
    assert sum("Jo Reviewer" in line for line in lines) == 2   # imported, then changed
    assert any("name: Test Child M2 -> New Name" in line for line in lines)


def test_audit_of_an_unknown_case_says_so(cin: Cin, tmp_path: Path) -> None:
    _setup(cin, tmp_path)
    message = assert_clean_failure(cin.run("audit", "NO-SUCH"))
    assert "NO-SUCH" in message
