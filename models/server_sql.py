"""The SQL of a team server's access rules (issue 13, item 4), run by `cin server init` and
again after every migration (models/server_roles.py). Every statement is idempotent.

The rules: nobody reads another team's cases or anything recorded on them; a worker changes
only cases allocated to them (the case's worker name is their staff full name); a manager
changes their team's cases and is the only one who writes oversight notes. The audit trail is
append-only for every role (no UPDATE/DELETE grant, and migration 0002's trigger besides), and
its actor is always the login's full name, whatever the client sent. Every case has a team.

Who is asking is always `session_user`, the login that connected: a `SET ROLE cin_worker`
changes current_user but not who the policies see, nor the audit trail's actor.

The policies' helper functions are SECURITY DEFINER (run as the owner, who is not subject to
row-level security), so a policy can look at the staff table and the case a row belongs to
without granting anyone more, and without policies recursing into each other. They take no
login as an argument and answer only for the caller's own team, so calling one by hand says
nothing a plain SELECT would not (an earlier version took the login and answered for anyone's).

Stored deadlines (case_deadlines) are written only by someone who may change the case. They
are worked out by the policy engine in Python, which the server cannot check: were readers
allowed to store them, a worker covering a colleague's case could store false ones (an overdue
visit hidden) that the colleague and the manager would then read. A reader whose caseload holds
a colleague's case with stale deadlines gets them worked out in memory, correct and not stored
(models/service.py `_read`: the server's refusal sends the read down to the rung that stores
nothing); the next read by the case's worker or a manager stores them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

WORKER_GROUP = "cin_worker"
MANAGER_GROUP = "cin_manager"
BOTH = f"{WORKER_GROUP}, {MANAGER_GROUP}"

# Tables whose rows belong to a case through `case_id`: read with the case, changed by who may
# change it.
CASE_CHILD_TABLES = ("visits", "meetings", "closures", "corrections", "task_completions",
                     "case_deadlines")
# Oversight: read with the case, written by a manager of its team only.
OVERSIGHT_TABLES = ("oversight_notes", "oversight_actions")
# No child's data: staff and worker names, the settings' key of the stored deadlines (a digest
# and days off), the caseload's identity, the schema's revision.
NO_CHILD_DATA_TABLES = ("staff", "workers", "deadline_inputs", "database_identity",
                        "alembic_version")
# A laptop replica's bookkeeping (migration 0009, models/sync_*.py): created on a server by the
# shared migrations but never used there, so no staff role may touch them.
LAPTOP_ONLY_TABLES = ("sync_state", "sync_base", "sync_conflicts", "sync_refusals")
# Every table a team server may hold: a migration adding one outside these makes `cin server
# init` (and the migration itself) refuse until this version of cin says who may see it.
KNOWN_TABLES = frozenset(("cases", "audit_log", *CASE_CHILD_TABLES, *OVERSIGHT_TABLES,
                          *NO_CHILD_DATA_TABLES, *LAPTOP_ONLY_TABLES))
HAS_TEAM = "cin_case_has_team"

STAFF_TABLE = """
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

_DEFINER = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp"
_HELPERS = {
    "cin_staff_team()": f"""RETURNS text {_DEFINER} AS $$
        SELECT team FROM staff WHERE login = session_user
    $$""",
    "cin_may_read_case(wanted integer)": f"""RETURNS boolean {_DEFINER} AS $$
        SELECT EXISTS (
            SELECT FROM cases c JOIN staff s ON s.login = session_user
            WHERE c.id = wanted AND c.team = s.team)
    $$""",
    # A manager: any case of their team; a worker: a case of their team allocated to them.
    "cin_may_change_case(wanted integer)": f"""RETURNS boolean {_DEFINER} AS $$
        SELECT EXISTS (
            SELECT FROM cases c
            JOIN staff s ON s.login = session_user
            LEFT JOIN workers w ON w.id = c.worker_id
            WHERE c.id = wanted AND c.team = s.team
              AND (s.role = 'manager' OR w.name = s.full_name))
    $$""",
    "cin_may_read_ref(wanted text)": f"""RETURNS boolean {_DEFINER} AS $$
        SELECT EXISTS (
            SELECT FROM cases c JOIN staff s ON s.login = session_user
            WHERE c.ref = wanted AND c.team = s.team)
    $$""",
    # The same answers as sets, for the policies: `case_id IN (SELECT cin_team_case_ids())`
    # is worked out once a statement (a hashed subplan), where `cin_may_read_case(case_id)`
    # ran once a row.
    "cin_team_case_ids()": f"""RETURNS SETOF integer {_DEFINER} AS $$
        SELECT c.id FROM cases c JOIN staff s ON s.login = session_user WHERE c.team = s.team
    $$""",
    "cin_team_case_refs()": f"""RETURNS SETOF text {_DEFINER} AS $$
        SELECT c.ref FROM cases c JOIN staff s ON s.login = session_user WHERE c.team = s.team
    $$""",
    "cin_changeable_case_ids()": f"""RETURNS SETOF integer {_DEFINER} AS $$
        SELECT c.id FROM cases c
        JOIN staff s ON s.login = session_user
        LEFT JOIN workers w ON w.id = c.worker_id
        WHERE c.team = s.team AND (s.role = 'manager' OR w.name = s.full_name)
    $$""",
}
# A policy's test of the caller's team or cases, each worked out once a statement.
_OWN_TEAM = "(SELECT cin_staff_team())"
_READABLE = "IN (SELECT cin_team_case_ids())"
_CHANGEABLE = "IN (SELECT cin_changeable_case_ids())"
# The first version's helpers took the login as an argument: anyone could ask about anyone.
_OLD_HELPERS = ("cin_staff_team(name)", "cin_may_read_case(integer, name)",
                "cin_may_change_case(integer, name)", "cin_may_read_ref(text, name)")

