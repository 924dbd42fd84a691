"""Migrations: applied on open, keep the data, back up first, and guard the audit log."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date

import pytest
import sqlalchemy.exc
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from models import errors
from models.backup import default_backup_folder, list_backups
from models.db import make_engine, open_database, session_scope
from models.migrate import current_revision, head_revision, upgrade
from models.queries import audit_log, get_case_detail
from models.stored_deadlines import SCHEMA_REVISION


def _make_first_version_database(path):
    """A database as the first release left it: schema 0001 with a case, a visit and an
    audit entry in it."""
    if not hasattr(path, "url"):  # an SQLite file, not a server
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO workers (id, name, team) VALUES (1, 'Sam', 'East')")
        connection.exec_driver_sql(
            "INSERT INTO cases (id, ref, name, dob, worker_id, policy_id, disabled, "
            "private_fostering, visit_every, allocated, created_at, updated_at) VALUES "
            "(1, 'C1', 'Amy', '2015-03-01', 1, 'wirral', false, false, '10wd', '2026-01-05', "
            "'2026-01-05 09:00:00', '2026-01-05 09:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO visits (case_id, date, seen, seen_alone) "
            "VALUES (1, '2026-11-02', true, true)"
        )
        connection.exec_driver_sql(
            "INSERT INTO audit_log (at, actor, action, case_ref, summary) VALUES "
            "('2026-01-05 09:00:00', 'Sam', 'import', 'C1', 'Imported a new case')"
        )
    engine.dispose()


def test_a_first_version_database_is_upgraded_on_open_and_keeps_its_rows(empty_database):
    _make_first_version_database(empty_database)
    engine = open_database(empty_database)
    try:
        assert current_revision(engine) == head_revision() == SCHEMA_REVISION
        with session_scope(engine, write=False) as session:
            detail = get_case_detail(session, "C1")
            assert detail.summary.name == "Amy"
            assert detail.summary.worker == "Sam"
            assert [v.date for v in detail.visits] == [date(2026, 11, 2)]
            assert [a.summary for a in audit_log(session)] == ["Imported a new case"]
        with engine.connect() as connection:  # migration 0004 gave the old visit an identity
            (uid,) = connection.exec_driver_sql("SELECT uid FROM visits").one()
        assert uuid.UUID(uid).version == 4
    finally:
        engine.dispose()


@pytest.mark.sqlite_only("automatic backups are of a file: a team server is backed up with "
                         "pg_dump (docs/deploy.md)")
def test_the_database_is_backed_up_before_a_migration_changes_it(db_path):
    _make_first_version_database(db_path)
    open_database(db_path).dispose()
    [backup] = list_backups(default_backup_folder(db_path))
    assert "before-migration" in backup.name
    with sqlite3.connect(backup) as copy:  # the copy is of the data as it was: schema 0001
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert copy.execute("SELECT ref FROM cases").fetchall() == [("C1",)]


@pytest.mark.sqlite_only("automatic backups are of a file: a team server is backed up with "
                         "pg_dump (docs/deploy.md)")
def test_no_backup_of_a_new_database_or_one_already_up_to_date(db_path):
    open_database(db_path).dispose()
    open_database(db_path).dispose()
    assert list_backups(default_backup_folder(db_path)) == []


def test_the_tables_match_the_migrations(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET summary = 'nothing happened'", "DELETE FROM audit_log"],
)
def test_the_audit_log_cannot_be_changed_or_deleted(engine, add_case, statement):
    add_case("C1")  # writes one audit entry
    with (pytest.raises(sqlalchemy.exc.IntegrityError, match="audit entries cannot be changed"),
          engine.begin() as connection):
        connection.exec_driver_sql(statement)
    with session_scope(engine, write=False) as session:
        assert [a.summary for a in audit_log(session)] == ["Imported a new case"]


def test_a_team_server_without_its_audit_guard_is_refused(postgres_server):
    """Whoever drops the guard's trigger on the server (a psql session, say) finds cin will
    not open the database until it is back, naming the missing trigger."""
    name, url = postgres_server.new_database()
    try:
        open_database(url).dispose()  # the template already has the guard: opening is fine
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete ON audit_log")
        engine.dispose()
        with pytest.raises(errors.AuditGuardMissing, match="audit_log_no_delete"):
            open_database(url)
    finally:
        postgres_server.drop(name)


def test_two_first_opens_of_an_empty_team_database_migrate_it_once(postgres_server):
    """Two workers starting cin on a new team database at the same moment (two processes):
    one migrates, the other waits for it (an advisory lock) and finds it done."""
    import subprocess
    import sys

    name, url = postgres_server.new_database(empty=True)
    probe = ("import sys\nfrom models.db import open_database\n"
             "open_database(sys.argv[1]).dispose()\n")
    try:
        opens = [subprocess.Popen([sys.executable, "-c", probe, url.url],
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in opens]
        assert results == [(0, ""), (0, "")]
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()
    finally:
        postgres_server.drop(name)
