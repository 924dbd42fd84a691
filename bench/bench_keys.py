"""Keystrokes with 20,000 children loaded: move, search, open a case, save a form (Pilot).

    .venv/bin/python bench/bench_keys.py [--children 20000] [--repeats 15]

Runs the real app headless (`App.run_test`, 140x50) on a database of 20,000 children with a year
of history each (bench_support.database_with), waits until the whole caseload has loaded and
every worker is idle, then times, each `--repeats` times, medians:

- move: one Down key in the caseload table, until the next frame is drawn;
- search: one more character typed into the search box, until the filtered table is drawn;
- open a case: Enter on a row, until the case screen shows that case's record and deadlines;
- save a form: Ctrl+S on a filled visit form, until the visit is committed and the form has
  closed (the case and the caseload then reload in a thread worker, timed separately).

Aim (issue 7): each under 50 ms. Pilot's own waiting is part of every figure: the last line
times one Down key in bench/bare_app.py's 25-row DataTable the same way, for the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import ROOT, SETTINGS, TODAY, database_with, primed

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from cin_tui.app import make_app
from screens.case import CaseScreen
from screens.caseload import CaseloadScreen, CaseloadTable
from screens.forms.visit import VisitForm

PATIENCE = 120.0


async def until(pilot, condition, what: str) -> None:
    give_up = time.perf_counter() + PATIENCE
    while not condition():
        if time.perf_counter() > give_up:
            raise RuntimeError(f"gave up waiting for {what}")
        await asyncio.sleep(0.001)


def idle(app) -> bool:
    return not any(worker.is_running for worker in app.workers)


async def caseload_idle(pilot) -> CaseloadScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, CaseloadScreen) and app.screen.loaded
                and app.screen._loaded_version == app.data_version and idle(app),
                "the caseload")
    await pilot.pause()
    return app.screen


async def timed(action, condition, pilot, what: str) -> float:
    start = time.perf_counter()
    await action()
    await until(pilot, condition, what)
    await pilot.pause()  # the frame that shows it
    return time.perf_counter() - start


async def measure(database: Path, repeats: int) -> dict[str, list[float]]:
    app = make_app(database_path=database, today=TODAY, settings_dir=SETTINGS,
                   cursor_blink=False)
    results: dict[str, list[float]] = {"move": [], "search": [], "open a case": [],
                                       "save a form": [], "(caseload reloaded after a save)": []}
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await caseload_idle(pilot)
        table = screen.query_one(CaseloadTable)
        for _ in range(repeats):
            before = table.cursor_row
            results["move"].append(await timed(
                lambda: pilot.press("down"),
                lambda before=before: table.cursor_row == before + 1, pilot, "the cursor"))
        await pilot.press("slash")
        search = screen.query_one("#search")
        for _ in range(repeats):
            search.value = ""
            await until(pilot, lambda: screen.view.search == "", "the search to clear")
            await pilot.pause()
            results["search"].append(await timed(
                lambda: pilot.press("1"), lambda: screen.view.search == "1", pilot,
                "the search"))
        await pilot.press("escape")
        screen.query_one("#search").value = ""
        await pilot.pause()
        table.focus()
        await caseload_idle(pilot)
        for i in range(repeats):
            await pilot.press("home", *["down"] * (i % 5))
            ref = table.current_row.ref
            results["open a case"].append(await timed(
                lambda: pilot.press("enter"),
                lambda r=ref: isinstance(app.screen, CaseScreen)
                and app.screen.case_detail is not None and app.screen.case_detail.ref == r
                and idle(app), pilot, "the case screen"))
            case_screen = app.screen
            if i < repeats:
                await pilot.press("v")
                await until(pilot, lambda: isinstance(app.screen, VisitForm), "the visit form")
                form = app.screen
                await pilot.press("tab", "tab", "y", "tab", "tab", *"Happy", "tab", "h")
                await pilot.pause()
                version = app.data_version
                results["save a form"].append(await timed(
                    lambda: pilot.press("ctrl+s"), lambda form=form: app.screen is not form, pilot,
                    "the save"))
                start = time.perf_counter()
                caseload = next(s for s in app.screen_stack if isinstance(s, CaseloadScreen))
                await until(pilot,
                            lambda version=version, caseload=caseload:
                            app.data_version > version
                            and caseload._loaded_version == app.data_version and idle(app),
                            "the caseload to reload")
                results["(caseload reloaded after a save)"].append(time.perf_counter() - start)
            assert app.screen is case_screen
            await pilot.press("escape")
            await caseload_idle(pilot)
    return results


async def bare_floor(repeats: int) -> list[float]:
    """The same measurement of one Down key in the bare app's 25-row DataTable: what Pilot's
    own waiting (for idle, and for the next frame) costs on this machine."""
    from textual.widgets import DataTable

    from bare_app import BareApp

    app = BareApp()
    times = []
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        table.focus()
        await pilot.pause()
        for _ in range(min(repeats, 20)):
            before = table.cursor_row
            times.append(await timed(lambda: pilot.press("down"),
                                     lambda before=before: table.cursor_row == before + 1, pilot,
                                     "the cursor"))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    source = primed(database_with(args.children))
    with tempfile.TemporaryDirectory() as folder:  # the saves must not change the cached copy
        database = Path(folder) / "cin.db"
        with sqlite3.connect(source) as original, sqlite3.connect(database) as copy:
            original.backup(copy)
        results = asyncio.run(measure(database, args.repeats))
    results["(bare app: move in a 25-row DataTable)"] = asyncio.run(bare_floor(args.repeats))
    print(f"{'keystroke, ' + format(args.children, ',') + ' children':40} {'median ms':>10}"
          f" {'max ms':>8}")
    for name, times in results.items():
        print(f"{name:40} {statistics.median(times) * 1000:>10.1f} {max(times) * 1000:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
