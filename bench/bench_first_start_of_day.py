"""The first start of a day: deadlines stored on one day, cin started on a later one.

    .venv/bin/python bench/bench_first_start_of_day.py [--sizes 25,20000] [--repeats 7]

Deadlines are worked out and stored once, by `cin due` on Mon 23 Nov 2026 (bench_support's
TODAY), as the last start of the day before would. Then every timed run starts cin on a day
nothing was read or stored for yet: run k on TODAY + k days (weekends and all), so each is a
first start of its day. Two measures, each against its yardstick in the same run, alternating:

- first paint in tmux (as bench_first_paint_tmux.py: from starting the tmux session to a case
  row on screen, but on a tmux server of its own, so other tmux users and the test suite's
  tmux tests cannot stop it), `cin` against the bare Textual app (bench/bare_app.py);
- `cin due --json` on a new day: elapsed time and peak RSS (the child's ru_maxrss from wait4),
  against the same command on the day the rows were stored (the second start of a day).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import (
    CIN,
    ROOT,
    TODAY,
    database_with,
    env,
    first_paint,
    median_ratio,
    primed,
)


def due_json(database: Path, day) -> tuple[float, float]:
    """(elapsed seconds, peak RSS in MB) of `cin due --json` on `day`."""
    start = time.perf_counter()
    process = subprocess.Popen([*CIN, "--db", str(database), "--today", day.isoformat(), "due",
                                "--json"], env=env(), cwd=ROOT, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"cin due failed on {day}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,20000")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    databases = {n: primed(database_with(n)) for n in sizes}  # stored on TODAY
    bare = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
    first_paint(bare)  # warm the page cache
    day = TODAY
    print("first paint in tmux: the first start of a day (rows stored on an earlier day), the "
          "second start (rows stored that day), the bare app")
    print(f"{'cases':>7} {'first start s':>14} {'second start s':>15} {'bare app s':>11} "
          f"{'first/bare':>11} {'second/bare':>12}")
    for n in sizes:
        first, second, theirs = [], [], []
        for _ in range(args.repeats):
            day += timedelta(days=1)
            theirs.append(first_paint(bare))
            first.append(first_paint([*CIN, "--db", str(databases[n]), "--today",
                                      day.isoformat()]))
            second.append(first_paint([*CIN, "--db", str(databases[n]), "--today",
                                       TODAY.isoformat()]))
        a, b, ratio = median_ratio(first, theirs)
        c, _b, ratio2 = median_ratio(second, theirs)
        print(f"{n:>7,} {a:>14.3f} {c:>15.3f} {b:>11.3f} {ratio:>10.2f}x {ratio2:>11.2f}x",
              flush=True)
    print("\ncin due --json: a new day against the day the rows were stored")
    print(f"{'cases':>7} {'new day s':>10} {'stored day s':>13} {'ratio':>6} "
          f"{'new day MB':>11} {'stored day MB':>14}")
    for n in sizes:
        new, same, new_mb, same_mb = [], [], [], []
        for _ in range(args.repeats):
            day += timedelta(days=1)
            seconds, mb = due_json(databases[n], day)
            new.append(seconds)
            new_mb.append(mb)
            seconds, mb = due_json(databases[n], TODAY)
            same.append(seconds)
            same_mb.append(mb)
        a, b, ratio = median_ratio(new, same)
        print(f"{n:>7,} {a:>10.3f} {b:>13.3f} {ratio:>5.2f}x {statistics.median(new_mb):>11.0f} "
              f"{statistics.median(same_mb):>14.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
