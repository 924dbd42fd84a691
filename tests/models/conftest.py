"""Fixtures for the persistence tests: each test gets its own database, on both engines.

`database` (and `engine`, built on it) runs a test twice: on an SQLite file in tmp_path and on
a fresh PostgreSQL database (tests/pg_server.py; skipped with the reason when no server is
named). A test or module about SQLite files as such is marked
`pytest.mark.sqlite_only("why")` and runs on SQLite only; one that opens no database at all
(validation, parsing) is marked `pytest.mark.no_database("why")`. Every models test is one of
these, or uses `postgres_server` (PostgreSQL as such): tests/models/test_models_engines.py
fails on any other (`engine_gap` below)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from models.db import open_database, session_scope
from models.inputs import CaseInput
from models.location import DatabaseLocation

from ..pg_server import PostgresServer

# Monday 23 Nov 2026, the project's fixed "today" for tests.
TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Reason:
    code: str
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    required: bool = True


@dataclass(frozen=True)
class FakePolicy:
    """Only what the persistence layer reads from a policy pack."""

    id: str
    closure_reasons: tuple[Reason, ...] = ()
    closure_checklist: tuple[Item, ...] = ()


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def policies() -> dict[str, FakePolicy]:
    return {
        "wirral": FakePolicy("wirral"),
        "leicestershire": FakePolicy(
            "leicestershire",
            closure_reasons=(Reason("stepped_across", "Stepped across to Early Help"),),
            closure_checklist=(
                Item("manager_agreement", "Manager agreement"),
                Item("closure_summary", "Review and closure summary"),
                Item("early_help_considered", "Step-across to Early Help considered", False),
            ),
        ),
    }


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cin.db"


ENGINES = ("sqlite", "postgresql")
# The fixtures that run a test on the engines (`postgres_server`: PostgreSQL as such).
ENGINE_FIXTURES = frozenset({"database", "new_database", "empty_database", "engine",
                             "postgres_server"})
# A test marked no_database asking for any of these makes or opens a database after all.
_DATABASE_FIXTURES = ENGINE_FIXTURES | {"db_path", "make_database", "add_case"}
# tests/models/test_models_engines.py collects the models tests with this set to a file, and
# gets back one line per test that would run on one engine only without saying why.
AUDIT_ENV = "CIN_ENGINE_AUDIT"


def engine_gap(item: pytest.Item) -> str | None:
    """Why `item` does not run on both engines without saying why, or None when it does (or
    says why not: sqlite_only / no_database, each with a reason)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    for name in ("sqlite_only", "no_database"):
        marker = item.get_closest_marker(name)
        if marker is not None and not (marker.args and str(marker.args[0]).strip()):
            return f"marked {name} without a reason"
    if item.get_closest_marker("no_database") is not None:
        used = sorted(fixtures & _DATABASE_FIXTURES)
        return f"marked no_database but uses {', '.join(used)}" if used else None
    if item.get_closest_marker("sqlite_only") is not None or fixtures & ENGINE_FIXTURES:
        return None
    return ("uses neither the engines' fixtures (database, engine, new_database) nor a "
            "sqlite_only / no_database marker")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    target = os.environ.get(AUDIT_ENV)
    if not target:
        return
    here = Path(__file__).resolve().parent
    gaps = [f"{item.nodeid}: {gap}" for item in items
            if Path(str(item.path)).resolve().parent == here and (gap := engine_gap(item))]
    Path(target).write_text("".join(f"{line}\n" for line in gaps), encoding="utf-8")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    for name in ("database", "new_database", "empty_database"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, ENGINES[:1] if only_sqlite else ENGINES, indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest, db_path: Path):
    """Where the test's database is: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield db_path
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name, url = server.new_database()
    yield url
    server.drop(name)


@pytest.fixture
def empty_database(request: pytest.FixtureRequest, db_path: Path):
    """Like `database`, but with no tables yet (a migration test builds an old schema in it)."""
    if request.param == "sqlite":
        db_path.parent.mkdir(parents=True, exist_ok=True)
        yield db_path
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name, url = server.new_database(empty=True)
    yield url
    server.drop(name)


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """`new_database()`: a fresh database on the test's engine each call, for a property
    test's examples (on PostgreSQL the one before is dropped: close its engine first)."""
    if request.param == "sqlite":
        yield lambda: tmp_path_factory.mktemp("db") / "cin.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    made: list[str] = []

    def make() -> DatabaseLocation:
        while made:
            server.drop(made.pop())
        name, url = server.new_database()
        made.append(name)
        return url

    yield make
    for name in made:
        server.drop(name)


@pytest.fixture
def engine(database: DatabaseLocation):
    engine = open_database(database)
    yield engine
    engine.dispose()


@pytest.fixture
def add_case(engine, policies):
    """Import one case (through the same path as a file import) and return its ref."""
    from models.commands import upsert_cases

    def add(ref: str = "C1", **fields) -> str:
        fields.setdefault("name", f"Child {ref}")
        fields.setdefault("allocated", date(2026, 1, 5))
        fields.setdefault("policy", "wirral")
        with session_scope(engine) as session:
            upsert_cases(
                session, cases=[CaseInput(ref=ref, **fields)], actor="setup",
                policies=policies, today=TODAY,
            )
        return ref

    return add
