"""The audit guard: triggers that refuse UPDATE and DELETE on the audit log (migration 0002).

Anyone with the sqlite3 shell can drop them. `open_database` checks they are there; when one is
missing, every connection it hands out gets temporary triggers that refuse new audit entries
(so every audited change is refused, in its own transaction) and that still refuse changing
or deleting old ones. Reading goes on working. `repair_audit_guard` puts the guard back and
records that it did.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, event, text

GUARD_TRIGGERS = {"audit_log_no_update": "UPDATE", "audit_log_no_delete": "DELETE"}
AUDIT_UNCHANGEABLE = "audit entries cannot be changed"  # the message migration 0002 uses
GUARD_MISSING = "cin-audit-guard-missing"  # starts the error SQLite raises; see models.db


def missing_guard_triggers(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        present = {row[0] for row in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"))}
    return [name for name in GUARD_TRIGGERS if name not in present]


def refuse_audited_writes(engine: Engine, missing: list[str]) -> None:
    """From now on, every connection of `engine` refuses writing the audit log."""
    engine.dispose()  # connections made before this point would not have the temp triggers
    message = f"{GUARD_MISSING}: {', '.join(missing)}"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        for verb in ("INSERT", "UPDATE", "DELETE"):
            dbapi_connection.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS cin_guard_missing_{verb.lower()} "
                f"BEFORE {verb} ON main.audit_log BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def create_guard_sql(name: str) -> str:
    verb = GUARD_TRIGGERS[name]
    return (f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {verb} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT_UNCHANGEABLE}'); END")


def repair_audit_guard(path: Path | str, *, actor: str) -> list[str]:
    """Put back the guard triggers missing from the database at `path`, in one transaction
    with an audit entry saying so. Returns the triggers put back (empty: nothing was missing)."""
    from models.audit import record
    from models.db import make_engine, open_database, session_scope

    open_database(path).dispose()  # a cin database, migrated; refuses anything else
    engine = make_engine(Path(path).expanduser())
    try:
        with session_scope(engine) as session:
            present = {row[0] for row in session.connection().execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            ))}
            missing = [name for name in GUARD_TRIGGERS if name not in present]
            if not missing:
                return []
            for name in missing:
                session.connection().exec_driver_sql(create_guard_sql(name))
            record(
                session, actor=actor, action="repair_audit_guard", case_ref=None,
                summary=("Put back the audit guard (" + ", ".join(missing) + "), which had been "
                         "removed outside cin; entries changed or deleted while it was off cannot "
                         "be known from this database"),
                before={"missing_triggers": missing}, after={"missing_triggers": []},
            )
            return missing
    finally:
        engine.dispose()
