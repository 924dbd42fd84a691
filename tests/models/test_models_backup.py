"""Backups through the backup API, rotation, and restore with an integrity check first."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models import errors
from models.backup import (
    automatic_backup,
    backup_database,
    default_backup_folder,
    integrity_problems,
    list_backups,
    rotate_backups,
)
from models.db import open_database, session_scope
from models.queries import audit_log, list_cases
from models.recovery import restore_database

pytestmark = pytest.mark.sqlite_only(
    "about SQLite files as such: backups, file modes, WAL, locks, recovery")


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
                         now=datetime(2026, 11, 23, 9, minute, tzinfo=UTC))
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


def test_restore_over_a_damaged_database_keeps_the_damaged_file(db_path, engine, add_case,
                                                                tmp_path):
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


# Issue 10: backups belong to their database; restore checks first; opening refuses what is not
# cin's; the audit guard cannot go missing unnoticed.


def _identity(path: Path) -> str | None:
    from models.identity import read_identity

    return read_identity(path)


def _legacy_database(path: Path) -> None:
    """A database as cin left it before identities: schema 0003, application id 0."""
    from models.db import make_engine
    from models.migrate import upgrade

    path.parent.mkdir(parents=True, exist_ok=True)
    legacy = make_engine(path)
    upgrade(legacy, "0003")
    with legacy.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO audit_log (at, actor, action, case_ref, summary) VALUES "
            "('2026-01-05 09:00:00', 'Sam', 'import', 'C1', 'Imported a new case')")
    legacy.dispose()


def test_a_new_database_has_an_identity_and_cins_application_id(db_path, engine):
    from models.identity import CIN_APPLICATION_ID

    identity = _identity(db_path)
    assert identity and len(identity) == 36
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == CIN_APPLICATION_ID
    engine.dispose()
    open_database(db_path).dispose()
    assert _identity(db_path) == identity  # made once, at creation
    assert not [p for p in db_path.parent.iterdir() if ".new-" in p.name]  # no building file left


def test_a_database_made_before_identities_opens_and_gets_one(db_path):
    _legacy_database(db_path)
    assert _identity(db_path) is None
    engine = open_database(db_path)
    engine.dispose()
    assert _identity(db_path) is not None
    with session_scope(open_database(db_path), write=False) as session:
        assert [a.summary for a in audit_log(session)] == ["Imported a new case"]


def test_backups_carry_the_identity_and_go_in_the_databases_own_folder(db_path, engine, add_case):
    add_case("C1")
    made = automatic_backup(db_path, reason="by-hand", keep=3)
    assert made.parent == db_path.parent / "backups" / "cin.db"
    assert _identity(made) == _identity(db_path)


def test_keep_must_be_at_least_one(db_path, engine, add_case):
    add_case("C1")
    with pytest.raises(ValueError):
        automatic_backup(db_path, reason="by-hand", keep=0)
    assert list_backups(default_backup_folder(db_path)) == []


def test_rotation_keeps_damaged_and_before_restore_copies(tmp_path):
    names = ["cin-20261101-090000-000000-damaged.db",
             "cin-20261102-090000-000000-before-restore.db",
             "cin-20261103-090000-000000-before-import.db",
             "cin-20261104-090000-000000-by-hand.db"]
    for name in names:
        (tmp_path / name).write_text("")
    removed = rotate_backups(tmp_path, keep=1)
    assert [p.name for p in removed] == ["cin-20261103-090000-000000-before-import.db"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [names[0], names[1], names[3]]


def test_the_advised_backup_is_sound_and_of_this_caseload(db_path, engine, add_case, tmp_path):
    from models.backup import advised_backup

    add_case("C1")
    good = automatic_backup(db_path, reason="by-hand", keep=5,
                            now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    folder = default_backup_folder(db_path)
    other = open_database(tmp_path / "other.db")
    other.dispose()
    backup_database(tmp_path / "other.db", folder / "cin-20261123-100000-000000-by-hand.db")
    (folder / "cin-20261123-110000-000000-by-hand.db").write_bytes(b"\0" * 4096)
    path, facts = advised_backup(db_path)
    assert path == good
    assert facts.cases == 1 and facts.identity == _identity(db_path)
    assert "1 case, last change" in facts.describe()


@pytest.mark.parametrize("content", [b"", b"name,dob\nAmy,2015-01-01\n"])
def test_opening_refuses_a_file_cin_did_not_make_and_never_writes_it(db_path, content):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    with pytest.raises(errors.DatabaseError) as caught:
        open_database(db_path)
    assert "cin restore" in str(caught.value) and "--db PATH" in str(caught.value)
    assert db_path.read_bytes() == content
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["cin.db"]


def test_opening_refuses_another_programs_sqlite_database(db_path):
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.close()
    before = db_path.read_bytes()
    with pytest.raises(errors.NotACinDatabase, match=r"another program made \(tables: recipes\)"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_the_demo_database_is_recognised_as_cins(tmp_path):
    from cin_tui.demo import DEMO_APPLICATION_ID as DEMO_ID
    from models.identity import DEMO_APPLICATION_ID

    assert DEMO_ID == DEMO_APPLICATION_ID
    path = tmp_path / "demo.db"
    open_database(path).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA application_id = {DEMO_ID}")
    connection.close()
    open_database(path).dispose()


def test_restore_refuses_a_newer_schema_before_touching_the_database(db_path, engine, add_case,
                                                                      tmp_path):
    add_case("C1")
    newer = backup_database(engine, tmp_path / "newer.db")
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    engine.dispose()
    before = db_path.read_bytes()
    with pytest.raises(errors.RestoreRefused, match="newer version"):
        restore_database(newer, db_path)
    assert db_path.read_bytes() == before
    assert not default_backup_folder(db_path).exists()


def test_restore_refuses_another_caseload_unless_asked(db_path, engine, add_case, tmp_path):
    add_case("C1")
    engine.dispose()
    other = open_database(tmp_path / "other.db")
    other.dispose()
    with pytest.raises(errors.RestoreRefused, match="different caseload"):
        restore_database(tmp_path / "other.db", db_path)
    assert refs(db_path) == ["C1"]
    result = restore_database(tmp_path / "other.db", db_path, other_caseload=True)
    assert refs(db_path) == []
    assert refs(result.replaced) == ["C1"]
    assert _identity(db_path) == _identity(tmp_path / "other.db")


def test_a_backup_made_before_identities_is_this_caseload_only_when_asked(db_path, tmp_path):
    legacy = tmp_path / "legacy.db"
    _legacy_database(legacy)
    open_database(db_path).dispose()
    identity = _identity(db_path)
    with pytest.raises(errors.RestoreRefused, match="made before cin recorded"):
        restore_database(legacy, db_path)
    restore_database(legacy, db_path, other_caseload=True)
    assert _identity(db_path) == identity  # the restored data is known as this caseload


def test_restore_keeps_the_audit_entries_made_after_the_backup(db_path, engine, add_case,
                                                               tmp_path):
    add_case("C1")
    saved = backup_database(engine, tmp_path / "saved.db")
    add_case("C2")
    add_case("C3")
    with session_scope(engine, write=False) as session:
        live = [(a.at, a.summary, a.case_ref) for a in audit_log(session)]
    engine.dispose()
    result = restore_database(saved, db_path, actor="Sam")
    assert result.carried_entries == 2
    restored = open_database(db_path)
    with session_scope(restored, write=False) as session:
        trail = audit_log(session)
    restored.dispose()
    assert [(a.at, a.summary, a.case_ref) for a in trail[:-1]] == live
    assert trail[-1].action == "restore" and "2 audit entries" in trail[-1].summary
    assert refs(db_path) == ["C1"]


def test_a_missing_audit_guard_refuses_audited_writes_until_repaired(db_path, engine, add_case):
    import sqlalchemy.exc

    from models.recovery import repair_audit_guard

    add_case("C1")
    engine.dispose()
    with sqlite3.connect(db_path) as connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
    connection.close()
    guarded = open_database(db_path)
    try:
        with (pytest.raises(errors.AuditGuardMissing, match="cin repair-audit-guard"),
              session_scope(guarded) as session):
            from models.audit import record

            record(session, actor="x", action="x", case_ref=None, summary="x")
        # nor can old entries be changed
        with pytest.raises(sqlalchemy.exc.IntegrityError), guarded.begin() as connection:
            connection.exec_driver_sql("UPDATE audit_log SET summary = 'nothing happened'")
        with session_scope(guarded, write=False) as session:
            assert len(audit_log(session)) == 1
    finally:
        guarded.dispose()
    assert repair_audit_guard(db_path, actor="Sam") == ["audit_log_no_update"]
    assert repair_audit_guard(db_path, actor="Sam") == []
    engine = open_database(db_path)
    try:
        with session_scope(engine, write=False) as session:
            assert [a.action for a in audit_log(session)][-1] == "repair_audit_guard"
    finally:
        engine.dispose()


def test_the_backup_taken_before_the_identity_upgrade_restores_as_this_caseload(db_path):
    _legacy_database(db_path)
    open_database(db_path).dispose()  # upgrades, after a before-migration backup
    identity = _identity(db_path)
    [before_upgrade] = list_backups(default_backup_folder(db_path))
    assert _identity(before_upgrade) is None
    result = restore_database(before_upgrade, db_path)
    assert result.backup.identity is None
    assert _identity(db_path) == identity
