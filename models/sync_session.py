"""One server transaction for one laptop change (issue 14).

A laptop change is sent through the server's own validated commands (models/commands.py and
friends), each of which commits when it returns (`one_transaction`). A change that needs two
of them (a meeting booked, then held) or a command and its uid must still be all or nothing,
or a sync cut off between them would leave half a change that the next sync could not
recognise. `change_transaction` hands out a session whose commands' commits only flush; the
one real commit is at the end of the block.

The uid a record was given on the laptop is its identity everywhere: `pin_uids` makes the next
row inserted into a table take it (a mapper event sets it before the INSERT, so the command's
audit entry shows it too). A change sent twice then finds its uid already on the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import object_session
from sqlmodel import Session

from models.connection import BEGIN_OPTION, translate_errors
from models.tables import Correction, Meeting, OversightNote, TaskCompletion, Visit

_PINNED = "cin_sync_pinned_uids"  # session.info: table name -> the uid its next row takes


class _OneChange(Session):
    """A session whose `commit()` (called by each command) only flushes."""

    def commit(self) -> None:
        self.flush()

    def really_commit(self) -> None:
        super().commit()


@contextmanager
def change_transaction(engine: Engine) -> Iterator[Session]:
    """One transaction on the server: committed when the block ends, rolled back if it
    raises (whatever the commands inside it did)."""
    with translate_errors(None):
        session = _OneChange(engine, expire_on_commit=False)
        try:
            if engine.dialect.name == "sqlite":  # the write lock at BEGIN, as session_scope
                session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
            yield session
            session.really_commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def pin_uids(session: Session, **uids: str | None) -> None:
    """The next row inserted into table `name` in this session gets uid `uids[name]`."""
    pinned: dict[str, str] = session.info.setdefault(_PINNED, {})
    pinned.update({table: uid for table, uid in uids.items() if uid})


def unpin_uids(session: Session) -> None:
    """Nothing will be inserted after all: no uid waits for a row."""
    session.info.pop(_PINNED, None)


def _take_pinned_uid(_mapper: Any, _connection: Any, target: Any) -> None:
    session = object_session(target)
    pinned = session.info.get(_PINNED) if session is not None else None
    if pinned:
        uid = pinned.pop(target.__tablename__, None)
        if uid is not None:
            target.uid = uid


for _table in (Visit, Meeting, OversightNote, Correction, TaskCompletion):
    event.listen(_table, "before_insert", _take_pinned_uid)
