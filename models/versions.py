"""Optimistic concurrency: every change to a case, or to anything recorded on it, bumps the
case's `version` in the same transaction, and a save made against the version a form showed
(`expected`) is refused with `ChangedMeanwhile` when the case has moved on since.

The bump is one statement, `UPDATE cases SET version = version + 1 WHERE id = :id [AND
version = :expected]`, whose row count says whether it applied: no read-then-write race on
any engine. On PostgreSQL it also takes the case's row lock, so a second writer of the same
case waits for the first to commit and then finds the version moved on. Commands call `claim`
as soon as they have found their case (before reading anything else of it); `audit.record`
claims any case it is given that was not claimed yet in the transaction, so a change can never
leave the version as it was, and writes the version the change made on its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from models.errors import CaseChange, ChangedMeanwhile
from models.tables import AuditEntry, Case
from models.validation import FieldError, ValidationFailed

_CASES = Case.__table__  # type: ignore[attr-defined]
_AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]
_CLAIMED = "cin_case_versions"  # session.info: ref -> the version this transaction made
_CHUNK = 500  # refs per statement in a bulk bump (well under every engine's parameter limit)


def claim(session: Session, case: Case, expected: int | None = None) -> int:
    """Bump `case`'s version (once per transaction), refusing with `ChangedMeanwhile` when
    `expected` is given and the stored version is not it. Returns the new version."""
    claimed = _claimed(session)
    if case.ref in claimed:
        return claimed[case.ref]
    condition = _CASES.c.id == case.id
    if expected is not None:
        condition = condition & (_CASES.c.version == expected)
    bumped = session.execute(
        update(_CASES).where(condition).values(version=_CASES.c.version + 1))
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        current = _version(session, case.ref)
        if expected is None or current in (None, expected):
            # Not a version moved on: the database itself refused to change the row (on a
            # team server, a row-level security policy filters the UPDATE to nothing).
            raise ValidationFailed([FieldError(
                "ref", f"case {case.ref} cannot be changed from this account; nothing was "
                       "saved (ask the case's worker or your manager)")])
        raise ChangedMeanwhile(case.ref, expected=expected, current=current,
                               changes=changes_since(session, case.ref, expected))
    # Read back inside the transaction that wrote it: no other writer can have moved it.
    version = _version(session, case.ref)
    assert version is not None  # the row was just updated
    claimed[case.ref] = version
    return version


def claim_ref(session: Session, ref: str) -> int | None:
    """`claim` by reference, expecting nothing (for `audit.record`); None when no case has
    this reference (a deleted or never-made case)."""
    claimed = _claimed(session)
    if ref in claimed:
        return claimed[ref]
    bumped = session.execute(
        update(_CASES).where(_CASES.c.ref == ref).values(version=_CASES.c.version + 1))
    version = _version(session, ref) if bumped.rowcount == 1 else None  # type: ignore[attr-defined]
    if version is not None:
        claimed[ref] = version
    return claimed.get(ref)


def claim_many(session: Session, refs: Iterable[str]) -> None:
    """Bump the version of each case in `refs` (an import's changed cases), expecting none."""
    claimed = _claimed(session)
    todo = sorted({ref for ref in refs if ref not in claimed})
    for start in range(0, len(todo), _CHUNK):
        chunk = todo[start:start + _CHUNK]
        session.execute(update(_CASES).where(_CASES.c.ref.in_(chunk))
                        .values(version=_CASES.c.version + 1))
        rows = session.execute(
            select(_CASES.c.ref, _CASES.c.version).where(_CASES.c.ref.in_(chunk))).all()
        claimed.update({ref: int(version) for ref, version in rows})


def noted_new_case(session: Session, ref: str) -> None:
    """A case inserted in this transaction starts at version 1: its first audit entry says so
    and does not bump it."""
    _claimed(session)[ref] = 1


def made_version(session: Session, ref: str | None) -> int | None:
    """The version this transaction gave case `ref` (claiming it if not yet claimed)."""
    if ref is None:
        return None
    return _claimed(session).get(ref) or claim_ref(session, ref)


def changes_since(session: Session, ref: str, version: int) -> list[CaseChange]:
    """The audited changes to case `ref` that made a version after `version`, oldest first."""
    rows = session.execute(
        select(_AUDIT.c.at, _AUDIT.c.actor, _AUDIT.c.summary)
        .where(_AUDIT.c.case_ref == bindparam("ref"), _AUDIT.c.case_version > version)
        .order_by(_AUDIT.c.id),
        {"ref": ref},
    ).all()
    return [CaseChange(at=at, actor=actor, summary=summary) for at, actor, summary in rows]


def _version(session: Session, ref: str) -> int | None:
    """The case's version as this transaction sees it (None: no such case visible)."""
    version = session.execute(
        select(_CASES.c.version).where(_CASES.c.ref == ref)).scalar_one_or_none()
    return None if version is None else int(version)


def _claimed(session: Session) -> dict[str, int]:
    claimed: dict[str, int] = session.info.setdefault(_CLAIMED, {})
    return claimed


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_claims(session: OrmSession, transaction: Any) -> None:
    """What a transaction claimed ends with it (committed or rolled back)."""
    if transaction.parent is None:
        session.info.pop(_CLAIMED, None)
