"""The team view with its 12 months of trends (issue 16): how long from pressing `t` to the
table on screen, and to the trends panel filled, before and after the two-step fill (the table
shown from one read while the months are worked out in the same thread worker).

    .venv/bin/python bench/bench_team_trends.py [--sizes 200 500] [--rounds 5] [--before REV]

"Before" is the code at `--before` (default: the commit before the two-step fill, 7dc76ec),
taken out with `git archive` into a temporary folder and run by the same interpreter with that
folder first on `sys.path`; "after" is this working tree. Each measurement is a new process
(a cold start of the app, as a manager opening cin would have), on `bench_support`'s cached
database of N children (a year of visits and meetings each, every 20th closed today), with
today's deadlines stored first (`primed`). In the app (Pilot, 120x40): wait for the caseload,
press `t` (a key event: `pilot.press` would wait for the screen to settle, after the trends),
then stamp the time at the first screen refresh after the team table is given its rows
("table") and after the trends panel is given its months ("trends"). The CPU time of the process
to each is printed too: the two-step fill does a little more work (the closed cases, a second
layout), and shares the interpreter between the thread worker and the screen. Rounds
alternate before and after, so both meet the same load.

It prints each median, and the before/after ratio of each (below 1: after is quicker).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import ROOT, SETTINGS, TODAY, database_with, primed

BEFORE = "7dc76ec"
WAIT_SECONDS = 0.05
PATIENCE_SECONDS = 300.0


def measure_and_exit(database: Path) -> None:
    """In this process: one cold open of the team view; prints the figures as JSON and leaves
    at once, inside the app: its shutdown is not measured, and a teardown race in it (seen
    once: the header retitled while the app closes) cannot lose the figures. Run with the
    source under test first on sys.path (CIN_BENCH_SOURCE)."""
    source = os.environ.get("CIN_BENCH_SOURCE", str(ROOT))
    sys.path.insert(0, source)
    import models
    from cin_tui.app import make_app
    from screens.caseload import CaseloadScreen
    from screens.team import WorkerTable
    from screens.widgets.trends import TrendPanel

    assert Path(models.__file__).resolve().parents[1] == Path(source).resolve(), models.__file__
    app = make_app(database_path=database, today=TODAY, settings_dir=SETTINGS,
                   cursor_blink=False)
    times: dict[str, float] = {}

    def stamp(what: str) -> None:
        if "start" in times and what not in times:
            times[what] = time.perf_counter() - times["start"]
            times[f"{what}_cpu"] = time.process_time() - times["start_cpu"]

    # Stamped once the screen has been refreshed after the widgets were given their content
    # (what a user sees), rather than polled: a poll every few ms would itself take the
    # interpreter from the thread worker.
    set_rows, show = WorkerTable.set_rows, TrendPanel.show

    def stamped_set_rows(table: Any, *args: Any, **kwargs: Any) -> Any:
        done = set_rows(table, *args, **kwargs)
        if table.row_count:
            table.call_after_refresh(stamp, "table")
        return done

    def stamped_show(panel: Any, periods: Any, rows: Any) -> Any:
        done = show(panel, periods, rows)
        if periods:
            panel.call_after_refresh(stamp, "trends")
        return done

    WorkerTable.set_rows = stamped_set_rows  # type: ignore[method-assign]
    TrendPanel.show = stamped_show  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            loop = asyncio.get_running_loop()
            give_up = loop.time() + PATIENCE_SECONDS
            while not (isinstance(app.screen, CaseloadScreen) and app.screen.loaded):
                assert loop.time() < give_up, "the caseload never loaded"
                await pilot.pause(0.02)
            await pilot.pause()
            # Not pilot.press: it returns only once the screen is idle (after the trends).
            times["start"], times["start_cpu"] = time.perf_counter(), time.process_time()
            app.simulate_key("t")
            while "trends" not in times:
                assert loop.time() < give_up, "the team view never filled"
                await asyncio.sleep(WAIT_SECONDS)
            print(json.dumps(times), flush=True)
            os._exit(0)

    asyncio.run(run())


def run_one(database: Path, source: Path) -> dict[str, float]:
    environment = dict(os.environ, CIN_BENCH_SOURCE=str(source), CIN_SETTINGS_DIR=str(SETTINGS))
    for name in ("CIN_DB", "CIN_TODAY"):
        environment.pop(name, None)
    done = subprocess.run([sys.executable, __file__, "--measure", str(database)],
                          capture_output=True, text=True, env=environment, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"the measurement in {source} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", default=BEFORE, help="the git revision measured as before")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure_and_exit(args.measure)
    with tempfile.TemporaryDirectory(prefix="cin-before-") as folder:
        before = Path(folder)
        archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        for size in args.sizes:
            database = primed(database_with(size))
            runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
            for _ in range(args.rounds):
                runs["before"].append(run_one(database, before))
                runs["after"].append(run_one(database, ROOT))
            print(f"{size} children, {args.rounds} rounds, medians (s):")
            for what in ("table", "trends", "table_cpu", "trends_cpu"):
                was = statistics.median(r[what] for r in runs["before"])
                now = statistics.median(r[what] for r in runs["after"])
                print(f"  to the {what:<10} before {was:6.3f}  after {now:6.3f}"
                      f"  ratio after/before {now / was:5.2f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
