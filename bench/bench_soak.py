"""Soak: a working day of the same cycle, repeated, must not grow (issue 11, item 5).

    .venv/bin/python bench/bench_soak.py [--cycles 500] [--warmup 50] [--every 50]

Runs the real app headless (`make_app` + `App.run_test`, 120x40) on a temporary copy of the
demo database (25 children) and repeats one cycle, driven by keys through Pilot as a user
would: move one row in the caseload, open that case, open the visit form and fill it in, save,
back to the caseload, search (type two characters, Escape clears), the team view, back.

After the warm-up, and every `--every` cycles, it prints: RSS (/proc/self/statm), DOM nodes in
the screen stack, DOM nodes alive (every `DOMNode` object the garbage collector can still
reach: a removed widget something still holds shows here, not in the stack), the watchers
registered on the App's reactives and on the caseload Footer's (with the notifications
cleared first: the "Visit saved" toasts come and go on a timer), and each phase's median time
over those cycles (from the key to the state the phase waits for, then one more frame: Pilot's
own idle wait is in every figure). The last line is the verdict against the goal: RSS and live
DOM nodes grow by under 5% from the end of the warm-up to the end, and each phase's median over
the last `--every` cycles is within 10% of the first `--every`.

`--cycles 60 --warmup 10 --every 10` is a quick run (about a minute). Each cycle saves one
visit (dated today) on the case it opens, moving down the caseload in ref order, so over 550
cycles each of the 25 cases gains about 22 visits: the timeline a case draws grows a little,
as it would.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.dom import DOMNode  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Footer  # noqa: E402

from cin_tui.app import CinApp, make_app  # noqa: E402
from screens.case import CaseScreen  # noqa: E402
from screens.caseload import CaseloadScreen, CaseloadTable  # noqa: E402
from screens.forms.visit import VisitForm  # noqa: E402
from screens.team import TeamScreen  # noqa: E402
from screens.watchers import watcher_count, watcher_counts  # noqa: E402

TODAY = date(2026, 11, 23)
SIZE = (120, 40)
PATIENCE = 60.0
PHASES = ("move", "open case", "visit form", "save visit", "back", "search", "clear search",
          "team view", "back from team")


@dataclass
class Sample:
    """What one report shows, after `cycle` cycles."""

    cycle: int
    rss_mb: float
    stack_nodes: int
    live_nodes: int
    app_watchers: int
    footer_watchers: int
    app_watchers_by_name: dict[str, int] = field(default_factory=dict)


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def stack_nodes(app: CinApp) -> int:
    return sum(1 for screen in app.screen_stack for _ in screen.walk_children(with_self=True))


def live_nodes() -> int:
    """Every DOMNode object still reachable (the screen stack's and any leaked)."""
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, DOMNode))


async def settle(pilot: Pilot, app: CinApp, *, tries: int = 20) -> None:
    """Wait (a bounded number of frames) until the screens popped in the last cycle have been
    released: Textual closes a popped screen a few messages later, so counting at once may
    still find it. A screen that is never released (a leak) is counted after the last try."""
    from textual.screen import Screen

    for _ in range(tries):
        await app.workers.wait_for_complete()
        gc.collect()
        stacked = {id(screen) for stack in app._screen_stacks.values() for screen in stack}
        installed = {id(screen) for screen in app._installed_screens.values()
                     if isinstance(screen, Screen)}
        if not any(isinstance(obj, Screen) and id(obj) not in stacked | installed
                   for obj in gc.get_objects()):
            return
        await pilot.pause(0.01)


def caseload_screen(app: CinApp) -> CaseloadScreen:
    return next(s for s in app.screen_stack if isinstance(s, CaseloadScreen))


def sample(app: CinApp, cycle: int) -> Sample:
    footer = caseload_screen(app).query_one(Footer)
    live = live_nodes()
    return Sample(cycle=cycle, rss_mb=rss_mb(), stack_nodes=stack_nodes(app), live_nodes=live,
                  app_watchers=watcher_count(app), footer_watchers=watcher_count(footer),
                  app_watchers_by_name=watcher_counts(app))


# ----- driving the app ------------------------------------------------------------------------


async def until(pilot: Pilot, condition: Callable[[], Any], what: str) -> None:
    give_up = time.perf_counter() + PATIENCE
    while not condition():
        if time.perf_counter() > give_up:
            raise RuntimeError(f"gave up waiting for {what}")
        await asyncio.sleep(0.001)


def idle(app: CinApp) -> bool:
    return not any(worker.is_running for worker in app.workers)


