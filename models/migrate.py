"""Alembic, run from code: the migrations ship inside the package (`models/migrations`)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import DBAPIError

from models import errors
from models.backup import automatic_backup
from models.connection import BEGIN_OPTION, database_path, is_postgresql

MIGRATIONS_FOLDER = Path(__file__).resolve().parent / "migrations"
# Alembic keeps the running migration in module globals (`alembic.op`, `alembic.context`): two
# threads migrating at once, even different files, would trip over each other.
_ALEMBIC_LOCK = threading.Lock()
# PostgreSQL's advisory lock key for migrating ("CIN1" as a number).
_MIGRATION_LOCK = 0x43494E31


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate_to_head(
    engine: Engine, *, backups_kept: int, backup_folder: Path | None = None,
    backup_before: bool = True,
) -> None:
    """Upgrade to the latest schema, backing up first when an existing database would change
    (`backup_before=False` for a file cin is building, which has nothing to lose)."""
    path = database_path(engine)
    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current == script.get_current_head():
        return
    if current is not None and _unknown_revision(script, current):
        raise errors.DatabaseTooNew(path, current)
    if backup_before and not is_postgresql(engine) and _has_tables(engine):
        automatic_backup(path, reason="before-migration", keep=backups_kept, folder=backup_folder)
    upgrade(engine, "head")


def upgrade(engine: Engine, revision: str) -> None:
    """Migrate in one transaction that holds the write lock from the start, so two copies of
    cin opening a database at once migrate it once, one after the other."""
    with _ALEMBIC_LOCK, engine.connect() as connection:
        connection = connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        with connection.begin():
            if is_postgresql(connection):
                # PostgreSQL's DDL is transactional, but two first opens would both create the
                # tables: one waits for the other, then finds it done.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            try:
                command.upgrade(alembic_config(connection), revision)
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) == "42501":  # not the owner
                    raise errors.ServerNeedsUpgrade() from exc
                raise
            if is_postgresql(connection):
                from models.server_sql import apply_after_migration

                # A set-up team server's grants and policies cover what the migration added.
                apply_after_migration(connection.connection.driver_connection)


def _unknown_revision(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is None
    except Exception:  # alembic raises its own CommandError / ResolutionError here
        return True


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def known_revision(revision: str) -> bool:
    """True when this version of cin has the migration `revision` (it is not from a newer one)."""
    return not _unknown_revision(ScriptDirectory.from_config(alembic_config()), revision)
