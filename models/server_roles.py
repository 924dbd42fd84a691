"""Setting up a team server (issue 13, items 3 and 4): `cin server init` and `cin server
add-user`, and the access rules applied again after every migration.

`init_server` migrates, then applies the access rules of models/server_sql.py (group roles
`cin_worker` and `cin_manager`, the `staff` table, grants, row-level security policies, the
audit trail's actor trigger). A migration run later by the owner (a new version of cin opening
the database) applies them again in its own transaction (models/server_sql.py
`apply_after_migration`), so a table it adds is never left without its grants and policies
until IT remembers to run init.
"""

from __future__ import annotations

from typing import Any, Literal

from models.location import ServerUrl
from models.server_sql import (
    HAS_TEAM,
    KNOWN_TABLES,
    MANAGER_GROUP,
    WORKER_GROUP,
    apply_access,
    tables_of,
)

GROUPS = {"worker": WORKER_GROUP, "manager": MANAGER_GROUP}
Role = Literal["worker", "manager"]
__all__ = ["GROUPS", "Role", "ServerSetupError", "add_user", "init_server"]


class ServerSetupError(Exception):
    """A set-up step PostgreSQL refused; the message says why, for IT."""


def init_server(url: ServerUrl) -> None:
    """Migrate the database at `url` to head, then set up the roles, grants and policies
    (idempotent). Run as the database's owner. Refuses, changing nothing, while a case has no
    team (nobody could see it) or the database holds a table this version of cin does not know
    how to protect."""
    import psycopg

    from models.db import open_database

    open_database(url).dispose()
    try:
        with psycopg.connect(url.url) as connection, connection.transaction():
            tables = tables_of(connection)
            unknown = sorted(tables - KNOWN_TABLES)
            if unknown:
                raise ServerSetupError(
                    f"this database holds tables this version of cin does not know how to "
                    f"protect ({', '.join(unknown)}): upgrade cin, then run init again.")
            _refuse_cases_without_a_team(connection)
            apply_access(connection, tables)
            connection.execute(f"ALTER TABLE cases VALIDATE CONSTRAINT {HAS_TEAM}".encode())
    except psycopg.Error as error:
        raise ServerSetupError(_reason(error)) from None


def _refuse_cases_without_a_team(connection: Any) -> None:
    """Row-level security shows a case to its team's staff only: a case with no team would be
    seen by nobody, so a team server holds none (the constraint `cin_case_has_team`)."""
    if connection.execute("SELECT to_regclass('public.cases')").fetchone()[0] is None:
        return
    refs = [ref for (ref,) in connection.execute(
        "SELECT ref FROM cases WHERE team IS NULL OR btrim(team) = '' ORDER BY ref")]
    if refs:
        shown = ", ".join(refs[:10]) + (f" and {len(refs) - 10} more" if len(refs) > 10 else "")
        raise ServerSetupError(
            f"{len(refs)} case(s) have no team ({shown}); on a team server each case belongs "
            f"to a team, and one without would be seen by nobody. Give each its team "
            f"(cin edit-case REF --team TEAM, or a \"team\" in the import file), then run "
            f"init again.")


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
