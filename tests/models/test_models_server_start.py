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


# ----- the App's start: fewer round trips (change_marker in autocommit, the packs loaded
# while the server answers; the snapshots still one moment each) -------------------------

def _begins_while(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every BEGIN psycopg starts a transaction with from now on."""
    begun: list[bytes] = []
    original = psycopg.Connection._get_tx_start_command

    def start(self: psycopg.Connection) -> bytes:
        begun.append(original(self))
        return begun[-1]

    monkeypatch.setattr(psycopg.Connection, "_get_tx_start_command", start)
    return begun


def _service(url: ServerUrl):
    from models.service import CaseloadService

    return CaseloadService(database=url, settings_dir=None, today=TODAY, actor="test")


def _add_case(service, ref: str) -> None:
    from models.inputs import CaseInput

    service.add_case(CaseInput(ref=ref, name="Amy Test", allocated=date(2026, 11, 2),
                               policy="leicestershire", worker="Worker 001"))


def test_the_change_marker_is_one_statement_without_a_transaction_and_moves_on_a_save(
        server_database: ServerUrl, monkeypatch: pytest.MonkeyPatch) -> None:
    with _service(server_database).open() as service:
        before = service.change_marker()
        _add_case(service, "C1")
        begun = _begins_while(monkeypatch)
        sent = _statements_while(monkeypatch)
        after = service.change_marker()
        sent_by_marker, begun_by_marker = list(sent), list(begun)
        with psycopg.connect(server_database.url) as connection:
            newest = connection.execute("SELECT max(id) FROM audit_log").fetchone()
        # What the App compares every few seconds: it moved with the save, to the newest entry.
        assert after != before and newest is not None and after == newest[0]
        # One statement: no BEGIN before it (nor COMMIT after it) to wait for.
        assert sent_by_marker == ["SELECT max(id) FROM audit_log"]
        assert begun_by_marker == []


def test_a_read_only_snapshot_sees_one_moment(server_database: ServerUrl) -> None:
    from models.connection import read_only_snapshot

    with _service(server_database).open() as service:
        _add_case(service, "C1")
        with read_only_snapshot(service.engine) as connection:
            first = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
            _add_case(service, "C2")  # a colleague's save, committed meanwhile
            again = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
        with read_only_snapshot(service.engine) as connection:
            now = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
    # The first screen's statements agree with each other (REPEATABLE READ): the case saved
    # during the snapshot is not half in it; the next snapshot has it.
    assert (first, again, now) == (1, 1, 2)


def test_the_start_reads_the_first_screen_then_opens_with_the_packs_loaded_meanwhile(
        server_database: ServerUrl) -> None:
    with _service(server_database).open() as service:
        _add_case(service, "C1")
        expected = service.caseload()
    service = _service(server_database)
    try:
        first = service.stored_caseload(limit=120)
        service.open()
        # The first screen is the caseload the full read gives; the packs are there for the
        # rest of the start (loaded on the side while the first screen was read).
        assert first is not None and [row.ref for row in first] == ["C1"]
        assert [row.ref for row in service.caseload()] == [row.ref for row in expected]
        assert "leicestershire" in service.policies
    finally:
        service.close()


def test_a_bad_pack_is_still_reported_by_open_on_a_team_server(
        server_database: ServerUrl, tmp_path: Path) -> None:
    from models.service import CaseloadService

    settings = tmp_path / "settings"
    (settings / "policies").mkdir(parents=True)
    (settings / "policies" / "broken.toml").write_text("id = [unclosed\n", encoding="utf-8")
    service = CaseloadService(database=server_database, settings_dir=settings, today=TODAY,
                              actor="test")
    try:
        service.stored_caseload(limit=120)  # starts loading the packs on the side
        with pytest.raises(Exception) as raised:
            service.open()
        assert "broken" in str(raised.value)
    finally:
        service.close()
