"""Peak resident memory: `cin` with 20,000 children against the bare Textual app.

    .venv/bin/python bench/bench_memory.py [--children 20000] [--repeats 3]

Each app runs headless (`App.run_test`, 120x36) in its own fresh Python process until it has
painted (cin: the whole caseload loaded and every worker idle, after the full store opened;
bare app: its 25 rows), then reports its peak resident set size (VmHWM in /proc/self/status).
Medians of `--repeats` runs each, alternated.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import ROOT, SETTINGS, TODAY, database_with, env, primed

CHILD = r"""
import asyncio, sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
from datetime import date
from pathlib import Path

def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

async def run_cin():
    from cin_tui.app import make_app
    from screens.caseload import CaseloadScreen
    app = make_app(database_path=Path({db!r}), today=date.fromisoformat({today!r}),
                   settings_dir=Path({settings!r}), cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        while not (isinstance(app.screen, CaseloadScreen) and app.screen.loaded
                   and app.screen._loaded_version == app.data_version
                   and not any(w.is_running for w in app.workers)):
            await pilot.pause(0.02)
        await pilot.pause()

async def run_bare():
    from bare_app import BareApp
    from textual.widgets import DataTable
    app = BareApp()
    async with app.run_test(size=(120, 36)) as pilot:
        while app.query_one(DataTable).row_count < 25:
            await pilot.pause(0.02)
        await pilot.pause()

asyncio.run(run_cin() if sys.argv[1] == "cin" else run_bare())
print(peak_kb())
"""


def peak(which: str, database: Path) -> int:
    code = CHILD.format(root=str(ROOT), bench=str(ROOT / "bench"), db=str(database),
                        today=TODAY.isoformat(), settings=str(SETTINGS))
    result = subprocess.run([sys.executable, "-c", code, which], env=env(), check=True,
                            capture_output=True, text=True, cwd=ROOT)
    return int(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    database = primed(database_with(args.children))
    ours, bare = [], []
    for _ in range(args.repeats):
        bare.append(peak("bare", database))
        ours.append(peak("cin", database))
    a, b = statistics.median(ours), statistics.median(bare)
    print(f"{'peak RSS (VmHWM), median':40} {'MB':>8}")
    print(f"{'cin, ' + format(args.children, ',') + ' children':40} {a / 1024:>8.1f}")
    print(f"{'bare Textual app':40} {b / 1024:>8.1f}")
    print(f"{'ratio':40} {a / b:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
