"""SQLite's SQL on a psycopg connection, for the bulk paths and the stored reads written in
SQLite's qmark SQL (models.stored_deadlines, models.upsert). Imports nothing heavy, so the
first read of a team server can run without SQLAlchemy (models.server_start)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["QmarkConnection", "as_sqlalchemy_error", "qmark_to_postgresql"]


class QmarkConnection:
    """A psycopg connection that takes the portable subset of SQLite's SQL the bulk paths use:
    `?` placeholders and `json_each(?)` over a JSON array of integers. `postgresql` lets a
    caller choose where the two engines differ (collation, say)."""

    postgresql = True

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def cursor(self) -> QmarkConnection:
        return self

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        cursor = self._connection.cursor()
        with as_sqlalchemy_error(sql):
            cursor.execute(qmark_to_postgresql(sql), tuple(parameters))
        return cursor

    def executemany(self, sql: str, rows: Any) -> Any:
        cursor = self._connection.cursor()
        rows = [tuple(row) for row in rows]
        if rows:
            with as_sqlalchemy_error(sql):
                cursor.executemany(qmark_to_postgresql(sql), rows)
        return cursor


@contextmanager
def as_sqlalchemy_error(sql: str) -> Iterator[None]:
    """psycopg's errors as SQLAlchemy raises them, so `translate_errors` (and whoever catches
    SQLAlchemy's IntegrityError, say) sees the same thing from the bulk paths as elsewhere."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        import sqlalchemy.exc  # only on an error: a plain read imports no SQLAlchemy

        raise sqlalchemy.exc.DBAPIError.instance(sql, None, exc, psycopg.Error) from exc


@functools.lru_cache(maxsize=256)
def qmark_to_postgresql(sql: str) -> str:
    """SQLite's SQL as psycopg takes it. The bulk paths' SQL has no `?` inside quotes."""
    sql = sql.replace("%", "%%")
    sql = sql.replace("SELECT value FROM json_each(?)",
                      "SELECT value::bigint FROM json_array_elements_text(?::json)")
    return sql.replace("?", "%s")
