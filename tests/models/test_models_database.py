"""Opening an SQLite database file: file privacy, connection settings, locks, and the messages
a user sees when the file or folder is unusable. (What a transaction promises, on both
engines: test_models_transactions.py.)"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import errors
from models.backup import automatic_backup
from models.db import default_database_path, open_database, session_scope
from models.tables import Visit

pytestmark = pytest.mark.sqlite_only(
    "about SQLite files as such: backups, file modes, WAL, locks, recovery")


def test_database_file_is_private_to_its_owner(db_path, engine):
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_a_new_database_goes_in_a_folder_that_is_created(tmp_path):
    path = tmp_path / "not" / "there" / "yet.db"
    open_database(path).dispose()
    assert path.is_file()


def test_default_location_is_the_users_data_folder():
    path = default_database_path()
    assert path.name == "cin.db"
    assert path.parent.name == "cin-tui"


def test_connection_settings(engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # 2 = FULL: the WAL is synced at every commit, so a confirmed save survives power loss.
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_no_engine_or_file_at_import_time(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    code = (
        "import sys, models.db, models.tables, models.commands, models.queries, "
        "models.backup, models.validation\n"
        "from sqlalchemy import Engine\n"
        "mods = [m for n, m in sys.modules.items() if n.startswith('models')]\n"
        "assert not any(isinstance(v, Engine) for m in mods for v in vars(m).values())\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path.cwd())
    assert not (tmp_path / "data").exists()


# --- problems the user must be told about ---------------------------------------------------


def test_locked_by_another_copy(db_path, add_case, engine):
    add_case("C1")
    quick = open_database(db_path, busy_timeout=0.2)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other copy is in the middle of a save
    try:
        with pytest.raises(errors.DatabaseLocked) as caught, session_scope(quick) as session:
            session.add(Visit(case_id=1, date=date(2026, 11, 2)))
    finally:
        other.execute("ROLLBACK")
        other.close()
        quick.dispose()
    message = str(caught.value)
    assert "another copy of cin" in message
    assert str(db_path) in message
    assert "Nothing was saved" in message


def test_a_lock_that_clears_within_the_timeout_just_waits(db_path, add_case, engine):
    add_case("C1")
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: other.execute("ROLLBACK")).start()
    with session_scope(engine) as session:  # waits up to 5 s, then saves
        session.add(Visit(case_id=1, date=date(2026, 11, 2)))
    other.close()
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_read_only_file(db_path, engine):
    engine.dispose()
    os.chmod(db_path, 0o400)
    try:
        with pytest.raises(errors.DatabaseReadOnly) as caught:
            open_database(db_path)
    finally:
        os.chmod(db_path, 0o600)
    assert "read-only" in str(caught.value)
    assert str(db_path) in str(caught.value)
    assert "--db PATH" in str(caught.value)


def test_corrupt_file_without_a_backup(tmp_path):
    path = tmp_path / "cin.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(errors.DatabaseCorrupt) as caught:
        open_database(path)
    assert "damaged" in str(caught.value)
    assert "No backup was found" in str(caught.value)


def test_corrupt_file_offers_the_latest_backup(db_path, engine, add_case):
    add_case("C1")
    backup = automatic_backup(db_path, reason="before-import", keep=5)
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(b"\0garbage" * 1000)
    with pytest.raises(errors.DatabaseCorrupt) as caught:
        open_database(db_path)
    assert caught.value.latest_backup == backup
    assert f"cin restore {backup}" in str(caught.value)


def test_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(errors.DatabaseFolderNotWritable) as caught:
        open_database(blocker / "cin.db")
    assert "cannot be written" in str(caught.value)
    assert "--db PATH" in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to any folder")
def test_folder_without_write_permission(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(errors.DatabaseFolderNotWritable):
            open_database(folder / "cin.db")
    finally:
        folder.chmod(0o700)


def test_two_copies_opening_a_new_database_at_once_both_succeed(db_path):
    from concurrent.futures import ThreadPoolExecutor

    from models.migrate import current_revision, head_revision

    with ThreadPoolExecutor(max_workers=2) as pool:
        engines = list(pool.map(lambda _: open_database(db_path), range(2)))
    try:
        assert [current_revision(e) for e in engines] == [head_revision()] * 2
    finally:
        for e in engines:
            e.dispose()
