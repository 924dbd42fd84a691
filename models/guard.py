"""The audit guard: triggers that refuse UPDATE and DELETE on the audit log (migration 0002).

Anyone with the sqlite3 shell can drop them. `open_database` checks they are there; when one is
missing, every connection it hands out gets temporary triggers that refuse new audit entries
(so every audited change is refused, in its own transaction) and that still refuse changing
or deleting old ones. Reading goes on working. `models.recovery.repair_audit_guard` puts the guard
back and records that it did.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Engine, event, text

GUARD_TRIGGERS = {"audit_log_no_update": "UPDATE", "audit_log_no_delete": "DELETE"}
AUDIT_UNCHANGEABLE = "audit entries cannot be changed"  # the message migration 0002 uses
GUARD_MISSING = "cin-audit-guard-missing"  # starts the error SQLite raises; see models.db


def missing_guard_triggers(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        present = {row[0] for row in connection.execute(text(
            _POSTGRESQL_TRIGGERS if engine.dialect.name == "postgresql" else
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"))}
    return [name for name in GUARD_TRIGGERS if name not in present]


# The enabled triggers on audit_log (migration 0002's PostgreSQL branch).
_POSTGRESQL_TRIGGERS = ("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                        "AND NOT tgisinternal AND tgenabled != 'D'")


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
