"""First paint in a real terminal: `cin` against a bare Textual app, both launched in tmux.

    .venv/bin/python bench/bench_first_paint_tmux.py [--sizes 25,20000] [--repeats 7]

Each run starts a fresh detached tmux session (120x36) running the command, then polls
`tmux capture-pane` until a case row (a ref like B-000123) is on screen, and takes the time from
starting the session to that capture. The yardstick is bench/bare_app.py (Header, 25-row
DataTable, Footer), launched the same way with the same Python. Runs alternate (bare, cin, bare,
cin, ...), medians are compared. cin opens databases of 25 and 20,000 children with a year of
history each (bench_support.database_with), with today's deadlines already stored by an earlier
run, as they are after the first start of the day.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import (
    CIN,
    ROOT,
    TODAY,
    database_with,
    first_paint,
    median_ratio,
    primed,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,20000")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    bare = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
    sizes = [int(size) for size in args.sizes.split(",")]
    databases = {n: primed(database_with(n)) for n in sizes}
    first_paint(bare)  # warm the page cache for both
    for n in sizes:
        first_paint([*CIN, "--db", str(databases[n]), "--today", TODAY.isoformat()])
    print(f"{'cases':>7} {'cin (median s)':>15} {'bare app (median s)':>20} {'ratio':>7}")
    for n in sizes:
        cin = [*CIN, "--db", str(databases[n]), "--today", TODAY.isoformat()]
        ours, theirs = [], []
        for _ in range(args.repeats):
            theirs.append(first_paint(bare))
            ours.append(first_paint(cin))
        a, b, ratio = median_ratio(ours, theirs)
        print(f"{n:>7,} {a:>15.3f} {b:>20.3f} {ratio:>6.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