_AUDIT_ACTOR = (
    # The actor of every audit row a staff login writes is that login's full name. SECURITY
    # DEFINER, to read the staff table whatever role the session has set.
    """
    CREATE OR REPLACE FUNCTION cin_audit_actor() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        staff_name text;
    BEGIN
        SELECT full_name INTO staff_name FROM staff WHERE login = session_user;
        IF staff_name IS NOT NULL THEN
            NEW.actor := staff_name;
        END IF;
        RETURN NEW;
    END
    $$""",
    "CREATE OR REPLACE TRIGGER cin_audit_actor BEFORE INSERT ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION cin_audit_actor()",
)

# The stale-deadline triggers (migrations 0003, 0006, 0007) only delete stored deadlines made
# stale by a change the login was allowed to make; as the login, row-level security could
# silently skip a row it may read but not write (a worker handing their case to a colleague),
# leaving deadlines worked out from old facts. As the owner, they always delete.
_STALE_TRIGGERS_AS_OWNER = r"""
DO $$
DECLARE
    stale regprocedure;
BEGIN
    FOR stale IN SELECT p.oid::regprocedure FROM pg_proc p
                 JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'public' AND p.proname LIKE 'stale\_deadlines\_%'
    LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = public, pg_temp',
                       stale);
    END LOOP;
END
$$"""

# New rows always; rows from before (a server set up by an earlier version) are checked by
# `cin server init`, which names them (models/server_roles.py).
_HAS_TEAM_CONSTRAINT = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_constraint WHERE conname = '{HAS_TEAM}') THEN
        ALTER TABLE cases ADD CONSTRAINT {HAS_TEAM}
            CHECK (team IS NOT NULL AND btrim(team) <> '') NOT VALID;
    END IF;