def caseload_current(app: CinApp) -> bool:
    screen = app.screen
    return (isinstance(screen, CaseloadScreen) and screen.loaded
            and screen._loaded_version == app.data_version and idle(app))


async def timed(pilot: Pilot, keys: Callable[[], Awaitable[None]],
                done: Callable[[], Any], what: str) -> float:
    start = time.perf_counter()
    await keys()
    await until(pilot, done, what)
    await pilot.pause()  # the frame that shows it
    return time.perf_counter() - start


async def cycle(pilot: Pilot, number: int) -> dict[str, float]:
    """One cycle from the caseload (idle) back to it; the time of each phase in seconds."""
    app: CinApp = pilot.app  # type: ignore[assignment]
    times: dict[str, float] = {}
    screen = app.screen
    assert isinstance(screen, CaseloadScreen), screen
    table = screen.query_one(CaseloadTable)
    # Each cycle starts one row further down (in ref order), so every case takes its turn: left
    # to the keys, the search and the reloads brought the cursor back to the same case, and it
    # took every visit (299 of 300), measuring that case's growing history instead.
    last = len(screen.shown) - 1
    table.cursor_row = (number - 1) % max(last, 1)
    await pilot.pause()
    before = table.cursor_row
    times["move"] = await timed(
        pilot, lambda: pilot.press("home" if before >= last else "down"),
        lambda: table.cursor_row != before, "the cursor to move")
    line = table.current_row
    assert line is not None
    times["open case"] = await timed(
        pilot, lambda: pilot.press("enter"),
        lambda: isinstance(app.screen, CaseScreen) and app.screen.case_detail is not None
        and app.screen.ref == line.ref and idle(app), "the case screen")
    case_screen = app.screen
    times["visit form"] = await timed(
        pilot, lambda: pilot.press("v"),
        lambda: isinstance(app.screen, VisitForm) and app.screen.is_mounted, "the visit form")
    form = app.screen
    assert isinstance(form, VisitForm)
    visit_form: VisitForm = form
    await pilot.press("tab", "tab", "y", "tab", "tab", *"Happy", "tab", "h")
    await pilot.pause()
    version = app.data_version

    async def save() -> None:
        await pilot.press("ctrl+s")
        # A second visit to a child on one day (a case's next turn on the same day) is asked
        # about first (⚠ under the date): the soak saves it anyway, as a worker would.
        await until(pilot, lambda: app.screen is not visit_form or not visit_form.saving,
                    "the save to be checked")
        if app.screen is visit_form and visit_form.asking_to_confirm:
            await pilot.press("ctrl+s")

    # The case screen reloads at once; the caseload under it when shown again ("back").
    times["save visit"] = await timed(
        pilot, save,
        lambda: app.screen is case_screen and app.data_version > version and idle(app),
        f"the visit to save (cycle {number}, {line.ref})")
    assert app.screen is not form
    times["back"] = await timed(pilot, lambda: pilot.press("escape"),
                                lambda: caseload_current(app), "the caseload")
    times["search"] = await timed(pilot, lambda: pilot.press("slash", "a", "n"),
                                  lambda: screen.view.search == "an", "the search")
    times["clear search"] = await timed(
        pilot, lambda: pilot.press("escape"),
        lambda: screen.view.search == "" and table.has_focus, "the search to clear")
    times["team view"] = await timed(
        pilot, lambda: pilot.press("t"),
        lambda: isinstance(app.screen, TeamScreen) and app.screen.overview is not None
        and idle(app), "the team view")
    times["back from team"] = await timed(pilot, lambda: pilot.press("escape"),
                                          lambda: caseload_current(app), "the caseload")
    return times


async def soak(
    app: CinApp, *, cycles: int, warmup: int, every: int,
    report: Callable[[Sample, dict[str, float]], None],
) -> list[tuple[Sample, dict[str, float]]]:
    """Run `warmup` cycles, then `cycles` more, reporting after the warm-up and every `every`
    cycles: the sample and each phase's median time (seconds) over those cycles."""
    reports: list[tuple[Sample, dict[str, float]]] = []
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.startup_error is not None or caseload_current(app),
                    "the caseload to load")
        assert app.startup_error is None, app.startup_error
        await pilot.pause()
        # In ref order: a case's place does not move when a visit is saved on it.
        caseload_screen(app).sort_by("ref")
        caseload_screen(app).query_one(CaseloadTable).focus()
        await pilot.pause()
        window: dict[str, list[float]] = {phase: [] for phase in PHASES}
        for number in range(1, warmup + cycles + 1):
            for phase, seconds in (await cycle(pilot, number)).items():
                window[phase].append(seconds)
            measured = number - warmup
            if number == warmup or (measured > 0 and measured % every == 0):
                medians = {phase: statistics.median(times) for phase, times in window.items()}
                app.clear_notifications()  # "Visit saved" toasts come and go on their timer
                await pilot.pause()
                await settle(pilot, app)
                reports.append((sample(app, number), medians))
                report(*reports[-1])
                window = {phase: [] for phase in PHASES}
    return reports


