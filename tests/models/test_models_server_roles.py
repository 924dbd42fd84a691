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
from models.server_sql import KNOWN_TABLES, LAPTOP_ONLY_TABLES, NO_CHILD_DATA_TABLES
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


def _as_owner(team: Team, actor: str = "IT set-up") -> CaseloadService:
    return CaseloadService(database=team.url, settings_dir=None, today=TODAY, actor=actor)


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


# --- stored deadlines: stored only by who may change the case ---------------------------------

def _stored_deadline_refs(team: Team) -> list[str]:
    with psycopg.connect(team.url.url) as owner:
        return [ref for (ref,) in owner.execute(
            "SELECT c.ref FROM case_deadlines d JOIN cases c ON c.id = d.case_id ORDER BY 1")]


def test_a_reader_may_not_store_a_colleagues_deadlines(team):
    with _as_owner(team) as service:
        service.caseload()  # every case's deadlines stored
    with team.connect(team.ann) as ann:
        # Bea's N2: Ann reads its stored deadlines (cover) but may not write them.
        assert ann.execute("SELECT count(*) FROM case_deadlines d JOIN cases c "
                           "ON c.id = d.case_id WHERE c.ref = 'N2'").fetchone() == (1,)
        assert ann.execute("UPDATE case_deadlines SET deadlines = '[]' WHERE case_id = "
                           "(SELECT id FROM cases WHERE ref = 'N2')").rowcount == 0
        assert ann.execute("DELETE FROM case_deadlines WHERE case_id = "
                           "(SELECT id FROM cases WHERE ref = 'N2')").rowcount == 0
        # Her own N1: she may.
        assert ann.execute("UPDATE case_deadlines SET batch = 1 WHERE case_id = "
                           "(SELECT id FROM cases WHERE ref = 'N1')").rowcount == 1
        ann.execute("DELETE FROM case_deadlines WHERE case_id = "
                    "(SELECT id FROM cases WHERE ref = 'N2')")
    with team.connect(team.max) as max_:  # a manager may: every case of his team
        assert max_.execute("DELETE FROM case_deadlines WHERE case_id = "
                            "(SELECT id FROM cases WHERE ref = 'N2')").rowcount == 1
    with team.connect(team.ann) as ann, pytest.raises(psycopg.errors.InsufficientPrivilege):
        ann.execute("INSERT INTO case_deadlines (case_id, computed_for, deadlines, batch) "
                    "SELECT id, 'made up', '[]', 1 FROM cases WHERE ref = 'N2'")


def test_a_worker_covering_a_colleagues_case_reads_correct_deadlines_worked_out_not_stored(team):
    """Max logs a visit on Bea's N2, which makes its stored deadlines stale; Ann's caseload
    then shows N2 with the visit counted (worked out in memory: she may not store them), and
    a later read by Max stores the same."""
    from models.inputs import VisitInput

    with _as_owner(team) as service:
        service.caseload()
    with CaseloadService(database=ServerUrl(_as_login(team.url, team.max)), settings_dir=None,
                         today=TODAY, actor="typed") as max_:
        max_.log_visit("N2", VisitInput(date=date(2026, 11, 20), seen_alone=True,
                                        childs_voice="Happy", location="home"))
    assert _stored_deadline_refs(team) == ["N1", "S1"]  # N2's made stale by the visit
    with CaseloadService(database=ServerUrl(_as_login(team.url, team.ann)), settings_dir=None,
                         today=TODAY, actor="typed") as ann:
        rows = {row.ref: row for row in ann.caseload()}
    assert sorted(rows) == ["N1", "N2"]
    # Wirral 2.11: seen every 20 working days. Seen Fri 20 Nov 2026: +20 working days is
    # Fri 18 Dec 2026 (no bank holiday between); N1, never visited, is counted from its
    # allocation on Mon 2 Nov instead, so its next visit is due earlier.
    [n2_visit] = [d for d in rows["N2"].deadlines if d.rule_id == "wirral.visit"]
    assert n2_visit.due == date(2026, 12, 18)
    assert _stored_deadline_refs(team) == ["N1", "S1"]  # Ann stored nothing of Bea's
    with _as_owner(team) as service:
        [stored] = [d for d in service.case_row("N2").deadlines
                    if d.rule_id == "wirral.visit"]
    assert stored.due == n2_visit.due