END
$$"""


def _functions() -> Iterator[str]:
    for signature, body in _HELPERS.items():
        yield f"CREATE OR REPLACE FUNCTION {signature} {body}"
        yield f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"
        yield f"GRANT EXECUTE ON FUNCTION {signature} TO {BOTH}"
    yield from _AUDIT_ACTOR
    yield "REVOKE ALL ON FUNCTION cin_audit_actor() FROM PUBLIC"
    yield _STALE_TRIGGERS_AS_OWNER


def _grants(tables: Collection[str]) -> Iterator[str]:
    yield f"GRANT USAGE ON SCHEMA public TO {BOTH}"
    yield f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {BOTH}"
    yield f"REVOKE ALL ON staff FROM PUBLIC, {BOTH}"
    yield f"GRANT SELECT ON staff TO {BOTH}"
    yield f"GRANT SELECT, INSERT, UPDATE ON cases TO {BOTH}"
    for table in CASE_CHILD_TABLES:
        if table in tables:
            # DELETE: reopening a case removes its closure row; stale deadlines are deleted.
            yield f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {BOTH}"
    yield f"GRANT SELECT, INSERT, UPDATE, DELETE ON deadline_inputs TO {BOTH}"
    # Adding a case names its worker; renaming a worker's row would hand over their cases.
    yield f"REVOKE ALL ON workers FROM {BOTH}"
    yield f"GRANT SELECT, INSERT ON workers TO {BOTH}"
    for table in ("database_identity", "alembic_version"):
        yield f"GRANT SELECT ON {table} TO {BOTH}"
    for table in OVERSIGHT_TABLES:
        yield f"REVOKE ALL ON {table} FROM {WORKER_GROUP}"
        yield f"GRANT SELECT ON {table} TO {WORKER_GROUP}"
        yield f"GRANT SELECT, INSERT, UPDATE ON {table} TO {MANAGER_GROUP}"
    yield f"REVOKE ALL ON audit_log FROM PUBLIC, {BOTH}"
    yield f"GRANT SELECT, INSERT ON audit_log TO {BOTH}"
    for table in LAPTOP_ONLY_TABLES:
        if table in tables:
            yield f"REVOKE ALL ON {table} FROM PUBLIC, {BOTH}"


def _policy(table: str, name: str, body: str) -> Iterator[str]:
    yield f"DROP POLICY IF EXISTS {name} ON {table}"
    yield f"CREATE POLICY {name} ON {table} {body}"


def _policies(tables: Collection[str]) -> Iterator[str]:
    child_tables = [table for table in CASE_CHILD_TABLES if table in tables]
    for table in ("staff", "cases", *child_tables, *OVERSIGHT_TABLES, "audit_log"):
        yield f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"
    for table in LAPTOP_ONLY_TABLES:  # no policy: nobody but the owner sees a row, even if granted
        if table in tables:
            yield f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"
    yield from _policy("staff", "cin_own_row", f"FOR SELECT TO {BOTH} "
                       "USING (login = session_user)")
    yield from _policy("cases", "cin_read", f"FOR SELECT TO {BOTH} "
                       f"USING (team = {_OWN_TEAM})")
    yield from _policy("cases", "cin_add", f"FOR INSERT TO {BOTH} "
                       f"WITH CHECK (team = {_OWN_TEAM})")
    yield from _policy("cases", "cin_change", f"FOR UPDATE TO {BOTH} "
                       f"USING (id {_CHANGEABLE}) WITH CHECK (team = {_OWN_TEAM})")
    for table in child_tables:
        yield from _policy(table, "cin_read", f"FOR SELECT TO {BOTH} "
                           f"USING (case_id {_READABLE})")
        yield from _policy(table, "cin_change", f"FOR ALL TO {BOTH} "
                           f"USING (case_id {_CHANGEABLE}) WITH CHECK (case_id {_CHANGEABLE})")
    yield from _policy("oversight_notes", "cin_read", f"FOR SELECT TO {BOTH} "
                       f"USING (case_id {_READABLE})")
    yield from _policy("oversight_notes", "cin_change", f"FOR ALL TO {MANAGER_GROUP} "
                       f"USING (case_id {_CHANGEABLE}) WITH CHECK (case_id {_CHANGEABLE})")
    note_case = "(SELECT n.case_id FROM oversight_notes n WHERE n.id = note_id)"
    yield from _policy("oversight_actions", "cin_read", f"FOR SELECT TO {BOTH} "
                       f"USING (cin_may_read_case({note_case}))")
    yield from _policy("oversight_actions", "cin_change", f"FOR ALL TO {MANAGER_GROUP} "
                       f"USING (cin_may_change_case({note_case})) "
                       f"WITH CHECK (cin_may_change_case({note_case}))")
    # Entries about a case only for its team; entries about no case (imports, restores) for all.
    readable_ref = "case_ref IS NULL OR case_ref IN (SELECT cin_team_case_refs())"
    yield from _policy("audit_log", "cin_read", f"FOR SELECT TO {BOTH} USING ({readable_ref})")
    yield from _policy("audit_log", "cin_append", f"FOR INSERT TO {BOTH} "
                       f"WITH CHECK ({readable_ref})")


def access_statements(tables: Collection[str]) -> list[str]:
    """Every statement of the access rules, in order, for a database holding `tables` (a
    migration adds tables: a table not there yet gets its rules when it is), each idempotent.
    Run as the owner of the database, in one transaction."""
    return [_GROUP_ROLES, STAFF_TABLE, *_functions(), *_grants(tables), *_policies(tables),
            *(f"DROP FUNCTION IF EXISTS {old}" for old in _OLD_HELPERS), _HAS_TEAM_CONSTRAINT]


def apply_after_migration(driver_connection: Any) -> None:
    """After a migration, inside its transaction, on PostgreSQL: the access rules again when the
    server has been set up (it has a staff table), so tables and functions a migration made get
    their grants and policies at once. Tables this version does not know get none: nobody but
    the owner reads them until a version that knows them runs."""
    if driver_connection.execute("SELECT to_regclass('public.staff')").fetchone()[0] is None:
        return
    apply_access(driver_connection, tables_of(driver_connection) & KNOWN_TABLES)


def tables_of(connection: Any) -> set[str]:
    """The tables of the public schema (the server's tables are all there)."""
    return {name for (name,) in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def apply_access(connection: Any, tables: Iterable[str]) -> None:
    """Every statement of `access_statements(tables)` on the psycopg `connection`."""
    for statement in access_statements(set(tables)):
        connection.execute(statement.encode())
