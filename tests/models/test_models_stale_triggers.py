"""What makes a stored row stale is derived, not hand-kept (issue 11, item 2).

Every table the facts builder (`models.queries.case_facts`, `case_facts_by_id`) actually reads,
found with SQLite's authorizer while it runs over a case with something in every table, must
have a trigger for each change that deletes stored deadlines; and the code digest must cover
every module of this project that working out and reading deadlines loads.
"""

from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from models import commands
from models.db import open_database, session_scope
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.queries import case_facts, case_facts_by_id
from models.stored_deadlines import _PACKAGE_ROOT, _imports_of, _module_file, code_modules
from policies.packs import load_policies

POLICIES = load_policies(None)
TODAY = date(2026, 11, 23)  # a Monday
ROOT = Path(__file__).resolve().parents[2]


def _populated(path: Path):
    """A database with a row in every table a case's facts can come from."""
    engine = open_database(path)
    with session_scope(engine) as session:
        commands.upsert_cases(session, actor="t", policies=POLICIES, today=TODAY, cases=[
            CaseInput(ref="A1", name="A", policy="wirral", allocated=date(2026, 6, 1),
                      worker="Jo", visits=[VisitInput(date(2026, 10, 1))],
                      meetings=[MeetingInput("initial", "held", date(2026, 7, 1))]),
            CaseInput(ref="A2", name="B", policy="wirral", allocated=date(2026, 6, 1),
                      worker="Jo", closure=ClosureInput(date(2026, 11, 2), "RC8")),
        ])
    with session_scope(engine) as session:
        commands.add_oversight_note(session, ref="A1", author="M", decision="continue",
                                    rationale="r", actions=[("Call", "Sam", date(2026, 12, 1))],
                                    cleared_flags=["wirral.plan_24_weeks"], today=TODAY)
    return engine


def _tables_read(engine) -> set[str]:
    read: set[str] = set()

    def authorizer(action, table, _column, _database, _source):
        if action == sqlite3.SQLITE_READ and table:
            read.add(table)
        return sqlite3.SQLITE_OK

    with session_scope(engine, write=False) as session:
        connection = session.connection().connection.driver_connection
        connection.set_authorizer(authorizer)
        try:
            assert case_facts(session, include_closed=True)
            assert case_facts_by_id(session)
            assert case_facts_by_id(session, case_ids=[1, 2])
        finally:
            connection.set_authorizer(None)
    return read


def _stale_triggers(engine) -> dict[str, set[str]]:
    """table -> the changes (INSERT, UPDATE, DELETE) a trigger deletes stored deadlines on."""
    found: dict[str, set[str]] = {}
    with session_scope(engine, write=False) as session:
        connection = session.connection().connection.driver_connection
        for table, sql in connection.execute(
                "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"):
            words = " ".join(sql.split()).upper()
            if "DELETE FROM CASE_DEADLINES" in words:
                verb = next(v for v in ("INSERT", "UPDATE", "DELETE") if f"AFTER {v} ON" in words)
                found.setdefault(table, set()).add(verb)
    return found


@pytest.mark.sqlite_only("SQLite's authorizer sees which tables the facts builder reads; "
                         "PostgreSQL's triggers are held equal to SQLite's in the next test")
def test_every_table_the_facts_builder_reads_makes_stored_deadlines_stale(tmp_path):
    engine = _populated(tmp_path / "cin.db")
    try:
        read = _tables_read(engine)
        triggers = _stale_triggers(engine)
    finally:
        engine.dispose()
    # Sanity: the probe saw the facts builder reach the child tables.
    assert {"cases", "visits", "meetings", "closures", "oversight_actions"} <= read
    for table in sorted(read):
        # A new case has no stored row yet, so `cases` needs no INSERT trigger.
        wanted = {"UPDATE", "DELETE"} if table == "cases" else {"INSERT", "UPDATE", "DELETE"}
        assert wanted <= triggers.get(table, set()), (
            f"the facts builder reads {table!r}, but a change to it would leave stored "
            f"deadlines stale: add triggers in a migration ({sorted(triggers.get(table, ()))})")