# --- cases with no team -------------------------------------------------------------------------

def test_a_case_without_a_team_is_refused_on_a_team_server(team):
    from models.errors import CaseNeedsTeam
    from models.inputs import CaseInput

    with _as_owner(team) as service, pytest.raises(CaseNeedsTeam, match="every case belongs"):
        service.add_case(CaseInput(ref="X1", name="No Team", policy="wirral",
                                   allocated=date(2026, 11, 2), worker="Ann Lee"))
    with team.connect(team.max) as max_, pytest.raises(psycopg.errors.InsufficientPrivilege):
        max_.execute("INSERT INTO cases (ref, name, allocated, policy_id, team, version) "
                     "VALUES ('X2', 'No Team', '2026-11-02', 'wirral', NULL, 1)")


def test_init_names_the_cases_without_a_team_and_changes_nothing(postgres_server):
    from models.inputs import CaseInput

    name, url = postgres_server.new_database()
    try:
        with CaseloadService(database=url, settings_dir=None, today=TODAY,
                             actor="IT") as service:
            service.add_case(CaseInput(ref="L1", name="Lost", policy="wirral",
                                       allocated=date(2026, 11, 2)))
        with pytest.raises(ServerSetupError, match=r"1 case\(s\) have no team \(L1\)"):
            init_server(url)
        with psycopg.connect(url.url) as owner:  # nothing set up: no staff table
            assert owner.execute("SELECT to_regclass('public.staff')").fetchone() == (None,)
            owner.execute("UPDATE cases SET team = 'North'")
        init_server(url)  # given its team, init goes through
    finally:
        postgres_server.drop(name)


# --- grants and policies follow a migration ----------------------------------------------------

def test_a_table_added_by_a_migration_gets_its_grants_and_policies_without_init(
        postgres_server):
    """A server set up by an earlier version (migrated to 0006, before task_completions), then
    opened by this version as its owner: the migration adds task_completions, and Ann may use
    it at once; Sol sees none of North's."""
    from models.db import make_engine, open_database
    from models.inputs import CaseInput
    from models.migrate import upgrade
    from models.server_sql import access_statements, tables_of

    name, url = postgres_server.new_database(empty=True)
    team = Team(url)
    try:
        engine = make_engine(url)
        upgrade(engine, "0006")
        engine.dispose()
        with psycopg.connect(url.url) as owner:  # what init did then, on the tables there were
            assert "task_completions" not in tables_of(owner)
            for statement in access_statements(tables_of(owner)):
                owner.execute(statement.encode())
            owner.execute("ALTER TABLE cases VALIDATE CONSTRAINT cin_case_has_team")
        for login, full_name, role, team_name in ((team.ann, "Ann Lee", "worker", "North"),
                                                  (team.sol, "Sol Park", "worker", "South")):
            add_user(url, login, full_name=full_name, role=role, team=team_name, password="p")
        # Ann's cin, the new version, may not migrate it: it says who must.
        from models.errors import ServerNeedsUpgrade

        with pytest.raises(ServerNeedsUpgrade, match="only its owner may upgrade it"):
            open_database(ServerUrl(_as_login(url, team.ann))).dispose()
        open_database(url).dispose()  # the upgrade: to head, as the owner
        with CaseloadService(database=url, settings_dir=None, today=TODAY, actor="IT") as it:
            it.add_case(CaseInput(ref="N1", name="Cam", policy="camden", worker="Ann Lee",
                                  team="North", allocated=date(2026, 11, 2)))
        with team.connect(team.ann) as ann:
            ann.execute("INSERT INTO task_completions (uid, case_id, rule_id, done, recorded_by) "
                        "SELECT 't-1', id, 'camden.invitations', '2026-11-20', 'Ann Lee' "
                        "FROM cases WHERE ref = 'N1'")
        with team.connect(team.sol) as sol:
            assert sol.execute("SELECT count(*) FROM task_completions").fetchone() == (0,)
    finally:
        postgres_server.drop(name)
        team.drop_logins(postgres_server.admin_url)


