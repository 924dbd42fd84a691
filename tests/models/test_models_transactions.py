"""What a transaction promises, on both engines: constraints hold, a failed block leaves
nothing behind, a read sees one snapshot, and a database from a newer cin is left alone."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select, text

from models import errors
from models.db import make_engine, open_database, session_scope
from models.tables import Case, Visit

_NEW_CASE = ("INSERT INTO cases (ref, name, policy_id, disabled, private_fostering, allocated, "
             "created_at, updated_at) VALUES (:ref, 'x', 'wirral', false, false, '2026-01-05', "
             "'2026-01-05', '2026-01-05')")


def test_foreign_keys_are_enforced(engine):
    with (pytest.raises(sqlalchemy.exc.IntegrityError, match=r"(?i)foreign key"),
          session_scope(engine) as session):
        session.add(Visit(case_id=999, date=date(2026, 11, 2)))


def test_case_reference_is_unique(engine, add_case):
    add_case("C1")
    with (pytest.raises(sqlalchemy.exc.IntegrityError, match=r"(?i)unique"),
          session_scope(engine) as session):
        session.execute(text(_NEW_CASE), {"ref": "C1"})


def test_session_scope_rolls_back_everything_when_the_block_fails(engine, add_case):
    add_case("C1")
    with session_scope(engine, write=False) as session:
        case_id = session.scalar(select(Case.id).where(Case.ref == "C1"))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(Visit(case_id=case_id, date=date(2026, 11, 2)))
        session.flush()
        raise RuntimeError("form crashed")
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 0


def test_reads_in_one_session_see_one_snapshot(database, engine, add_case):
    """A case's record and its row of deadlines are read in one read-only transaction so they
    agree (models/service.py `case`): a case another program adds in between is not seen
    until the next one. (On SQLite the pysqlite recipe makes BEGIN real; on PostgreSQL a
    read-only transaction is REPEATABLE READ, where READ COMMITTED would see it.)"""
    add_case("C1")
    other = make_engine(database)
    try:
        with session_scope(engine, write=False) as session:
            before = session.scalar(select(func.count()).select_from(Case))
            with other.begin() as connection:
                connection.execute(text(_NEW_CASE), {"ref": "C2"})
            assert session.scalar(select(func.count()).select_from(Case)) == before == 1
    finally:
        other.dispose()
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 2


def test_database_from_a_newer_version(database, engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(errors.DatabaseTooNew) as caught:
        open_database(database)
    assert "newer version of cin" in str(caught.value)