def _stale_triggers_postgresql(engine) -> dict[str, set[str]]:
    """`_stale_triggers` on PostgreSQL: each row trigger and its plpgsql function's body."""
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for table, verb, body in connection.exec_driver_sql(
                "SELECT t.event_object_table, t.event_manipulation, p.prosrc "
                "FROM information_schema.triggers AS t JOIN pg_proc AS p "
                "ON t.action_statement = 'EXECUTE FUNCTION ' || p.proname || '()' "
                "WHERE t.action_timing = 'AFTER' AND t.action_orientation = 'ROW'"):
            if "DELETE FROM CASE_DEADLINES" in " ".join(body.split()).upper():
                found.setdefault(table, set()).add(verb)
    return found


def test_postgresql_has_the_same_stale_triggers_as_sqlite(tmp_path, postgres_server):
    """Migrations 0003, 0006 and 0007 make each trigger on both engines (plpgsql functions on
    PostgreSQL): the same tables and changes make stored deadlines stale on a team server."""
    sqlite = open_database(tmp_path / "cin.db")
    name, url = postgres_server.new_database()
    server = open_database(url)
    try:
        on_sqlite = _stale_triggers(sqlite)
        on_server = _stale_triggers_postgresql(server)
    finally:
        sqlite.dispose()
        server.dispose()
        postgres_server.drop(name)
    assert "task_completions" in on_sqlite and "workers" in on_sqlite
    assert on_server == on_sqlite


@pytest.mark.no_database("reads Python modules' imports: no database")
def test_the_code_digest_finds_imports_as_python_reads_them():
    for name in code_modules():
        path = _module_file(name)
        assert path is not None
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        text = path.read_text(encoding="utf-8")
        by_ast: set[str] = set()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                by_ast |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0 or package, name
                module = node.module or ""
                by_ast.add(module)
                by_ast |= {f"{module}.{alias.name}" for alias in node.names}
        assert by_ast <= set(_imports_of(text, package)), name


# Opening, migrating, backing up and locking the file: they do not decide a deadline.
_DATABASE_PLUMBING = {"models.db", "models.connection", "models.sqlite_errors", "models.backup",
                      "models.identity", "models.guard"}


@pytest.mark.sqlite_only("which modules a caseload read imports is the same on either engine; "
                         "a file needs no server in the child process")
def test_the_code_digest_covers_every_module_that_works_out_or_reads_deadlines(tmp_path):
    """Run the full path and the read-only path in a fresh interpreter; every module of this
    project it loads (other than the CLI and its settings) must be in the digest."""
    engine = _populated(tmp_path / "cin.db")
    engine.dispose()
    probe = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from models.caseload import load_caseload\n"
        "from models.db import open_database, session_scope\n"
        "from models.stored_deadlines import fast_caseload, settings_inputs_key\n"
        "from policies.calendar import load_calendar\n"
        "from policies.packs import load_policies\n"
        f"path = Path({str(tmp_path / 'cin.db')!r})\n"
        "engine = open_database(path)\n"
        "with session_scope(engine) as session:\n"
        "    load_caseload(session, policies=load_policies(None), calendar=load_calendar(None),\n"
        f"                  today=date(2026, 11, 23), include_closed=True,\n"
        "                  settings_inputs=settings_inputs_key(None))\n"
        "engine.dispose()\n"
        "assert fast_caseload(path, None, today=date(2026, 11, 24), amber_working_days=5)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, timeout=300, check=True)
    local = {name for name in result.stdout.split()
             if name.split(".")[0] in ("policies", "models")
             and name not in _DATABASE_PLUMBING and not name.startswith("models.migrat")}
    # The database plumbing (open, migrate, back up, lock) opens the file; it does not decide
    # a deadline. Everything else loaded must be in the digest.
    assert local - set(code_modules()) == set()
    assert _PACKAGE_ROOT == ROOT
