"""Connections to a cin database: cin's SQLite settings (or a PostgreSQL server's engine),
transactions, and the driver's errors turned into the user's. Nothing here creates or migrates
a file (models.db does that)."""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import sqlalchemy.exc
from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlmodel import Session

from models.backup import advised_backup
from models.location import DatabaseLocation, ServerUrl, location_of
from models.qmark import QmarkConnection, qmark_to_postgresql  # noqa: F401 (re-exported)
from models.server_start import DEFAULT_BUSY_TIMEOUT_SECONDS, connect_args, quick_dialect_start
from models.sqlite_errors import translate_error

BEGIN_OPTION = "cin_begin"


def database_path(engine: Engine) -> Path:
    return Path(engine.url.database or "")


def is_postgresql(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


def make_engine(
    location: DatabaseLocation | str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_SECONDS
) -> Engine:
    """An engine with cin's connection settings that does not create or migrate anything
    (for tools and tests; everything else uses `open_database`)."""
    location = location_of(location)
    if isinstance(location, ServerUrl):
        return _server_engine(location, busy_timeout)
    path = location
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
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def _server_engine(url: ServerUrl, busy_timeout: float) -> Engine:
    """A PostgreSQL engine through psycopg 3: libpq reads the service file, .pgpass, sslmode
    and the PG* variables itself. A lock waited on longer than `busy_timeout` fails as on
    SQLite, rather than hanging the screen."""
    engine = create_engine(
        url.sqlalchemy_url,
        connect_args=connect_args(busy_timeout),
        use_native_hstore=False,  # no hstore columns: no type look-up on connecting
    )
    quick_dialect_start(engine)

    # A pooled connection idle for a while is pinged before use, so one the server dropped
    # (a restart, a network timeout overnight) is replaced instead of failing a save; one used
    # moments ago is not: SQLAlchemy's pool_pre_ping would add a round trip to every read.
    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: object) -> None:
        idle = time.monotonic() - record.info.get(_LAST_USED, 0.0)
        if idle < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool then connects afresh
            raise sqlalchemy.exc.DisconnectionError(str(exc)) from exc

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _note_use(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_LAST_USED] = time.monotonic()

    return engine


# How long a pooled team-server connection may sit unused before it is pinged on checkout.
PING_AFTER_IDLE_SECONDS = 30.0
_LAST_USED = "cin_last_used"


def driver_connection(connection: Connection) -> Any:
    """The DBAPI connection under `connection`, for the bulk paths written in SQLite's qmark
    SQL (models.stored_deadlines, models.upsert): the sqlite3 connection itself, or on
    PostgreSQL a `QmarkConnection` that speaks the same SQL."""
    driver = connection.connection.driver_connection
    return QmarkConnection(driver) if is_postgresql(connection) else driver


@contextmanager
def read_only_snapshot(engine: Engine, *, one_statement: bool = False) -> Iterator[Any]:
    """A read-only transaction over one snapshot on a pooled connection of `engine`, as
    `driver_connection` gives it (the plain driver, no ORM): on PostgreSQL REPEATABLE READ,
    READ ONLY (psycopg sends both with its BEGIN); on SQLite a deferred BEGIN, whose first
    read fixes the snapshot. `one_statement`: the caller needs each statement consistent in
    itself only, so PostgreSQL runs them in autocommit (no BEGIN and COMMIT round trips).
    Database problems raise as in `session_scope`."""
    path = None if is_postgresql(engine) else database_path(engine)
    with translate_errors(path), engine.connect() as connection:
        if is_postgresql(connection):
            connection = connection.execution_options(
                isolation_level="AUTOCOMMIT" if one_statement else "REPEATABLE READ",
                postgresql_readonly=True)
        with connection.begin():
            yield driver_connection(connection)


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
            elif is_postgresql(engine):
                # One snapshot for every read in the block, as SQLite's BEGIN gives: under
                # PostgreSQL's default READ COMMITTED each statement sees later commits.
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
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
        translated = translate_error(exc, path, advise=advised_backup)
        if translated is None:
            raise
        raise translated from exc
