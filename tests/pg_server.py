"""A PostgreSQL server for the tests: `CIN_TEST_POSTGRES` names it (a libpq URL of a superuser
on a throwaway cluster; tools/test_postgres.sh starts one, and .ci/run does). Each test gets a
fresh database copied from a template migrated once per session (CREATE DATABASE ... TEMPLATE
is a file copy: no migrations per test). Without the variable those tests skip with the reason,
unless `CIN_REQUIRE_POSTGRES=1`, when they fail (CI: they must have run)."""

from __future__ import annotations

import itertools
import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from models.location import ServerUrl

SERVER_ENV = "CIN_TEST_POSTGRES"
REQUIRE_ENV = "CIN_REQUIRE_POSTGRES"
NOT_RUNNING = (f"PostgreSQL not running ({SERVER_ENV} is not set): bash .ci/run starts one; "
               "see README.md, Development (eval \"$(bash tools/test_postgres.sh start)\")")


def server_url_or_skip() -> str:
    url = os.environ.get(SERVER_ENV, "").strip()
    if url:
        return url
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {NOT_RUNNING}", pytrace=False)
    pytest.skip(NOT_RUNNING)


def database_url(admin_url: str, name: str) -> str:
    """`admin_url` naming the database `name` instead (host, port, user and options kept)."""
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class PostgresServer:
    """The test server: one migrated template, and a database per test copied from it."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.template = f"cin_template_{os.getpid()}"
        self._numbers = itertools.count(1)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def make_template(self) -> None:
        from models.db import open_database

        self._admin(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        # "C": text compares as SQLite's does (UTF-8 bytes), so orders agree.
        self._admin(f"CREATE DATABASE {self.template} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C' LC_CTYPE 'C'")
        open_database(database_url(self.admin_url, self.template)).dispose()

    def new_database(self, *, empty: bool = False) -> tuple[str, ServerUrl]:
        """A copy of the migrated template (or, `empty`, a database with no tables)."""
        name = f"cin_test_{os.getpid()}_{next(self._numbers)}"
        template = "template0" if empty else self.template
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template} LC_COLLATE 'C' LC_CTYPE 'C'")
        return name, ServerUrl(database_url(self.admin_url, name))

    def drop(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
