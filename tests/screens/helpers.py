"""Reading what the app shows, and waiting (never sleeping a fixed time) for it to get there."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from screens.case import CaseScreen
from screens.caseload import CaseloadScreen, CaseloadTable

# Long enough for a slow CI machine; a wait ends as soon as its condition holds.
PATIENCE_SECONDS = 30.0


async def until(pilot: Pilot, condition: Callable[[], Any], what: str) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + PATIENCE_SECONDS
    while not condition():
        if loop.time() > give_up:
            raise AssertionError(f"gave up waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


async def caseload_ready(pilot: Pilot) -> CaseloadScreen:
    app = pilot.app

    def ready() -> bool:
        screen = app.screen
        return (isinstance(screen, CaseloadScreen) and screen.loaded
                and screen._loaded_version == app.data_version and not app.workers._workers)

    await until(pilot, lambda: app.startup_error is not None or ready(), "the caseload to load")
    assert app.startup_error is None, app.startup_error
    return app.screen  # type: ignore[return-value]


async def caseload_reloaded(pilot: Pilot) -> CaseloadScreen:
    """After a save: back to the caseload, as the user goes, and wait for it to hold the new
    data (under another screen it reloads only when shown again)."""
    app = pilot.app
    screen = next(s for s in app.screen_stack if isinstance(s, CaseloadScreen))
    while app.screen is not screen:
        await until(pilot, lambda: not any(w.is_running for w in app.workers), "the save")
        await pilot.press("escape")
    await until(pilot, lambda: screen._loaded_version == app.data_version
                and not any(w.is_running for w in app.workers), "the caseload to reload")
    return screen


async def case_ready(pilot: Pilot) -> CaseScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, CaseScreen)
                and app.screen.case_detail is not None
                and not any(w.is_running for w in app.workers), "the case screen to load")
    return app.screen  # type: ignore[return-value]


async def open_case(pilot: Pilot, ref: str) -> CaseScreen:
    """Move the cursor to `ref` with the arrow keys, as a user would, and press Enter."""
    screen = await caseload_ready(pilot)
    table = screen.query_one(CaseloadTable)
    refs = [line.ref for line in table.rows]
    assert ref in refs, f"{ref} is not on the caseload: {refs}"
    await pilot.press("home", *["down"] * refs.index(ref), "enter")
    return await case_ready(pilot)


def table_lines(screen: CaseloadScreen) -> list[str]:
    """The caseload table as the user sees it: header first, one string per screen line."""
    table = screen.query_one(CaseloadTable)
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


def row_text(screen: CaseloadScreen, ref: str) -> str:
    matches = [line for line in table_lines(screen)[1:] if ref in line]
    assert len(matches) == 1, f"{ref} shown {len(matches)} times: {table_lines(screen)}"
    return matches[0]


def column_text(screen: CaseloadScreen, ref: str, column: str) -> str:
    """The text in one column of `ref`'s row, cut by the header's column positions."""
    table = screen.query_one(CaseloadTable)
    from screens.widgets.line_table import GUTTER, SEPARATOR

    left = GUTTER
    for each in table.columns:
        if each.label == column:
            return row_text(screen, ref)[left:left + each.width].strip()
        left += each.width + SEPARATOR
    raise AssertionError(f"no column {column!r}: {[c.label for c in table.columns]}")


def shown_refs(screen: CaseloadScreen) -> list[str]:
    return [line.ref for line in screen.query_one(CaseloadTable).rows]


def stored_case(database: Path, ref: str) -> Any:
    """What is in the database now, read independently of the app."""
    from models.db import open_database, session_scope
    from models.queries import get_case_detail

    engine = open_database(database)
    try:
        with session_scope(engine, write=False) as session:
            return get_case_detail(session, ref)
    finally:
        engine.dispose()


def audit_count(database: Path) -> int:
    from models.db import open_database, session_scope
    from models.queries import audit_log

    engine = open_database(database)
    try:
        with session_scope(engine, write=False) as session:
            return len(audit_log(session))
    finally:
        engine.dispose()


def field_error(screen: Any, name: str, record: str | None = None) -> str:
    """The message under a form field ('' when none)."""
    from screens.forms.base import Field

    for field in screen.query(Field):
        if field.field_name == name and field.record == record:
            label = field.query_one(".field-error")
            return str(label.render()).strip() if label.display else ""
    raise AssertionError(f"no field {name!r} (record {record!r})")


def form_error(screen: Any) -> str:
    label = screen.query_one("#form-error")
    return str(label.render()).strip() if label.display else ""


def widget_text(widget: Any) -> str:
    """A widget's text as drawn on screen, line by line."""
    return "\n".join(strip.text.rstrip()
                     for strip in widget.render_lines(widget.region.reset_offset))
