"""Opening a team server quickly (issue 13's start goal, models/server_start.py): one statement
instead of SQLAlchemy's probes and the schema checks, and `cin due` without SQLAlchemy; each
still answers what the long way answered, and still refuses what it refused."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest

from models import errors
from models.db import open_database, session_scope
from models.location import DatabaseLocation, ServerUrl
from models.stored_deadlines import SCHEMA_REVISION

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture
def server_database(postgres_server) -> Iterator[ServerUrl]:
    name, url = postgres_server.new_database()
    yield url
    postgres_server.drop(name)


def _statements_while(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement psycopg sends from now on (SQLAlchemy's and cin's alike)."""
    sent: list[str] = []
    original = psycopg.Cursor.execute

    def execute(self: psycopg.Cursor, query: object, *args: object, **kwargs: object) -> object:
        sent.append(str(query))
        return original(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return sent


def test_opening_a_team_server_at_its_latest_schema_asks_one_statement(
        server_database: ServerUrl, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: version(), current_schema(), the isolation level, standard_conforming_strings,
    # the hstore look-up, the schema's revision and the audit guard: seven statements (and a
    # BEGIN and ROLLBACK around most) before the first read could start.
    sent = _statements_while(monkeypatch)
    engine = open_database(server_database)
    try:
        assert len(sent) == 1, sent
        assert "alembic_version" in sent[0] and "pg_trigger" in sent[0]
    finally:
        engine.dispose()


def test_the_engine_knows_what_the_dialect_would_have_asked(server_database: ServerUrl) -> None:
    engine = open_database(server_database)
    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version_num").scalar()
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
            level = connection.exec_driver_sql("SHOW transaction_isolation").scalar()
        number = int(str(version))
        assert engine.dialect.server_version_info == (number // 10000, number % 10000)
        assert engine.dialect.default_schema_name == schema == "public"
        assert engine.dialect.default_isolation_level == str(level).upper()
        assert engine.dialect._backslash_escapes is False  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_missing_audit_guard_is_still_refused_on_the_quick_start(
        server_database: ServerUrl) -> None:
    with psycopg.connect(server_database.url, autocommit=True) as connection:
        connection.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete")
    with pytest.raises(errors.AuditGuardMissing):
        open_database(server_database).dispose()


def test_a_new_empty_database_is_still_migrated(postgres_server) -> None:
    name, url = postgres_server.new_database(empty=True)
    try:
        open_database(url).dispose()
        with psycopg.connect(url.url) as connection:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        assert found == [(SCHEMA_REVISION,)]
    finally:
        postgres_server.drop(name)


def _cin(database: DatabaseLocation, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    where = database.url if isinstance(database, ServerUrl) else str(database)
    settings = tmp_path / "settings"
    settings.mkdir(exist_ok=True)
    environment = {**os.environ, "CIN_SETTINGS_DIR": str(settings)}
    for name in ("CIN_DB", "CIN_TODAY", "CIN_DEBUG"):
        environment.pop(name, None)
    # Reports, after the command, whether SQLAlchemy was loaded at all.
    code = ("import sys\nfrom cin_tui.cli import main\ncode = main(sys.argv[1:])\n"
            "print('SQLALCHEMY', 'sqlalchemy' in sys.modules, file=sys.stderr)\n"
            "sys.exit(code)")
    return subprocess.run([sys.executable, "-c", code, "--db", where, "--today",
                           TODAY.isoformat(), *args], capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=120)


def test_cin_due_on_a_team_server_answers_as_on_a_file_without_loading_sqlalchemy(
        database: DatabaseLocation, tmp_path: Path) -> None:
    from models.commands import upsert_cases
    from models.inputs import CaseInput
    from policies.packs import load_policies

    engine = open_database(database)
    try:
        with session_scope(engine) as session:
            upsert_cases(session, cases=[
                CaseInput(ref="A1", name="Amy", allocated=date(2026, 11, 2), policy="wirral",
                          worker="Ann Lee", team="North"),
                CaseInput(ref="B2", name="Ben", allocated=date(2026, 10, 5), policy="wirral",
                          worker="Bo Day", team="North")],
                actor="setup", policies=load_policies(None), today=TODAY)
    finally:
        engine.dispose()
    first = _cin(database, "due", "--json", tmp_path=tmp_path)  # works out and stores today's
    again = _cin(database, "due", "--json", tmp_path=tmp_path)  # the stored rows: rung 1
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert {item["ref"] for item in json.loads(again.stdout)} == {"A1", "B2"}
    assert "SQLALCHEMY False" in again.stderr  # SQLite's first read never loaded it either


def test_cin_due_on_a_server_it_cannot_reach_says_so_without_a_traceback(
        postgres_server, tmp_path: Path) -> None:
    url = ServerUrl(re.sub(r"/[^/?]+\?", "/no_such_cin_database?", postgres_server.admin_url))
    done = _cin(url, "due", "--json", tmp_path=tmp_path)
    assert done.returncode != 0
    assert "no_such_cin_database" in done.stderr
    assert "Traceback" not in done.stderr
