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
then poll every 5 ms: "table" when the team table has its rows, "trends" when the trends panel
has its months. Rounds alternate before and after, so both meet the same load.

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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import ROOT, SETTINGS, TODAY, database_with, primed

BEFORE = "7dc76ec"
POLL_SECONDS = 0.005
PATIENCE_SECONDS = 300.0


def measure(database: Path) -> dict[str, float]:
    """In this process: one cold open of the team view. Run with the source under test first
    on sys.path (CIN_BENCH_SOURCE)."""
    sys.path.insert(0, os.environ.get("CIN_BENCH_SOURCE", str(ROOT)))
    import models
    from cin_tui.app import make_app
    from screens.caseload import CaseloadScreen
    from screens.team import TeamScreen, WorkerTable
    from screens.widgets.trends import TrendPanel

    app = make_app(database_path=database, today=TODAY, settings_dir=SETTINGS,
                   cursor_blink=False)
    times: dict[str, float] = {}

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            loop = asyncio.get_running_loop()
            give_up = loop.time() + PATIENCE_SECONDS
            while not (isinstance(app.screen, CaseloadScreen) and app.screen.loaded):
                assert loop.time() < give_up, "the caseload never loaded"
                await pilot.pause(0.02)
            await pilot.pause()
            # Not pilot.press: it returns only once the screen is idle (after the trends).
            start = time.perf_counter()
            app.simulate_key("t")
            while "trends" not in times:
                assert loop.time() < give_up, "the team view never filled"
                screen = app.screen
                if isinstance(screen, TeamScreen):
                    if "table" not in times and screen.query_one(WorkerTable).row_count:
                        times["table"] = time.perf_counter() - start
                    if screen.query_one(TrendPanel).periods:
                        times["trends"] = time.perf_counter() - start
                await asyncio.sleep(POLL_SECONDS)

    asyncio.run(run())
    times["source"] = str(Path(models.__file__).resolve().parents[1])  # type: ignore[assignment]
    return times


def run_one(database: Path, source: Path) -> dict[str, float]:
    environment = dict(os.environ, CIN_BENCH_SOURCE=str(source), CIN_SETTINGS_DIR=str(SETTINGS))
    for name in ("CIN_DB", "CIN_TODAY"):
        environment.pop(name, None)
    done = subprocess.run([sys.executable, __file__, "--measure", str(database)],
                          capture_output=True, text=True, env=environment, cwd=ROOT, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(str(result.pop("source"))) == source, (result, source)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", default=BEFORE, help="the git revision measured as before")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return
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
            for what in ("table", "trends"):
                was = statistics.median(r[what] for r in runs["before"])
                now = statistics.median(r[what] for r in runs["after"])
                print(f"  to the {what:<6} before {was:6.3f}  after {now:6.3f}"
                      f"  ratio after/before {now / was:5.2f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
