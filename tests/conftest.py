"""Fixtures shared across the test folders. Keep it small; add, don't change.

The fixed "today" for app tests is Monday 23 Nov 2026. Each test gets its own database in
`tmp_path`, filled through `models.commands.upsert_cases` as an import would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge correctness, never speed: on a loaded 2-core CI machine Hypothesis's
# timing checks (slow data generation, per-example deadline) fail runs that found nothing wrong.
settings.register_profile(
    "cin", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("cin")

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def make_database(tmp_path: Path) -> Callable[..., Path]:
    """`make_database(cases)` -> the path of a new database holding those `CaseInput`s."""

    def build(cases: Sequence[object] = (), *, name: str = "cin.db", on: date = TODAY) -> Path:
        from models.commands import upsert_cases
        from models.db import open_database, session_scope
        from policies.packs import load_policies

        path = tmp_path / name
        engine = open_database(path)
        try:
            if cases:
                with session_scope(engine) as session:
                    upsert_cases(session, cases=list(cases), actor="test fixture",
                                 policies=load_policies(None), today=on)
        finally:
            engine.dispose()
        return path

    return build


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server with cin's schema in a template database made once per session
    (tests/pg_server.py); `postgres_server.new_database()` copies it. Skips with the reason
    when no server is named (fails under CIN_REQUIRE_POSTGRES=1)."""
    from .pg_server import PostgresServer, server_url_or_skip

    server = PostgresServer(server_url_or_skip())
    server.make_template()
    yield server
    server.drop(server.template)


@pytest.fixture(autouse=True)
def _full_colour_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app styles overdue for a terminal of few colours when TERM says so (TERM=xterm, as on
    many CI machines): every test runs as on a full-colour terminal unless it says otherwise."""
    monkeypatch.setenv("COLORTERM", "truecolor")
