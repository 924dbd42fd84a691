"""Opening the database: file creation, connection settings, migrations and sessions.

Nothing here runs at import time: callers build an engine with `open_database(path)`.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import uuid
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

from models import errors
from models.location import DatabaseLocation, ServerUrl, location_of
from models.server_start import DEFAULT_BUSY_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from models.connection import (
        BEGIN_OPTION,
        database_path,
        make_engine,
        one_transaction,
        session_scope,
        translate_errors,
    )

# models.connection imports SQLAlchemy: loaded when first used, not by importing this module
# (`cin due` on a team server needs only `default_database_path` from here).
_FROM_CONNECTION = frozenset(("BEGIN_OPTION", "database_path", "make_engine", "one_transaction",
                              "session_scope", "translate_errors"))


def __getattr__(name: str) -> Any:
    if name in _FROM_CONNECTION:
        import models.connection

        return getattr(models.connection, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Re-exported: most callers open a database and then use its sessions.
__all__ = ["BEGIN_OPTION", "DEFAULT_BACKUPS_KEPT", "DEFAULT_BUSY_TIMEOUT_SECONDS", "database_path",
           "default_database_path", "make_engine", "not_cin_error", "one_transaction",
           "open_database", "refuse_what_is_not_cin", "session_scope", "translate_errors"]

APP_NAME = "cin-tui"
DATABASE_FILE_NAME = "cin.db"
DEFAULT_BACKUPS_KEPT = 10


def default_database_path() -> Path:
    """The user's own data folder (e.g. ~/.local/share/cin-tui/cin.db), never a synced share."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / DATABASE_FILE_NAME


def open_database(
    path: DatabaseLocation | str,
    *,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT_SECONDS,
    backups_kept: int = DEFAULT_BACKUPS_KEPT,
    backup_folder: Path | None = None,
) -> Engine:
    """Open the cin database at `path` (creating it only where there is no file at all) and
    migrate it to the latest schema.

    A new database is built beside `path` and then linked into place complete, readable and
    writable by its owner only (0600), so a file at `path` is never half made. An existing file
    that is not a cin database (empty, another program's, not SQLite) is refused and never
    written. An existing database that a migration would change is backed up first (see
    `models.backup`). When the audit guard has been removed, the engine refuses audited
    changes (see `models.guard`). Problems the user can act on raise a
    `models.errors.DatabaseError` subclass.
    """
    location = location_of(path)
    if isinstance(location, ServerUrl):
        return _open_server(location, busy_timeout)
    from models.connection import make_engine, translate_errors
    from models.guard import missing_guard_triggers, refuse_audited_writes
    from models.migrate import migrate_to_head  # Alembic: imported only to open a file

    path = location
    if not _existing_file(path):
        _create_database(path, busy_timeout)
    engine = make_engine(path, busy_timeout)
    try:
        with translate_errors(path):
            migrate_to_head(engine, backups_kept=backups_kept, backup_folder=backup_folder)
            missing = missing_guard_triggers(engine)
        if missing:
            refuse_audited_writes(engine, missing)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _open_server(url: ServerUrl, busy_timeout: float) -> Engine:
    """A PostgreSQL database, migrated (no backup file: the server's are pg_dump's, see
    docs/deploy.md). The audit guard there is a trigger too; when it is missing, opening is
    refused (models.guard). The usual start (schema at head) costs one statement on the first
    connection (models.server_start); otherwise Alembic checks and migrates."""
    from models.connection import make_engine, translate_errors
    from models.guard import GUARD_TRIGGERS, missing_guard_triggers
    from models.server_start import start_facts
    from models.stored_deadlines import SCHEMA_REVISION  # the head: tests/models check it

    engine = make_engine(url, busy_timeout)
    try:
        with translate_errors(None):
            facts = start_facts(engine)
            if facts.revisions == (SCHEMA_REVISION,) and facts.audit_triggers is not None:
                missing = [name for name in GUARD_TRIGGERS if name not in facts.audit_triggers]
            else:  # a new database, an upgrade, or a login that may not read them: Alembic
                from models.migrate import migrate_to_head

                migrate_to_head(engine, backups_kept=0, backup_before=False)
                missing = missing_guard_triggers(engine)
        if missing:
            raise errors.AuditGuardMissing(None, missing)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _existing_file(path: Path) -> bool:
    """True when a cin database is at `path`, False when nothing is; raises for anything else."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise errors.DatabaseFolderNotWritable(path.parent, exc.strerror or str(exc)) from exc
    if not path.exists():
        return False
    if path.is_dir():
        raise errors.DatabaseFolderNotWritable(path, "this is a folder, not a file")
    refuse_what_is_not_cin(path)
    if _is_read_only(path):
        raise errors.DatabaseReadOnly(path)
    return True


def refuse_what_is_not_cin(path: Path) -> None:
    """Raise the user's error for a file at `path` that is not a cin database."""
    from models.identity import NotCin, check_cin_file

    try:
        check_cin_file(path)
    except NotCin as not_cin:
        raise not_cin_error(path, not_cin) from None


def not_cin_error(path: Path, not_cin: Exception) -> errors.DatabaseError:
    from models.backup import advised_backup

    advice = advised_backup(path)
    backup, facts = (advice[0], advice[1].describe()) if advice else (None, "")
    found = getattr(not_cin, "found", str(not_cin))
    if getattr(not_cin, "damaged", False):
        return errors.DatabaseCorrupt(path, backup, facts, found=found)
    empty = path.is_file() and path.stat().st_size == 0
    return errors.NotACinDatabase(path, found, backup, facts, replaceable=empty)


def _create_database(path: Path, busy_timeout: float) -> None:
    """Build a new database in a private file beside `path`, then link it into place only if
    nothing is there yet (another copy of cin may have made it a moment ago: then theirs is
    used). Hard links fail on some file systems; then a rename, which is very nearly as safe."""
    from models.connection import make_engine, translate_errors
    from models.migrate import migrate_to_head

    building = path.with_name(f".{path.name}.new-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        fd = os.open(building, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise errors.DatabaseFolderNotWritable(path.parent, exc.strerror or str(exc)) from exc
    os.close(fd)
    try:
        engine = make_engine(building, busy_timeout)
        try:
            with translate_errors(path):
                migrate_to_head(engine, backups_kept=1, backup_before=False)
        finally:
            engine.dispose()
        with closing(sqlite3.connect(building)) as connection:  # fold the WAL into the file
            connection.execute("PRAGMA journal_mode=DELETE")
        try:
            os.link(building, path)
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():
                os.replace(building, path)
    except OSError as exc:
        raise errors.DatabaseFolderNotWritable(path.parent, exc.strerror or str(exc)) from exc
    finally:
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm"),
                         Path(f"{building}-journal")):
            leftover.unlink(missing_ok=True)


def _is_read_only(path: Path) -> bool:
    # The owner-write bit is checked as well as access(): an administrator's account would
    # otherwise write to a file its owner deliberately marked read-only.
    return not os.access(path, os.W_OK) or not (path.stat().st_mode & stat.S_IWUSR)


