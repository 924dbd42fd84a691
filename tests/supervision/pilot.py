"""Driving the app as a manager would, and reading what it shows (no fixed sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

from textual.pilot import Pilot

from models.inputs import CaseInput, MeetingInput, VisitInput

PATIENCE_SECONDS = 30.0


def team_cases() -> list[CaseInput]:
    """Two workers of the North team. Sam Patel holds three cases, walked through in ref order."""

    def seen(on: date, alone: bool, voice: str) -> VisitInput:
        return VisitInput(date=on, seen=True, seen_alone=alone, childs_voice=voice,
                          not_alone_reason=None if alone else "Dad stayed in the room",
                          location="home", recorded=on)

    return [
        # Leicestershire, allocated and plan started Mon 3 Aug 2026.
        # Flags: supervision two-monthly from allocation (none recorded) -> Sat 3 Oct (overdue;
        # the next, 3 Dec, is not due yet); update to the child 3 months -> Tue 3 Nov (overdue);
        # 16 weeks -> Mon 23 Nov (today); 26 weeks -> Mon 1 Feb 2027.
        # Visits every 20 working days or sooner: 1 Sep (due Thu 3 Sep), 28 Sep (due Tue 29 Sep),
        # 19 Oct (due 26 Oct), 16 Nov (due Mon 16 Nov): 4 of 4 in the 3 months to today (5 Aug
        # is before them). Seen alone until 16 Nov, when Dad stayed in the room.
        # Meetings: initial Mon 3 Aug (due 10 days after the assessment of Thu 30 Jul: Sun 9 Aug),
        # progress 14 Sep and 26 Oct (6 weeks each after the last): all in time; the next is due
        # Mon 7 Dec. Notes sent within 5 days each time.
        CaseInput(ref="LC-001", name="Dara Smith", dob=date(2015, 5, 5), worker="Sam Patel",
                  team="North", policy="leicestershire", allocated=date(2026, 8, 3),
                  assessment_completed=date(2026, 7, 30), plan_started=date(2026, 8, 3),
                  visits=[seen(date(2026, 8, 5), True, "Nervous"),
                          seen(date(2026, 9, 1), True, "Better"),
                          seen(date(2026, 9, 28), True, "OK at school"),
                          seen(date(2026, 10, 19), True, "I like football with Dad"),
                          seen(date(2026, 11, 16), False, "School is hard")],
                  meetings=[held("initial", date(2026, 8, 3), date(2026, 8, 7)),
                            held("progress", date(2026, 9, 14), date(2026, 9, 18)),
                            held("progress", date(2026, 10, 26), date(2026, 10, 30))]),
        # Wirral plans from Mon 8 Jun 2026: 24 weeks -> Mon 23 Nov (today). Allocated Mon 1 Jun;
        # the only visit recorded, 16 Nov, is judged against 20 working days after allocation
        # (Mon 29 Jun): late.
        CaseInput(ref="WR-001", name="Amira Hassan", dob=date(2017, 3, 4), worker="Sam Patel",
                  team="North", family="hassan", policy="wirral", allocated=date(2026, 6, 1),
                  plan_started=date(2026, 6, 8),
                  visits=[seen(date(2026, 11, 16), True, "Bilal took my pens")]),
        CaseInput(ref="WR-002", name="Bilal Hassan", dob=date(2021, 6, 10), worker="Sam Patel",
                  team="North", family="hassan", policy="wirral", allocated=date(2026, 6, 1),
                  plan_started=date(2026, 6, 8),
                  visits=[seen(date(2026, 11, 16), True, "Happy")]),
        # Jo King: seen Mon 2 Nov, not alone; first visit since allocation (Tue 1 Sep, +20 WD ->
        # Tue 29 Sep): late.
        CaseInput(ref="WR-003", name="Chloe Evans", dob=date(2019, 1, 15), worker="Jo King",
                  team="North", policy="wirral", allocated=date(2026, 9, 1),
                  visits=[seen(date(2026, 11, 2), False, "Smiled")]),
    ]


def held(kind: str, on: date, circulated: date) -> MeetingInput:
    return MeetingInput(kind=kind, status="held", date=on, circulated=circulated)


async def until(pilot: Pilot, condition: Callable[[], Any], what: str) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + PATIENCE_SECONDS
    while not condition():
        if loop.time() > give_up:
            raise AssertionError(f"gave up waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


def idle(app: Any) -> bool:
    return not any(worker.is_running for worker in app.workers)


async def started(pilot: Pilot) -> None:
    from screens.caseload import CaseloadScreen

    app = pilot.app
    await until(pilot, lambda: app.startup_error is not None or (
        isinstance(app.screen, CaseloadScreen) and app.screen.loaded and idle(app)), "the caseload")
    assert app.startup_error is None, app.startup_error


async def team_ready(pilot: Pilot) -> Any:
    from screens.team import TeamScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TeamScreen)
                and app.screen.overview is not None
                and app.screen._loaded_version == app.data_version and idle(app), "the team view")
    return app.screen


async def open_team(pilot: Pilot) -> Any:
    await started(pilot)
    await pilot.press("t")
    return await team_ready(pilot)


async def walkthrough_ready(pilot: Pilot) -> Any:
    from screens.walkthrough import WalkthroughScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen) and app.screen.loaded
                and app.screen._loaded_version == app.data_version and idle(app), "the walkthrough")
    return app.screen


async def walk(pilot: Pilot, worker: str) -> Any:
    """From the caseload: t, move to the worker's line with the arrow keys, Enter."""
    team = await open_team(pilot)
    workers = [line.worker for line in team.lines]
    assert worker in workers, workers
    await pilot.press("home", *["down"] * workers.index(worker), "enter")
    return await walkthrough_ready(pilot)


async def type_into(pilot: Pilot, widget_id: str, text: str) -> None:
    """Focus a field and type, as a user would (replacing what is there)."""
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    widget.focus()
    await pilot.pause()
    if hasattr(widget, "clear"):
        widget.clear()
    await pilot.press(*text)


def text_of(widget: Any) -> str:
    """A widget's text as drawn on screen, line by line."""
    return "\n".join(strip.text.rstrip()
                     for strip in widget.render_lines(widget.region.reset_offset))


def table_lines(table: Any) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


def plain(renderable: Any, width: int = 160) -> str:
    """Rich text (or markup) as the plain words a user reads."""
    import io

    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def page_text(screen: Any) -> str:
    """Everything the walkthrough page says, every section (on screen or scrolled off)."""

    return "".join(plain(static.content) for static in screen.query("#walk-body Static")
                   if static.display)
