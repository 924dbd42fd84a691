"""Reading and writing a test database the way the app does (not through the screens)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from models.db import open_database, session_scope
from policies.calendar import WorkingCalendar
from policies.packs import load_policies

TODAY = date(2026, 11, 23)
POLICIES = load_policies(None)
CALENDAR = WorkingCalendar()


def read(database: Path, reader: Any, **arguments: Any) -> Any:
    """A `models.supervision` read on `database`, with the shipped packs, on TODAY."""
    arguments.setdefault("today", TODAY)
    engine = open_database(database)
    try:
        with session_scope(engine, write=False) as session:
            return reader(session, policies=POLICIES, calendar=CALENDAR, **arguments)
    finally:
        engine.dispose()


def page(database: Path, ref: str, worker: str, **arguments: Any) -> Any:
    from models.supervision import walkthrough_pages

    pages = read(database, walkthrough_pages, worker=worker, **arguments)
    found = [p for p in pages if p.ref == ref]
    assert found, f"{ref} is not among {worker}'s cases: {[p.ref for p in pages]}"
    return found[0]


def flags(database: Path, ref: str, worker: str, **arguments: Any) -> dict[str, Any]:
    """The case's open flags, by rule id."""
    return {d.rule_id: d for d in page(database, ref, worker, **arguments).flags}


def add_note(database: Path, ref: str, *, clears: Sequence[str] = (),
             actions: Sequence[tuple[str, str, date]] = (), on: date = TODAY,
             decision: str = "Continue the plan", rationale: str = "Progress is steady",
             author: str = "Morgan Ashdown") -> int:
    from models.commands import add_oversight_note

    engine = open_database(database)
    try:
        with session_scope(engine) as session:
            return add_oversight_note(session, ref=ref, author=author, decision=decision,
                                      rationale=rationale, actions=list(actions),
                                      cleared_flags=list(clears), today=on)
    finally:
        engine.dispose()