# --- the helper functions say nothing about other teams ----------------------------------------

def test_the_access_helpers_answer_only_for_the_callers_own_team(team):
    with psycopg.connect(team.url.url) as owner:
        ids = dict(owner.execute("SELECT ref, id FROM cases").fetchall())
        missing = owner.execute("SELECT max(id) + 1000 FROM cases").fetchone()[0]
    with team.connect(team.sol) as sol:
        for check in ("cin_may_read_case", "cin_may_change_case"):
            # North's N1 looks exactly like a case that does not exist.
            answers = [sol.execute(f"SELECT {check}(%s)", (case_id,)).fetchone()[0]
                       for case_id in (ids["N1"], missing, ids["S1"])]
            assert answers == [False, False, True]
        assert sol.execute("SELECT cin_may_read_ref('N1'), cin_may_read_ref('nope'), "
                           "cin_may_read_ref('S1')").fetchone() == (False, False, True)
        assert sol.execute("SELECT cin_staff_team()").fetchone() == ("South",)
        # The first version's helpers took a login: asking as Ann is no longer possible.
        with pytest.raises(psycopg.errors.UndefinedFunction):
            sol.execute("SELECT cin_may_read_case(%s, %s)", (ids["N1"], team.ann))


def test_setting_a_group_role_changes_neither_what_is_seen_nor_the_audit_actor(team):
    with team.connect(team.ann) as ann:
        ann.execute("SET ROLE cin_worker")
        assert _refs(ann) == ["N1", "N2"]
        [(actor,)] = ann.execute(
            "INSERT INTO audit_log (at, actor, action, case_ref, summary) "
            "VALUES (now(), 'Max Ford', 'log_visit', 'N1', 'a visit') RETURNING actor")
    assert actor == "Ann Lee"


# --- nobody sees another team's children through any table -------------------------------------

def _record_on_every_table(team: Team) -> None:
    """As the owner: something in every table about North's cases (and South's)."""
    from models.inputs import CaseInput, ClosureInput, VisitInput

    with _as_owner(team, actor="Max Ford") as service:
        service.add_case(CaseInput(ref="N3", name="Cam", policy="camden", worker="Ann Lee",
                                   team="North", allocated=date(2026, 9, 1),
                                   assessment_completed=date(2026, 9, 28)))
        service.book_meeting(ref="N3", kind="review", date=date(2027, 1, 11))
        service.complete_task(ref="N3", rule="invitations", done=date(2026, 11, 20))
        for ref in ("N1", "S1"):
            service.log_visit(ref, VisitInput(date=date(2026, 11, 20), seen_alone=True,
                                              childs_voice="Fine", location="home"))
        visit_uid = service.case_detail("N1").visits[0].uid
        service.withdraw_visit(ref="N1", visit_uid=visit_uid, reason="Wrong child")
        service.add_oversight_note(ref="N1", decision="Keep open", rationale="Review due",
                                   actions=[("Visit again", "Ann Lee", date(2026, 12, 1))])
        service.close_case(ref="N2", closure=ClosureInput(date=date(2026, 11, 20),
                                                          reason="RC8"))
        service.caseload()  # stored deadlines


