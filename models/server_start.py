"""What opening a team server asks the server, in one round trip (issue 13's start goal).

A start used to cost a dozen round trips before the first read: SQLAlchemy's first-connect
probes (server version, current schema, isolation level, standard_conforming_strings, the
hstore type look-up in a savepoint), then the schema revision and the audit guard's triggers,
each in a BEGIN ... ROLLBACK of its own. Here:

- the server version and standard_conforming_strings come from what libpq already received
  when it connected (no query); cin has no hstore columns, so that look-up is off
  (`use_native_hstore=False` in models.connection);
- one statement, in autocommit (no BEGIN or ROLLBACK), reads the current schema, the default
  isolation level, the schema's revision and the audit guard's enabled triggers; the
  dialect takes the first two, and `models.db` the others through `start_facts`.

Where that statement cannot run (a new database without tables yet, or a login without
rights to them), the first two are read alone and `start_facts` answers None for the rest:
the caller then takes the long way (Alembic, `models.guard`), which reports any problem.

`plain_read`: the first read of a process that has not loaded SQLAlchemy (`cin due` on a team
server) runs on one plain psycopg connection, as an SQLite file's first read runs on plain
sqlite3; importing SQLAlchemy, SQLModel and Alembic would otherwise be most of the command's
time.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from models.qmark import QmarkConnection, as_sqlalchemy_error

if TYPE_CHECKING:  # this module imports no SQLAlchemy: see `plain_read`
    from sqlalchemy import Connection, Engine

    from models.location import ServerUrl

T = TypeVar("T")
# How long a statement waits for a lock (SQLite: busy_timeout; PostgreSQL: lock_timeout). Here,
# where nothing imports SQLAlchemy; models.connection re-exports it.
DEFAULT_BUSY_TIMEOUT_SECONDS = 5.0

_SETTINGS = "current_schema(), upper(current_setting('transaction_isolation'))"
_START_SQL = (
    f"SELECT {_SETTINGS}, "
    "ARRAY(SELECT version_num::text FROM alembic_version), "
    "ARRAY(SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
    "AND NOT tgisinternal AND tgenabled != 'D')")


@dataclass(frozen=True)
class StartFacts:
    schema: str
    isolation_level: str
    # None when the start statement could not read them (see the module's docstring).
    revisions: tuple[str, ...] | None
    audit_triggers: frozenset[str] | None


# What the first connection's probe read, until `start_facts` takes it: keyed by the psycopg
# connection it was read on, so a fact is never taken from another connection.
_UNCLAIMED: weakref.WeakKeyDictionary[Any, StartFacts] = weakref.WeakKeyDictionary()


def read_start_facts(driver: Any) -> StartFacts:
    """The start's facts from the psycopg connection `driver` (idle: no transaction open),
    in autocommit for the one statement, so no BEGIN and ROLLBACK round trips."""
    was_autocommit = driver.autocommit
    driver.autocommit = True
    try:
        try:
            schema, level, revisions, triggers = driver.execute(_START_SQL).fetchone()
            return StartFacts(schema, level, tuple(revisions), frozenset(triggers))
        except Exception as exc:
            import psycopg

            if not isinstance(exc, psycopg.Error):
                raise
        with as_sqlalchemy_error(_SETTINGS):
            schema, level = driver.execute(f"SELECT {_SETTINGS}").fetchone()
        return StartFacts(schema, level, None, None)
    finally:
        driver.autocommit = was_autocommit


def quick_dialect_start(engine: Engine) -> None:
    """Make `engine`'s first connection ask the server only `read_start_facts`'s statement
    (SQLAlchemy's PostgreSQL dialect otherwise sends four probes, each a round trip)."""
    dialect: Any = engine.dialect

    def server_version(connection: Connection) -> tuple[int, ...]:
        number = int(_driver(connection).info.server_version)  # e.g. 150005 is 15.5
        if number >= 100000:
            return (number // 10000, number % 10000)
        return (number // 10000, number // 100 % 100, number % 100)

    def default_schema(connection: Connection) -> str:
        driver = _driver(connection)
        facts = read_start_facts(driver)
        _UNCLAIMED[driver] = facts
        return facts.schema

    def default_isolation_level(driver: Any) -> str:
        facts = _UNCLAIMED.get(driver)
        return facts.isolation_level if facts else str(dialect.get_isolation_level(driver))

    def backslash_escapes(connection: Connection) -> None:
        conforming = _driver(connection).info.parameter_status("standard_conforming_strings")
        dialect._backslash_escapes = conforming == b"off"

    dialect._get_server_version_info = server_version
    dialect._get_default_schema_name = default_schema
    dialect.get_default_isolation_level = default_isolation_level
    dialect._set_backslash_escapes = backslash_escapes


def start_facts(engine: Engine) -> StartFacts:
    """The start's facts: those the first connection read as it was made (no round trip),
    or read now if this connection's have been taken already."""
    with engine.connect() as connection:
        driver = _driver(connection)
        facts = _UNCLAIMED.pop(driver, None)
        return facts if facts is not None else read_start_facts(driver)


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def connect_args(busy_timeout: float) -> dict[str, str]:
    """cin's connection settings, for the engine's connections and a plain one alike: a lock
    waited on longer than `busy_timeout` fails as on SQLite, rather than hanging the screen."""
    return {"application_name": "cin", "options": f"-c lock_timeout={int(busy_timeout * 1000)}"}


def plain_read_pays() -> bool:
    """Whether a first read is cheaper on a plain connection than by opening the engine: only
    while SQLAlchemy is not loaded (in the App it is, and the engine's connection is kept)."""
    return "sqlalchemy.engine" not in sys.modules


@contextmanager
def plain_snapshot(url: ServerUrl, busy_timeout: float, *, consistent: bool
                   ) -> Iterator[QmarkConnection]:
    """A read-only snapshot on a new plain psycopg connection to `url`, closed afterwards, as
    models.connection.read_only_snapshot gives one on the engine's. A server that cannot be
    reached raises as opening the engine would (translated: models.errors)."""
    import psycopg

    with _translated_connect_error():
        settings = connect_args(busy_timeout)
        connection = psycopg.connect(url.url, application_name=settings["application_name"],
                                     options=settings["options"])
    try:
        if consistent:
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            connection.read_only = True
            with connection.transaction():
                yield QmarkConnection(connection)
        else:
            connection.autocommit = True
            yield QmarkConnection(connection)
    finally:
        connection.close()


@contextmanager
def _translated_connect_error() -> Iterator[None]:
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        # As models.connection.translate_errors does (not imported: it imports this module).
        import sqlalchemy.exc

        from models.backup import advised_backup
        from models.sqlite_errors import translate_error

        try:
            with as_sqlalchemy_error("connect"):
                raise exc from None
        except sqlalchemy.exc.DBAPIError as wrapped:
            translated = translate_error(wrapped, None, advise=advised_backup)
            if translated is None:
                raise
            raise translated from exc


def plain_read(url: ServerUrl, read: Callable[[Any], T], *, consistent: bool,
               busy_timeout: float = DEFAULT_BUSY_TIMEOUT_SECONDS) -> T | None:
    """`read(connection)` in `plain_snapshot`; None on any problem of the read itself (the
    full path then reports it properly)."""
    import psycopg

    try:
        with plain_snapshot(url, busy_timeout, consistent=consistent) as connection:
            return read(connection)
    except psycopg.Error:
        return None
    except Exception as exc:  # a psycopg error raised as SQLAlchemy's (models.qmark)
        if type(exc).__module__.startswith("sqlalchemy"):
            return None
        raise