# ----- reporting ------------------------------------------------------------------------------


def header() -> str:
    phases = " ".join(f"{phase[:12]:>12}" for phase in PHASES)
    return (f"{'cycle':>6} {'RSS MB':>7} {'stack':>6} {'alive':>7} {'app w.':>6} {'footer w.':>9}"
            f"  median ms: {phases}")


def row(sample_: Sample, medians: dict[str, float]) -> str:
    phases = " ".join(f"{medians[phase] * 1000:>12.1f}" for phase in PHASES)
    return (f"{sample_.cycle:>6} {sample_.rss_mb:>7.1f} {sample_.stack_nodes:>6} "
            f"{sample_.live_nodes:>7} {sample_.app_watchers:>6} {sample_.footer_watchers:>9}"
            f"             {phases}")


def verdict(reports: list[tuple[Sample, dict[str, float]]]) -> tuple[bool, str]:
    """Against the goal: RSS and live DOM nodes grow under 5% from the end of the warm-up to
    the end; each phase's median in the last window within 10% of the first window."""
    (start, _), (first_window, last_window) = reports[0], (reports[1][1], reports[-1][1])
    end = reports[-1][0]
    rss = end.rss_mb / start.rss_mb - 1
    nodes = end.live_nodes / start.live_nodes - 1
    slowest = max(PHASES, key=lambda p: last_window[p] / first_window[p])
    drift = last_window[slowest] / first_window[slowest] - 1
    met = rss < 0.05 and nodes < 0.05 and drift <= 0.10
    return met, (f"{'MET' if met else 'NOT MET'}: RSS {rss:+.1%}, live DOM nodes {nodes:+.1%}, "
                 f"watchers on the App {start.app_watchers} -> {end.app_watchers}, on the "
                 f"caseload Footer {start.footer_watchers} -> {end.footer_watchers}; phase "
                 f"times last/first window: worst {slowest} {drift:+.1%} "
                 f"(goal: under +5%, under +5%, within 10%)")


def visits_per_case(database: Path) -> str:
    """The fewest and most visits any case holds at the end: every case should take its turn."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(database)) as connection:
        counts = [n for (n,) in connection.execute(
            "SELECT count(v.id) FROM cases AS c LEFT JOIN visits AS v ON v.case_id = c.id "
            "LEFT JOIN closures AS cl ON cl.case_id = c.id WHERE cl.id IS NULL GROUP BY c.id")]
    return f"{min(counts)} to {max(counts)} over {len(counts)} open cases"


def demo_copy(folder: Path) -> Path:
    """A fresh demo database (dated TODAY) in `folder`, saved to by the soak and thrown away."""
    from cin_tui.demo import build_demo_database
    from policies.calendar import load_calendar
    from policies.packs import load_policies

    return build_demo_database(folder / "cin.db", today=TODAY, policies=load_policies(None),
                               calendar=load_calendar(None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--every", type=int, default=50)
    args = parser.parse_args()
    if args.cycles < args.every or args.warmup < 1:
        parser.error("--cycles must be at least --every, and --warmup at least 1")
    with tempfile.TemporaryDirectory() as folder:
        database = demo_copy(Path(folder))
        app = make_app(database_path=database, today=TODAY, cursor_blink=False,
                       log_folder=Path(folder) / "logs")
        print(f"soak: {args.warmup} warm-up + {args.cycles} cycles on the demo caseload, "
              f"reports every {args.every}", flush=True)
        print(header(), flush=True)
        reports = asyncio.run(soak(app, cycles=args.cycles, warmup=args.warmup,
                                   every=args.every,
                                   report=lambda s, m: print(row(s, m), flush=True)))
        end = reports[-1][0]
        print(f"watchers on the App by reactive at the end: {end.app_watchers_by_name}")
        print(f"visits saved per case: {visits_per_case(database)}")
        met, words = verdict(reports)
        print(words)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
