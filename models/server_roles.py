"""Who may do what on a team server, enforced by PostgreSQL itself (issue 13, items 3 and 4).

`init_statements()` is the SQL `cin server init` runs as the database owner after migrating:
the group roles `cin_worker` and `cin_manager`, the `staff` table (one row per login: full
name, role, team), the grants, the row-level security policies and the audit trail's actor
trigger. Every statement is idempotent, so init may be run again (after an upgrade, say).

The rules: nobody reads another team's cases or anything recorded on them; a worker changes
only cases allocated to them (the case's worker name is their staff full name); a manager
changes their team's cases and is the only one who writes oversight notes. The audit trail is
append-only for every role (no UPDATE/DELETE grant, and migration 0002's trigger besides), and
its actor is always the login's full name, whatever the client sent.

The policies' helper functions are SECURITY DEFINER (run as the owner, who is not subject to
row-level security), so a policy can look at the staff table and the case a row belongs to
without granting anyone more, and without policies recursing into each other. Inside them
current_user is the owner, so each policy passes its own current_user in as `who`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from models.location import ServerUrl

WORKER_GROUP = "cin_worker"
MANAGER_GROUP = "cin_manager"
GROUPS = {"worker": WORKER_GROUP, "manager": MANAGER_GROUP}
Role = Literal["worker", "manager"]

# Tables whose rows belong to a case through `case_id`.
CASE_CHILD_TABLES = ("visits", "meetings", "closures", "corrections", "task_completions",
                     "case_deadlines")
# Derived, not recorded: any reader of a case stores its worked-out deadlines (the caseload's
# read ladder), so writing them follows reading the case, not changing it.
CACHE_TABLES = ("case_deadlines",)
# Written by whoever saves anything (the settings' key of the stored deadlines).
SHARED_TABLES = ("deadline_inputs",)
READ_ONLY_TABLES = ("database_identity", "alembic_version")

_STAFF_TABLE = """
CREATE TABLE IF NOT EXISTS staff (
    login     text PRIMARY KEY,
    full_name text NOT NULL CHECK (length(btrim(full_name)) > 0),
    role      text NOT NULL CHECK (role IN ('worker', 'manager')),
    team      text NOT NULL CHECK (length(btrim(team)) > 0)
)"""

_GROUP_ROLES = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{WORKER_GROUP}') THEN
        CREATE ROLE {WORKER_GROUP} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{MANAGER_GROUP}') THEN
        CREATE ROLE {MANAGER_GROUP} NOLOGIN;
    END IF;
END
$$"""

_FUNCTIONS = (
    """
    CREATE OR REPLACE FUNCTION cin_staff_team(who name) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT team FROM staff WHERE login = who
    $$""",
    """
    CREATE OR REPLACE FUNCTION cin_may_read_case(wanted integer, who name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT EXISTS (
            SELECT FROM cases c JOIN staff s ON s.login = who
            WHERE c.id = wanted AND c.team = s.team)
    $$""",
    # A manager: any case of their team; a worker: a case of their team allocated to them.
    """
    CREATE OR REPLACE FUNCTION cin_may_change_case(wanted integer, who name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT EXISTS (
            SELECT FROM cases c
            JOIN staff s ON s.login = who
            LEFT JOIN workers w ON w.id = c.worker_id
            WHERE c.id = wanted AND c.team = s.team
              AND (s.role = 'manager' OR w.name = s.full_name))
    $$""",
    """
    CREATE OR REPLACE FUNCTION cin_may_read_ref(wanted text, who name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT EXISTS (
            SELECT FROM cases c JOIN staff s ON s.login = who
            WHERE c.ref = wanted AND c.team = s.team)
    $$""",
    # The actor of every audit row a staff login writes is that login's full name.
    """
    CREATE OR REPLACE FUNCTION cin_audit_actor() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE
        staff_name text;
    BEGIN
        -- As the invoker (staff may read their own row): a SECURITY DEFINER function's
        -- current_user would be the owner.
        SELECT full_name INTO staff_name FROM staff WHERE login = current_user;
        IF staff_name IS NOT NULL THEN
            NEW.actor := staff_name;
        END IF;
        RETURN NEW;
    END
    $$""",
    "CREATE OR REPLACE TRIGGER cin_audit_actor BEFORE INSERT ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION cin_audit_actor()",
)


def _policy(table: str, name: str, body: str) -> Iterator[str]:
    yield f"DROP POLICY IF EXISTS {name} ON {table}"
    yield f"CREATE POLICY {name} ON {table} {body}"


def _grants() -> Iterator[str]:
    both = f"{WORKER_GROUP}, {MANAGER_GROUP}"
    yield f"GRANT USAGE ON SCHEMA public TO {both}"
    yield f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {both}"
    yield f"REVOKE ALL ON staff FROM PUBLIC, {both}"
    yield f"GRANT SELECT ON staff TO {both}"
    yield f"GRANT SELECT, INSERT, UPDATE ON cases TO {both}"
    for table in CASE_CHILD_TABLES:
        # DELETE: the stale-deadline triggers delete case_deadlines rows; reopening a case
        # removes its closure row.
        yield f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {both}"
    for table in SHARED_TABLES:
        yield f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {both}"
    # Adding a case names its worker; renaming a worker's row would hand over their cases.
    yield f"REVOKE ALL ON workers FROM {both}"
    yield f"GRANT SELECT, INSERT ON workers TO {both}"
    for table in READ_ONLY_TABLES:
        yield f"GRANT SELECT ON {table} TO {both}"
    for table in ("oversight_notes", "oversight_actions"):
        yield f"REVOKE ALL ON {table} FROM {WORKER_GROUP}"
        yield f"GRANT SELECT ON {table} TO {WORKER_GROUP}"
        yield f"GRANT SELECT, INSERT, UPDATE ON {table} TO {MANAGER_GROUP}"
    yield f"REVOKE ALL ON audit_log FROM PUBLIC, {both}"
    yield f"GRANT SELECT, INSERT ON audit_log TO {both}"


