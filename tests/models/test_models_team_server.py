"""What differs on a team server (PostgreSQL) and must still behave as on a file."""

from __future__ import annotations

from datetime import date

from models.db import make_engine, open_database
from models.inputs import CaseInput
from models.service import CaseloadService

TODAY = date(2026, 11, 23)  # a Monday


def test_a_caseload_read_while_another_session_holds_a_lock_is_worked_out_without_storing(
        postgres_server):
    """On SQLite a read waits for the write lock and then works out without storing (rung 3 of
    the service's ladder); on PostgreSQL a lock held past the busy timeout does the same,
    rather than hanging the screen."""
    name, url = postgres_server.new_database()
    blocker = make_engine(url)
    try:
        with CaseloadService(database=url, settings_dir=None, today=TODAY,
                             actor="Sam Patel") as service:
            service.engine = open_database(url, busy_timeout=0.3)
            service.add_case(CaseInput(ref="C1", name="Child One", policy="wirral",
                                       allocated=date(2026, 11, 2)))
            with blocker.begin() as held:  # a long transaction elsewhere (a psql session, say)
                held.exec_driver_sql("LOCK TABLE case_deadlines IN ACCESS EXCLUSIVE MODE")
                [row] = service.caseload()
            assert row.ref == "C1" and row.deadlines  # worked out, in memory
            [again] = service.caseload()  # the lock gone: stored, and the same answer
            assert again.deadlines == row.deadlines
    finally:
        blocker.dispose()
        postgres_server.drop(name)
