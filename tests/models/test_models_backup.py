"""Backups through the backup API, rotation, and restore with an integrity check first."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from models import errors
from models.backup import (
    automatic_backup,
    backup_database,
    default_backup_folder,
    integrity_problems,
    list_backups,
    restore_database,
    rotate_backups,
)
from models.db import open_database, session_scope
from models.queries import audit_log, list_cases


def refs(path: Path) -> list[str]:
    engine = open_database(path)
    try:
        with session_scope(engine, write=False) as session:
            return [c.ref for c in list_cases(session, include_closed=True)]
    finally:
        engine.dispose()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backup_is_a_private_sound_copy_taken_while_open(engine, add_case, tmp_path):
    add_case("C1")
    copy = backup_database(engine, tmp_path / "copies" / "copy.db")
    assert mode(copy) == 0o600
    assert integrity_problems(copy) == []
    assert refs(copy) == ["C1"]


def test_automatic_backups_are_named_by_time_and_rotated(db_path, engine, add_case):
    add_case("C1")
    made = [
        automatic_backup(db_path, reason="before import", keep=3,
                         now=datetime(2026, 11, 23, 9, minute, tzinfo=timezone.utc))
        for minute in range(5)
    ]
    folder = default_backup_folder(db_path)
    assert made[0].name == "cin-20261123-090000-000000-before-import.db"
    assert list_backups(folder) == made[2:]  # the three newest are kept
    assert mode(folder) == 0o700


def test_rotation_leaves_other_files_alone(tmp_path):
    (tmp_path / "my-notes.db").write_text("mine")
    for name in ("cin-20261101-090000-000000-by-hand.db", "cin-20261102-090000-000000-by-hand.db"):
        (tmp_path / name).write_text("")
    removed = rotate_backups(tmp_path, keep=1)
    assert [p.name for p in removed] == ["cin-20261101-090000-000000-by-hand.db"]
    assert (tmp_path / "my-notes.db").exists()


def test_nothing_to_back_up(tmp_path):
    assert automatic_backup(tmp_path / "none.db", reason="x", keep=3) is None


def test_restore_replaces_the_database_and_keeps_what_it_replaced(
    db_path, engine, add_case, tmp_path
):
    add_case("C1")
    saved = backup_database(engine, tmp_path / "saved.db")
    add_case("C2")  # made after the backup: the restore takes it away...
    engine.dispose()
    replaced = restore_database(saved, db_path, actor="Sam").replaced
    assert refs(db_path) == ["C1"]
    assert refs(replaced) == ["C1", "C2"]  # ...but a copy of what was replaced is kept
    assert mode(replaced) == 0o600
    restored = open_database(db_path)
    with session_scope(restored, write=False) as session:
        [entry] = audit_log(session, newest_first=True, limit=1)
    restored.dispose()
    assert (entry.action, entry.actor) == ("restore", "Sam")
    assert entry.after["restored_from"] == str(saved)
    assert entry.before["replaced_copy_kept_at"] == str(replaced)


def test_restore_refuses_a_damaged_backup_and_changes_nothing(db_path, engine, add_case, tmp_path):
    add_case("C1")
    engine.dispose()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    with pytest.raises(errors.DatabaseCorrupt):
        restore_database(damaged, db_path)
    assert refs(db_path) == ["C1"]


def test_restore_over_a_damaged_database_keeps_the_damaged_file(db_path, engine, add_case, tmp_path):
    add_case("C1")
    saved = backup_database(engine, tmp_path / "saved.db")
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(b"garbage" * 1000)
    kept = restore_database(saved, db_path).replaced
    assert kept.read_bytes() == b"garbage" * 1000
    assert refs(db_path) == ["C1"]


def test_restore_of_a_missing_file(db_path):
    with pytest.raises(errors.DatabaseError, match="does not exist"):
        restore_database(db_path.parent / "nope.db", db_path)


def test_backup_of_a_missing_database(tmp_path):
    with pytest.raises(errors.DatabaseError, match="no database file"):
        backup_database(tmp_path / "nope.db", tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_integrity_check_reports_problems(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    assert integrity_problems(bad) != []
    good = tmp_path / "good.db"
    sqlite3.connect(good).close()
    assert integrity_problems(good) == []