def _table_names(team: Team) -> list[str]:
    with psycopg.connect(team.url.url) as owner:
        return [name for (name,) in owner.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def _schema_tables() -> list[str]:
    """Every table cin makes (models/tables.py) and every one it protects: a new table is a
    new parameter below, which fails until it is given its grants and policies."""
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401  (fills the metadata)

    return sorted(set(SQLModel.metadata.tables) | KNOWN_TABLES)


@pytest.fixture(scope="module")
def recorded_team(postgres_server) -> Iterator[Team]:
    from models.inputs import CaseInput

    name, url = postgres_server.new_database()
    team = Team(url)
    try:
        init_server(url)
        add_user(url, team.sol, full_name="Sol Park", role="worker", team="South", password="s")
        with _as_owner(team) as service:
            for ref, worker, team_name in (("N1", "Ann Lee", "North"), ("N2", "Bea Cole", "North"),
                                           ("S1", "Sol Park", "South")):
                service.add_case(CaseInput(ref=ref, name=f"Child {ref}", policy="wirral",
                                           allocated=date(2026, 11, 2), worker=worker,
                                           team=team_name))
        _record_on_every_table(team)
        yield team
    finally:
        postgres_server.drop(name)
        team.drop_logins(postgres_server.admin_url)


def test_every_table_of_the_schema_is_one_cin_knows_how_to_protect(recorded_team):
    assert set(_table_names(recorded_team)) == KNOWN_TABLES


_CASE_COLUMNS = {"case_id": "ids", "case_ref": "refs", "ref": "refs", "note_id": "notes"}


@pytest.mark.parametrize("table", _schema_tables())
def test_nobody_sees_another_teams_children_through_any_table(recorded_team, table):
    team = recorded_team
    if table in LAPTOP_ONLY_TABLES:  # a laptop's bookkeeping: no staff login may read it at all
        with team.connect(team.sol) as sol, pytest.raises(psycopg.errors.InsufficientPrivilege):
            sol.execute(f"SELECT * FROM {table}")
        return
    with psycopg.connect(team.url.url) as owner:
        north = {
            "ids": {i for (i,) in owner.execute("SELECT id FROM cases WHERE team = 'North'")},
            "refs": {r for (r,) in owner.execute("SELECT ref FROM cases WHERE team = 'North'")},
            "notes": {n for (n,) in owner.execute(
                "SELECT n.id FROM oversight_notes n JOIN cases c ON c.id = n.case_id "
                "WHERE c.team = 'North'")},
        }
        columns = [column for (column,) in owner.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = %s", (table,))]
        linked = [column for column in columns if column in _CASE_COLUMNS]
        if table == "cases":
            linked = ["ref"]
        if not linked:  # holds no child's data: said so, and nothing to hide
            assert table in NO_CHILD_DATA_TABLES, f"{table} names no case: which team's is it?"
            return
        owner_rows = owner.execute(f"SELECT {', '.join(linked)} FROM {table}").fetchall()
    assert any(value in north[_CASE_COLUMNS[column]] for row in owner_rows
               for column, value in zip(linked, row, strict=True)), "seed North rows first"
    with team.connect(team.sol) as sol:
        seen = sol.execute(f"SELECT {', '.join(linked)} FROM {table}").fetchall()
    leaked = [row for row in seen for column, value in zip(linked, row, strict=True)
              if value in north[_CASE_COLUMNS[column]]]
    assert leaked == []


def test_a_refused_save_through_the_app_says_why_and_saves_nothing(team):
    from models.inputs import VisitInput
    from models.validation import ValidationFailed

    url = ServerUrl(_as_login(team.url, team.ann))
    with CaseloadService(database=url, settings_dir=None, today=TODAY,
                         actor="typed") as service:
        with pytest.raises(ValidationFailed, match="N2 cannot be changed from this account"):
            service.log_visit("N2", VisitInput(date=date(2026, 11, 20), seen_alone=True,
                                               childs_voice="Fine", location="home"))
        assert not service.case_detail("N2").visits


def test_handing_a_case_to_a_colleague_still_clears_its_stored_deadlines(team):
    """Ann hands N1 to Bea: once changed she may no longer write N1's stored deadlines, yet
    the stale-deadline trigger still deletes them (it runs as the owner), so nobody reads
    deadlines worked out from the old facts."""
    with _as_owner(team) as service:
        service.caseload()
    assert _stored_deadline_refs(team) == ["N1", "N2", "S1"]
    with team.connect(team.ann) as ann:
        assert ann.execute("UPDATE cases SET worker_id = (SELECT id FROM workers WHERE "
                           "name = 'Bea Cole') WHERE ref = 'N1'").rowcount == 1
    assert _stored_deadline_refs(team) == ["N2", "S1"]
