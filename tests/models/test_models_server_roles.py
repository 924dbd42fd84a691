"""Access on a team server is enforced by PostgreSQL itself (issue 13, item 4): each test
connects AS a staff login with raw SQL, as a script or a psql session would, and is refused
what the app would refuse."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from models.location import ServerUrl
from models.server_roles import ServerSetupError, add_user, init_server
from models.service import CaseloadService

TODAY = date(2026, 11, 23)  # a Monday


def _as_login(url: ServerUrl, login: str) -> str:
    """`url` connecting as `login` (the throwaway cluster trusts local connections)."""
    parts = urlsplit(url.url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{login}@{host}"))


class Team:
    """A set-up database: Ann (worker, North), Max (manager, North), Sol (worker, South).
    Cases N1 (Ann's, North), N2 (Bea's, North) and S1 (Sol's, South)."""

    def __init__(self, url: ServerUrl) -> None:
        self.url = url
        suffix = uuid.uuid4().hex[:8]  # logins are cluster-wide; databases are per test
        self.ann, self.max, self.sol = (f"ann_{suffix}", f"max_{suffix}", f"sol_{suffix}")

    @contextmanager
    def connect(self, login: str) -> Iterator[psycopg.Connection]:
        with psycopg.connect(_as_login(self.url, login), autocommit=True) as connection:
            yield connection

    def drop_logins(self, admin_url: str) -> None:
        """After the database is dropped (a login with grants in it cannot be)."""
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for login in (self.ann, self.max, self.sol):
                connection.execute(f'DROP ROLE IF EXISTS "{login}"')


@pytest.fixture
def team(postgres_server) -> Iterator[Team]:
    from models.inputs import CaseInput

    name, url = postgres_server.new_database()
    team = Team(url)
    try:
        init_server(url)
        add_user(url, team.ann, full_name="Ann Lee", role="worker", team="North", password="a")
        add_user(url, team.max, full_name="Max Ford", role="manager", team="North", password="m")
        add_user(url, team.sol, full_name="Sol Park", role="worker", team="South", password="s")
        with CaseloadService(database=url, settings_dir=None, today=TODAY,
                             actor="IT set-up") as service:
            for ref, worker, team_name in (("N1", "Ann Lee", "North"), ("N2", "Bea Cole", "North"),
                                           ("S1", "Sol Park", "South")):
                service.add_case(CaseInput(ref=ref, name=f"Child {ref}", policy="wirral",
                                           allocated=date(2026, 11, 2), worker=worker,
                                           team=team_name))
        yield team
    finally:
        postgres_server.drop(name)
        team.drop_logins(postgres_server.admin_url)


def _refs(connection: psycopg.Connection) -> list[str]:
    return [ref for (ref,) in connection.execute("SELECT ref FROM cases ORDER BY ref")]


def test_init_twice_is_idempotent_and_add_user_refuses_a_login_twice(team):
    init_server(team.url)  # again, after the fixture's: nothing refused, nothing lost
    with team.connect(team.ann) as ann:
        assert _refs(ann) == ["N1", "N2"]
    with pytest.raises(ServerSetupError, match="already exists"):
        add_user(team.url, team.ann, full_name="Ann Again", role="worker", team="North",
                 password="x")


def test_nobody_sees_another_teams_children(team):
    with team.connect(team.sol) as sol:
        assert _refs(sol) == ["S1"]
        assert sol.execute("SELECT count(*) FROM cases WHERE team = 'North'").fetchone() == (0,)
        # Nor what is recorded on them, nor their entries in the audit trail.
        assert sol.execute("SELECT DISTINCT case_ref FROM audit_log "
                           "WHERE case_ref IS NOT NULL").fetchall() == [("S1",)]
    with team.connect(team.max) as max_:
        assert _refs(max_) == ["N1", "N2"]  # a manager: the whole team, and only it


def test_a_worker_changes_only_their_own_cases_and_a_manager_their_teams(team):
    with team.connect(team.ann) as ann:
        bumped = ann.execute("UPDATE cases SET name = 'Renamed' WHERE ref = 'N2'")  # Bea's
        assert bumped.rowcount == 0
        assert ann.execute("UPDATE cases SET name = 'Renamed' WHERE ref = 'N1'").rowcount == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # RLS: not Ann's case
            ann.execute("INSERT INTO visits (uid, case_id, date, seen) SELECT 'v-x', id, "
                        "'2026-11-20', true FROM cases WHERE ref = 'N2'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # only managers write notes
            ann.execute("INSERT INTO oversight_notes (uid, case_id, author, recorded, decision, "
                        "rationale) SELECT 'n-x', id, 'Ann Lee', '2026-11-23', 'd', 'r' "
                        "FROM cases WHERE ref = 'N1'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # taking Bea's name
            ann.execute("UPDATE workers SET name = 'Ann Lee' WHERE name = 'Bea Cole'")
    with team.connect(team.max) as max_:
        assert max_.execute("UPDATE cases SET name = 'Renamed' WHERE ref = 'N2'").rowcount == 1
        assert max_.execute("UPDATE cases SET name = 'Renamed' WHERE ref = 'S1'").rowcount == 0
        max_.execute("INSERT INTO oversight_notes (uid, case_id, author, recorded, decision, "
                     "rationale) SELECT 'n-1', id, 'Max Ford', '2026-11-23', 'd', 'r' "
                     "FROM cases WHERE ref = 'N2'")
    with team.connect(team.sol) as sol:  # moving a case into one's own team is no way in
        assert sol.execute("UPDATE cases SET team = 'South' WHERE ref = 'N1'").rowcount == 0


def test_the_audit_trail_is_append_only_for_every_role(team):
    for login in (team.ann, team.max, team.sol):
        with team.connect(login) as connection:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute("UPDATE audit_log SET summary = 'nothing happened'")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute("DELETE FROM audit_log")
            # And of the staff list, only one's own row.
            assert connection.execute("SELECT login FROM staff").fetchall() == [(login,)]


def test_the_audit_actor_is_the_logins_full_name_whatever_the_client_wrote(team):
    with team.connect(team.ann) as ann:
        [(actor,)] = ann.execute(
            "INSERT INTO audit_log (at, actor, action, case_ref, summary) "
            "VALUES (now(), 'Max Ford', 'log_visit', 'N1', 'a visit') RETURNING actor")
    assert actor == "Ann Lee"  # not the manager she named
    with team.connect(team.sol) as sol, pytest.raises(psycopg.errors.InsufficientPrivilege):
        sol.execute("INSERT INTO audit_log (at, actor, action, case_ref, summary) "
                    "VALUES (now(), 'x', 'log_visit', 'N1', 'about North')")  # not his team's


def test_a_worker_logs_a_visit_through_the_caseload_service_as_themselves(team):
    """The app itself, connected as Ann: her save passes every policy (the version and
    stale-deadline triggers included) and the audit trail names her."""
    from models.inputs import VisitInput

    url = ServerUrl(_as_login(team.url, team.ann))
    with CaseloadService(database=url, settings_dir=None, today=TODAY,
                         actor="typed in settings") as service:
        service.log_visit("N1", VisitInput(
            date=date(2026, 11, 20), seen_alone=True, childs_voice="Likes school",
            location="home"))
        assert sorted(row.ref for row in service.caseload()) == ["N1", "N2"]  # not S1
    with team.connect(team.max) as max_:
        [(actor,)] = max_.execute("SELECT actor FROM audit_log WHERE action = 'log_visit'")
    assert actor == "Ann Lee"
