"""Triggers written once for both engines, for the migrations: SQLite's `CREATE TRIGGER ...
BEGIN ... END`, or on PostgreSQL a plpgsql function of the same name and a row trigger that
runs it. Chosen by the migration connection's dialect."""

from __future__ import annotations

from alembic import op


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def create_trigger(name: str, when: str, verb: str, table: str, sqlite_body: str,
                   postgresql_body: str) -> None:
    """`when` is BEFORE or AFTER; each body is the statements, each ending in `;`."""
    if not _postgresql():
        op.execute(f"""
            CREATE TRIGGER {name}
            {when} {verb} ON {table}
            BEGIN
                {sqlite_body}
            END
            """)
        return
    op.execute(f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            {postgresql_body}
            RETURN NULL;
        END
        $body$
        """)
    op.execute(f"CREATE TRIGGER {name} {when} {verb} ON {table} "
               f"FOR EACH ROW EXECUTE FUNCTION {name}()")


def create_stale_trigger(name: str, verb: str, table: str, deletes: str) -> None:
    """AFTER `verb` on `table`, run `deletes` (DELETE statements naming NEW and OLD)."""
    create_trigger(name, "AFTER", verb, table, deletes, deletes)


def drop_trigger(name: str, table: str) -> None:
    if not _postgresql():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {name}()")
