"""Reads of the caseload that first store the deadlines they need, in short transactions of
their own (the caseload service's rung 2: models/service.py): what is stale is read in a
snapshot, worked out with no transaction open, and written in a short write transaction that
skips any case changed meanwhile (models.deadline_store); then the answer is read back in a
read-only snapshot through the one reader of stored deadlines."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

import sqlalchemy.exc
from sqlalchemy import Engine
from sqlmodel import Session

from models import deadline_store
from models.caseload import inputs_digest, pending_work, plan_case, session_driver
from models.connection import read_only_snapshot, session_scope
from models.errors import DatabaseLocked, NotPermitted
from models.stored_deadlines import NotCurrent, computed_for_key

__all__ = ["read_stored", "store_deadlines"]

T = TypeVar("T")

# How many times a read stores what is missing and reads it back before it works everything
# out in memory instead (each retry: a case changed between the store and the read).
_ATTEMPTS = 3

# (the snapshot's connection, the inputs' computed_for key) -> an answer, or None when a case
# it reads is not current (changed since it was stored)
StoredRead = Callable[[sqlite3.Connection, str], "T | None"]


def read_stored(
    engine: Engine,
    read: StoredRead[T],
    in_memory: Callable[[Session], T],
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    worker: str | None = None,
    amber_working_days: int = 5,
    settings_inputs: str | None = None,
) -> T:
    """`read(connection, computed_for)` in a read-only snapshot once the deadlines of the
    cases it reads (one worker's, if given) are stored for these inputs (`store_deadlines`:
    short transactions, nothing held while deadlines are worked out). When `read` finds a
    case changed since (None, or `NotCurrent`), again; after a few tries, or while another
    copy of cin holds the write lock, `in_memory(session)` works it out in a snapshot without
    storing anything; so does a team server's refusal to store a case this login may only
    read."""
    for _attempt in range(_ATTEMPTS):
        try:
            computed_for = store_deadlines(
                engine, policies=policies, calendar=calendar, today=today, worker=worker,
                amber_working_days=amber_working_days, settings_inputs=settings_inputs)
        except (DatabaseLocked, NotPermitted):
            # NotPermitted: on a team server, a colleague's case read for cover may not be
            # stored by this login (models/server_sql.py): worked out in memory instead.
            break
        except sqlalchemy.exc.OperationalError as error:
            if _sqlstate(error) not in _TRY_AGAIN:
                raise
            continue  # the server chose this store to undo (a deadlock): nothing was kept
        with read_only_snapshot(engine) as connection:  # one snapshot for every statement
            try:
                answer = read(connection, computed_for)
            except NotCurrent:
                answer = None
        if answer is not None:
            return answer
    with session_scope(engine, write=False) as session:
        return in_memory(session)


# PostgreSQL's "deadlock detected" and "could not serialize": the transaction was undone and
# may simply be tried again.
_TRY_AGAIN = ("40P01", "40001")


def _sqlstate(error: sqlalchemy.exc.DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def store_deadlines(
    engine: Engine,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    worker: str | None = None,
    amber_working_days: int = 5,
    settings_inputs: str | None = None,
) -> str:
    """`refresh_deadlines` in short transactions of its own: what is stale is read in a
    snapshot, worked out with none open, and written in a write transaction that skips any
    case changed meanwhile (models.deadline_store). Returns the inputs' `computed_for` key.
    Raises `models.errors.DatabaseLocked` while another copy of cin holds the write lock."""
    computed_for = computed_for_key(inputs_digest(policies, calendar))
    with session_scope(engine, write=False) as session:
        pending = pending_work(session, computed_for, today, worker, settings_inputs)
    if not pending.anything:
        return computed_for
    worked = deadline_store.work_out(pending, deadline_store.plan_with(
        policies, calendar, plan_case), today, calendar, amber_working_days)
    with session_scope(engine) as session:
        deadline_store.write(session_driver(session), pending, worked, calendar=calendar,
                             settings_inputs=settings_inputs)
    return computed_for
