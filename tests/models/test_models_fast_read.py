"""The fast read of stored deadlines (rung 1 of models/service.py: plain sqlite3 on a file, the
engine's psycopg connection on a team server) gives exactly the rows the ORM read gives, on
both engines and, on a team server, as a worker's own login under row-level security; and
deadlines worked out before a save are never stored after it (models/deadline_store.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from models import deadline_store
from models.caseload import computed_for_key, inputs_digest, load_caseload, plan_case
from models.commands import upsert_cases
from models.connection import driver_connection
from models.db import session_scope
from models.inputs import CaseInput, ClosureInput, VisitInput
from models.location import DatabaseLocation, ServerUrl
from models.queries import case_facts_by_id
from models.rows import CaseloadRow
from models.service import CaseloadService
from models.stored_deadlines import stale_case_ids

TODAY = date(2026, 11, 23)  # a Monday


def _seen(day: date) -> VisitInput:
    return VisitInput(day, seen=True, seen_alone=True, location="home",
                      childs_voice="Likes school")


# North: Ann Lee's N1 and N2, Bea Cole's N3 (closed); South: Sol Park's S1.
CASES = [
    CaseInput(ref="N1", name="Child N1", allocated=date(2026, 9, 1), policy="wirral",
              worker="Ann Lee", team="North", visits=[_seen(date(2026, 11, 2))]),
    CaseInput(ref="N2", name="Child N2", allocated=date(2026, 10, 5), policy="leicestershire",
              worker="Ann Lee", team="North"),
    CaseInput(ref="N3", name="Child N3", allocated=date(2026, 6, 1), policy="wirral",
              worker="Bea Cole", team="North", visits=[_seen(date(2026, 10, 1))],
              closure=ClosureInput(date(2026, 11, 2), "RC7")),
    CaseInput(ref="S1", name="Child S1", allocated=date(2026, 11, 2), policy="wirral",
              worker="Sol Park", team="South"),
]


def _service(database: DatabaseLocation, actor: str = "tester") -> CaseloadService:
    return CaseloadService(database=database, settings_dir=None, today=TODAY, actor=actor)


def _fill(database: DatabaseLocation) -> None:
    with _service(database, "setup") as service:
        service.open()
        with session_scope(service.engine) as session:
            upsert_cases(session, cases=CASES, actor="setup", policies=service.policies,
                         today=TODAY)


def _orm_rows(database: DatabaseLocation, **choice: object) -> list[CaseloadRow]:
    """The ORM read (models.queries' facts, worked out in memory, nothing stored)."""
    with _service(database) as service:
        service.open()
        with session_scope(service.engine, write=False) as session:
            return load_caseload(session, policies=service.policies, calendar=service.calendar,
                                 today=TODAY, store=False, **choice)  # type: ignore[arg-type]


@pytest.fixture
def filled(database: DatabaseLocation) -> DatabaseLocation:
    _fill(database)
    return database


CHOICES = [{}, {"worker": "Ann Lee"}, {"worker": "Bea Cole"}, {"include_closed": True},
           {"worker": "Bea Cole", "include_closed": True}]


def test_the_fast_read_gives_the_rows_the_orm_read_gives(filled):
    with _service(filled) as service:
        assert service.stored_caseload() is None  # nothing stored yet: rung 2 stores it
        first = service.caseload(include_closed=True)
        assert [row.ref for row in first] == [row.ref for row in _orm_rows(
            filled, include_closed=True)]
        for choice in CHOICES:
            fast = service.stored_caseload(**choice)  # type: ignore[arg-type]
            assert fast is not None, choice
            assert fast == _orm_rows(filled, **choice), choice
            assert service.caseload(**choice) == fast  # type: ignore[arg-type]
        whole = _orm_rows(filled)
        assert service.stored_caseload(limit=2) == whole[:2]  # the App's first screen
    assert {row.ref for row in whole} == {"N1", "N2", "S1"}  # N3 is closed


def test_a_visit_logged_since_is_read_at_once_not_from_the_old_rows(filled):
    with _service(filled) as service:
        service.caseload()
        before = {row.ref: row for row in service.caseload(worker="Ann Lee")}
        service.log_visit("N1", _seen(date(2026, 11, 20)), confirmed=True)
        assert service.stored_caseload(worker="Ann Lee") is None  # N1's row is stale
        after = service.caseload(worker="Ann Lee")
        assert after == _orm_rows(filled, worker="Ann Lee")
        assert service.stored_caseload(worker="Ann Lee") == after  # stored again
    assert before["N1"] != {row.ref: row for row in after}["N1"]  # the deadline moved


def test_a_workers_read_stores_only_that_workers_cases(filled):
    with _service(filled) as service:
        service.caseload(worker="Ann Lee")
        key = computed_for_key(inputs_digest(service.policies, service.calendar))
        with session_scope(service.engine, write=False) as session:
            connection = driver_connection(session.connection())
            stale = set(stale_case_ids(connection, key))
            refs = {ref for case_id, ref in connection.execute("SELECT id, ref FROM cases")
                    if case_id in stale}
    assert refs == {"N3", "S1"}  # Bea's and Sol's: not read, not worked out


def test_deadlines_worked_out_before_a_save_are_not_stored_after_it(filled):
    """A read works deadlines out with no transaction open; a save lands meanwhile: the
    read's write skips that case (its version moved), so the stored row is never the old
    facts' answer."""
    with _service(filled) as service:
        service.open()
        key = computed_for_key(inputs_digest(service.policies, service.calendar))
        with session_scope(service.engine, write=False) as session:
            pending = deadline_store.find_pending(
                driver_connection(session.connection()),
                lambda ids: case_facts_by_id(session, case_ids=ids), key, today=TODAY)
        assert len(pending.stale) == 4
        service.log_visit("N1", _seen(date(2026, 11, 20)), confirmed=True)  # meanwhile
        worked = deadline_store.work_out(
            pending, deadline_store.plan_with(service.policies, service.calendar, plan_case),
            TODAY, service.calendar, 5)
        with session_scope(service.engine) as session:
            stored = deadline_store.write(driver_connection(session.connection()), pending,
                                          worked, calendar=service.calendar)
        assert stored == 3  # N2, N3, S1: N1 changed after its facts were read
        rows = {row.ref: row for row in service.caseload()}
    assert rows == {row.ref: row for row in _orm_rows(filled)}  # N1 from the visit of 20 Nov


# --- a team server, as each worker's own login ------------------------------------------------


def _as_login(url: ServerUrl, login: str) -> ServerUrl:
    parts = urlsplit(url.url)
    host = parts.netloc.rpartition("@")[2]
    return ServerUrl(urlunsplit(parts._replace(netloc=f"{login}@{host}")))


@pytest.fixture
def team_server(postgres_server) -> Iterator[tuple[ServerUrl, dict[str, ServerUrl]]]:
    from models.server_roles import add_user, init_server

    name, url = postgres_server.new_database()
    suffix = uuid.uuid4().hex[:8]  # logins are cluster-wide
    logins = {"Ann Lee": f"ann_{suffix}", "Sol Park": f"sol_{suffix}"}
    try:
        init_server(url)
        add_user(url, logins["Ann Lee"], full_name="Ann Lee", role="worker", team="North",
                 password="a")
        add_user(url, logins["Sol Park"], full_name="Sol Park", role="worker", team="South",
                 password="s")
        _fill(url)
        yield url, {person: _as_login(url, login) for person, login in logins.items()}
    finally:
        postgres_server.drop(name)
        with psycopg.connect(postgres_server.admin_url, autocommit=True) as admin:
            for login in logins.values():
                admin.execute(f'DROP ROLE IF EXISTS "{login}"'.encode())


def test_a_worker_login_reads_their_teams_cases_only_fast_or_not(team_server):
    owner, logins = team_server
    north = _orm_rows(owner, include_closed=True)
    north = [row for row in north if row.summary.team == "North"]
    with _service(logins["Ann Lee"], "Ann Lee") as ann:
        # Bea's closed N3 is read for cover: Ann may not store its deadlines (models/
        # server_sql.py), so they are worked out in memory and North is not all stored.
        assert ann.caseload(include_closed=True) == north
        assert ann.stored_caseload(include_closed=True) is None
        mine = [row for row in north if row.worker == "Ann Lee" and not row.summary.closed]
        assert ann.caseload(worker="Ann Lee") == mine  # rung 2: stores Ann's own
        assert ann.stored_caseload(worker="Ann Lee") == mine  # rung 1, as Ann
        assert ann.stored_caseload(worker="Sol Park") == []  # another team's: not seen
    with _service(logins["Sol Park"], "Sol Park") as sol:
        assert [row.ref for row in sol.caseload()] == ["S1"]
        assert [row.ref for row in sol.stored_caseload() or []] == ["S1"]


def test_rows_one_at_a_time_are_the_caseloads_rows_before_and_after_storing(filled):
    """`over_caseload` (what `cin due --json` streams) down each rung: the first call stores
    the deadlines (rung 2), the second reads them stored (rung 1); both give the rows of the
    ORM read."""
    expected = sorted(_orm_rows(filled, include_closed=True), key=lambda row: row.ref)
    with _service(filled) as service:
        for _rung in (2, 1):
            rows = service.over_caseload(lambda each: sorted(each, key=lambda row: row.ref),
                                         include_closed=True)
            assert rows == expected
        assert service.stored_caseload(include_closed=True) is not None  # stored by rung 2


def test_a_connection_the_server_dropped_is_replaced_before_a_save(postgres_server, monkeypatch):
    """Pooled connections are pinged only after sitting idle (models.connection): one the
    server dropped meanwhile (a restart overnight) is replaced, and the save goes through."""
    import models.connection

    name, url = postgres_server.new_database()
    try:
        _fill(url)
        with _service(url) as service:
            service.caseload()  # a pooled connection, now idle
            with psycopg.connect(postgres_server.admin_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s", (name,))
            monkeypatch.setattr(models.connection, "PING_AFTER_IDLE_SECONDS", 0.0)
            service.log_visit("N1", _seen(date(2026, 11, 20)), confirmed=True)
            assert service.case_detail("N1").visits[-1].date == date(2026, 11, 20)
    finally:
        postgres_server.drop(name)


def test_changes_since_a_read_are_the_saved_case_only_stored_or_not(filled):
    """`caseload_changes` (the App's refresh after a save) from the stored rows: every row at
    first, then only the case a save changed, with the ORM read's row for it."""
    with _service(filled) as service:
        first, batches = service.caseload_changes(known_batches=())  # rung 2 stores them
        assert first == _orm_rows(filled)
        again, same = service.caseload_changes(known_batches=batches)  # rung 1: all current
        assert (again, same) == ([], batches)
        service.log_visit("N1", _seen(date(2026, 11, 20)), confirmed=True)
        changed, _ = service.caseload_changes(known_batches=batches)
    assert changed == [row for row in _orm_rows(filled) if row.ref == "N1"]
