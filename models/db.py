"""Opening the database: file creation, connection settings, migrations and sessions.

Nothing here runs at import time: callers build an engine with `open_database(path)`.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import sqlalchemy.exc
from platformdirs import user_data_dir
from sqlalchemy import URL, Engine, create_engine, event
from sqlmodel import Session

from models import errors

APP_NAME = "cin-tui"
DATABASE_FILE_NAME = "cin.db"
DEFAULT_BUSY_TIMEOUT_SECONDS = 5.0
DEFAULT_BACKUPS_KEPT = 10
BEGIN_OPTION = "cin_begin"


def default_database_path() -> Path:
    """The user's own data folder (e.g. ~/.local/share/cin-tui/cin.db), never a synced share."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / DATABASE_FILE_NAME


def database_path(engine: Engine) -> Path:
    return Path(engine.url.database or "")


def open_database(
    path: Path | str,
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
    from models.guard import missing_guard_triggers, refuse_audited_writes
    from models.migrate import migrate_to_head

    path = Path(path).expanduser()
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


def make_engine(path: Path, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_SECONDS) -> Engine:
    """An engine with cin's connection settings that does not create or migrate anything
    (for tools and tests; everything else uses `open_database`)."""
    engine = create_engine(
        URL.create("sqlite", database=str(path)),
        connect_args={"check_same_thread": False, "timeout": busy_timeout},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # SQLAlchemy's pysqlite recipe: stop the driver issuing its own BEGIN (it skips SELECTs
        # and DDL) and issue a real BEGIN ourselves in the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            _use_write_ahead_log(cursor, busy_timeout)
            # FULL: a commit is on disk (WAL synced) before the save is confirmed.
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        mode = connection.get_execution_options().get(BEGIN_OPTION, "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def _use_write_ahead_log(cursor: sqlite3.Cursor, busy_timeout: float) -> None:
    # Switching a new file to WAL needs the other connections out of the way, and SQLite says
    # "locked" at once instead of waiting (two copies opening a new database together): retry
    # for as long as a busy wait would have waited.
    give_up = time.monotonic() + busy_timeout
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > give_up:
                raise
            time.sleep(0.01)


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back if it raises.

    `write=True` (the default) takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE) so a save
    never fails half way because another copy of cin wrote first; pass `write=False` for reads,
    which then never wait for a writer. Rows stay usable after the block (expire_on_commit=False).
    Database problems surface as `models.errors.DatabaseError` subclasses.
    """
    path = database_path(engine)
    with translate_errors(path):
        session = Session(engine, expire_on_commit=False)
        try:
            if write:
                session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


P = ParamSpec("P")
R = TypeVar("R")


def one_transaction(command: Callable[P, R]) -> Callable[P, R]:
    """For a function taking the session first: commit when it returns, roll back if it
    raises, so each write command is one transaction however it is called."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session: Session = args[0] if args else kwargs["session"]  # type: ignore[assignment]
        try:
            result = command(*args, **kwargs)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise

    return run


@contextmanager
def translate_errors(path: Path | None) -> Iterator[None]:
    """Turn SQLite's low-level errors into `models.errors.DatabaseError` subclasses."""
    try:
        yield
    except (sqlalchemy.exc.DBAPIError, sqlite3.Error) as exc:
        translated = translate_error(exc, path)
        if translated is None:
            raise
        raise translated from exc


def translate_error(exc: BaseException, path: Path | None) -> errors.DatabaseError | None:
    """The user-facing error for a SQLite failure, or None when it is not one a user can fix."""
    original = getattr(exc, "orig", None) or exc
    message = str(original).lower()
    if "database is locked" in message or "database table is locked" in message or "busy" in message:
        return errors.DatabaseLocked(path)
    if "readonly database" in message or "read-only" in message:
        return errors.DatabaseReadOnly(path)
    if "file is not a database" in message or "malformed" in message or "encrypted" in message:
        return _corrupt(path)
    if "unable to open database file" in message:
        return errors.DatabaseFolderNotWritable(path.parent if path else None, str(original))
    if "disk i/o error" in message or "disk is full" in message:
        return errors.DatabaseWriteFailed(path, str(original))
    from models.guard import GUARD_MISSING

    if GUARD_MISSING in message:
        missing = str(original).split(GUARD_MISSING + ":", 1)[-1].strip()
        return errors.AuditGuardMissing(path, [m.strip() for m in missing.split(",") if m.strip()])
    return None


def _corrupt(path: Path | None) -> errors.DatabaseCorrupt:
    if path is None:
        return errors.DatabaseCorrupt(None)
    from models.backup import advised_backup

    advice = advised_backup(path)
    return (errors.DatabaseCorrupt(path, advice[0], advice[1].describe()) if advice
            else errors.DatabaseCorrupt(path))
