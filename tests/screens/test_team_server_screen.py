"""The app on a team server (issue 13, item 1): the same caseload, read through PostgreSQL.
Needs a PostgreSQL server (tests/pg_server.py); skips with the reason otherwise."""

from __future__ import annotations

from models.commands import upsert_cases
from models.db import open_database, session_scope
from policies.packs import load_policies

from .conftest import TODAY, fixture_cases
from .helpers import caseload_ready, column_text


async def test_the_caseload_on_a_team_server_shows_the_same_countdowns(postgres_server,
                                                                     new_app):
    name, url = postgres_server.new_database()
    try:
        engine = open_database(url)
        with session_scope(engine) as session:
            upsert_cases(session, cases=list(fixture_cases()), actor="test fixture",
                         policies=load_policies(None), today=TODAY)
        engine.dispose()
        app = new_app(url)
        async with app.run_test(size=(140, 30)) as pilot:
            screen = await caseload_ready(pilot)
            # As tests/screens/test_caseload_screen.py works them out by hand for the file.
            assert column_text(screen, "WR-001", "Visit") == "✖ 4 wd late"
            assert column_text(screen, "WR-002", "Circulation") == "✖ 7 d late"
            assert column_text(screen, "WR-003", "Visit") == "▲ 5 wd"
            assert column_text(screen, "CA-001", "Visit") == "? set freq"
            assert column_text(screen, "WR-001", "Worker") == "Sam Patel"
    finally:
        postgres_server.drop(name)
