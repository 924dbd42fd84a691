"""How long until the caseload shows its first row, against a bare Textual app.

    .venv/bin/python bench/bench_caseload_paint.py [--sizes 25,5000,20000] [--repeats 7]

For each size it builds (once, cached in bench/out/) a database through the real import
path with `bench_import.generate`'s authority-like caseload (a year of visits and meetings per
child), then alternates, in one process, headless (`App.run_test`):

- cin: `make_app(...)` until the caseload table holds its rows and has been painted: the
  database opened, the policy packs and calendar loaded, every case's deadlines worked out by the
  engine, the lines sorted, and the first screen drawn;
- baseline: a bare Textual app with a Header, a 25-row DataTable and a Footer, until its 25 rows
  are in and painted.

It prints the median of each and the ratio. Both run warm (modules already imported): the cold
start in a real terminal is `bench/` issue 7's measure. The database is read from the page cache.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from textual.app import App  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from bare_app import BareApp  # noqa: E402  (the yardstick every issue-7 bench uses)
from bench_support import database_with  # noqa: E402  (cached databases, real import path)
from cin_tui.app import make_app  # noqa: E402
from screens.caseload import CaseloadScreen, CaseloadTable  # noqa: E402

TODAY = date(2026, 11, 23)
SIZE = (120, 36)


async def time_until(app: App, painted) -> float:
    """Seconds from starting the app until `painted(app)` holds after a refresh."""
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        while not painted(app):
            await pilot.pause(0.02)
        await pilot.pause()  # the frame with the rows in it
        elapsed = time.perf_counter() - start
    return elapsed


def cin_painted(app) -> bool:
    screen = app.screen
    if not isinstance(screen, CaseloadScreen) or not screen.loaded:
        return False
    table = screen.query_one(CaseloadTable)
    return table.row_count > 0 and bool(table.render_line(1).text.strip())


def bare_painted(app) -> bool:
    return app.query_one(DataTable).row_count == 25


async def measure(sizes: list[int], repeats: int) -> None:
    databases = {n: database_with(n) for n in sizes}
    # One untimed run of each warms imports, the policy packs and the page cache.
    await time_until(BareApp(), bare_painted)
    for n in sizes:
        await time_until(make_app(database_path=databases[n], today=TODAY, cursor_blink=False),
                         cin_painted)
    print(f"{'cases':>7} {'cin (median s)':>15} {'bare app (median s)':>20} {'ratio':>7}")
    for n in sizes:
        ours, bare = [], []
        for _ in range(repeats):  # alternated, so drift on a shared machine hits both
            bare.append(await time_until(BareApp(), bare_painted))
            ours.append(await time_until(
                make_app(database_path=databases[n], today=TODAY, cursor_blink=False),
                cin_painted))
        cin_s, bare_s = statistics.median(ours), statistics.median(bare)
        print(f"{n:>7,} {cin_s:>15.3f} {bare_s:>20.3f} {cin_s / bare_s:>6.1f}x", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,5000,20000")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    asyncio.run(measure(sizes, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