def _policies() -> Iterator[str]:
    both = f"{WORKER_GROUP}, {MANAGER_GROUP}"
    for table in ("staff", "cases", *CASE_CHILD_TABLES, "oversight_notes", "oversight_actions",
                  "audit_log"):
        yield f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"
    yield from _policy("staff", "cin_own_row",
                       f"FOR SELECT TO {both} USING (login = current_user)")
    yield from _policy("cases", "cin_read", f"FOR SELECT TO {both} "
                       "USING (team = cin_staff_team(current_user))")
    yield from _policy("cases", "cin_add", f"FOR INSERT TO {both} "
                       "WITH CHECK (team = cin_staff_team(current_user))")
    yield from _policy("cases", "cin_change", f"FOR UPDATE TO {both} "
                       "USING (cin_may_change_case(id, current_user)) "
                       "WITH CHECK (team = cin_staff_team(current_user))")
    for table in CASE_CHILD_TABLES:
        may = "cin_may_read_case" if table in CACHE_TABLES else "cin_may_change_case"
        yield from _policy(table, "cin_read", f"FOR SELECT TO {both} "
                           "USING (cin_may_read_case(case_id, current_user))")
        yield from _policy(table, "cin_change", f"FOR ALL TO {both} "
                           f"USING ({may}(case_id, current_user)) "
                           f"WITH CHECK ({may}(case_id, current_user))")
    yield from _policy("oversight_notes", "cin_read", f"FOR SELECT TO {both} "
                       "USING (cin_may_read_case(case_id, current_user))")
    yield from _policy("oversight_notes", "cin_change", f"FOR ALL TO {MANAGER_GROUP} "
                       "USING (cin_may_change_case(case_id, current_user)) "
                       "WITH CHECK (cin_may_change_case(case_id, current_user))")
    note_case = "(SELECT n.case_id FROM oversight_notes n WHERE n.id = note_id)"
    yield from _policy("oversight_actions", "cin_read", f"FOR SELECT TO {both} "
                       f"USING (cin_may_read_case({note_case}, current_user))")
    yield from _policy("oversight_actions", "cin_change", f"FOR ALL TO {MANAGER_GROUP} "
                       f"USING (cin_may_change_case({note_case}, current_user)) "
                       f"WITH CHECK (cin_may_change_case({note_case}, current_user))")
    # Entries about a case only for its team; entries about no case (imports, restores) for all.
    yield from _policy("audit_log", "cin_read", f"FOR SELECT TO {both} "
                       "USING (case_ref IS NULL OR cin_may_read_ref(case_ref, current_user))")
    yield from _policy("audit_log", "cin_append", f"FOR INSERT TO {both} "
                       "WITH CHECK (case_ref IS NULL OR cin_may_read_ref(case_ref, current_user))")


def init_statements() -> list[str]:
    """The SQL of `cin server init`, in order, each statement idempotent (run after migrating
    to head, as the owner of the database, in one transaction)."""
    return [_GROUP_ROLES, _STAFF_TABLE, *_FUNCTIONS, *_grants(), *_policies()]


class ServerSetupError(Exception):
    """A set-up step PostgreSQL refused; the message says why, for IT."""


def init_server(url: ServerUrl) -> None:
    """Migrate the database at `url` to head, then set up the roles, grants and policies
    (idempotent). Run as the database's owner."""
    import psycopg

    from models.db import open_database

    open_database(url).dispose()
    try:
        with psycopg.connect(url.url) as connection, connection.transaction():
            for statement in init_statements():
                connection.execute(statement.encode())
    except psycopg.Error as error:
        raise ServerSetupError(_reason(error)) from None


def add_user(url: ServerUrl, login: str, *, full_name: str, role: Role, team: str,
             password: str) -> None:
    """A login role in its group (`role`) with `password`, and its staff row, in one
    transaction. Refuses a login that already exists."""
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(url.url) as connection, connection.transaction():
            if connection.execute("SELECT FROM pg_roles WHERE rolname = %s",
                                  (login,)).fetchone():
                raise ServerSetupError(f"the login {login!r} already exists on this server.")
            # CREATE ROLE takes no bound parameters: the password goes in as a quoted literal.
            connection.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(login), sql.Literal(password), sql.Identifier(GROUPS[role])))
            connection.execute(
                "INSERT INTO staff (login, full_name, role, team) VALUES (%s, %s, %s, %s)",
                (login, full_name, role, team))
    except psycopg.errors.UndefinedTable:
        raise ServerSetupError("this database has not been set up for a team yet: run "
                               "`cin server init` first.") from None
    except psycopg.Error as error:
        raise ServerSetupError(_reason(error)) from None


def _reason(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
