"""`cin due --json` over 5,000 children against Taskwarrior exporting 5,000 pending tasks.

    .venv/bin/python bench/bench_due.py [--children 5000] [--repeats 15]

Both from a cold process, alternated run by run, medians. cin reads a database of 5,000
children with a year of visits and meetings each (bench_support.database_with), whose deadlines
for today were worked out and stored by an earlier run (the first run of the day does that; its
time is printed too). Taskwarrior 2.6 (`apt-get install -y taskwarrior`) gets 5,000 pending
tasks with due dates, imported once into a temporary TASKDATA with `rc.confirmation=off`, and
runs `task status:pending due.before:2027-02-01 export`. Both write their JSON to a pipe.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import CIN, OUT, ROOT, TODAY, database_with, env, median_ratio, primed

TASK_FOLDER = OUT / "task"


def task_env() -> dict[str, str]:
    environment = dict(os.environ)
    environment["TASKRC"] = str(TASK_FOLDER / "taskrc")
    environment["TASKDATA"] = str(TASK_FOLDER / "data")
    return environment


def task_data(count: int) -> None:
    marker = TASK_FOLDER / f"imported-{count}"
    if marker.exists():
        return
    shutil.rmtree(TASK_FOLDER, ignore_errors=True)
    (TASK_FOLDER / "data").mkdir(parents=True)
    (TASK_FOLDER / "taskrc").write_text(
        f"data.location={TASK_FOLDER / 'data'}\nconfirmation=off\nverbose=nothing\n"
        "recurrence=off\n", encoding="utf-8")
    rng = random.Random(2026)
    tasks = [{
        "description": f"Visit Bench Child {i}", "status": "pending",
        "entry": "20260101T000000Z", "project": f"team{i % 30:02d}",
        "due": (TODAY + timedelta(days=rng.randrange(-40, 120))).strftime("%Y%m%dT000000Z"),
    } for i in range(count)]
    source = TASK_FOLDER / "tasks.json"
    source.write_text(json.dumps(tasks), encoding="utf-8")
    subprocess.run(["task", "rc.confirmation=off", "import", str(source)], env=task_env(),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker.write_text("ok")


def timed(command: list[str], environment: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = subprocess.run(command, env=environment, check=True, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start, result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    if shutil.which("task") is None:
        print("Taskwarrior is not installed: apt-get install -y taskwarrior", file=sys.stderr)
        return 1
    database = database_with(args.children)
    task_data(args.children)
    cin = [*CIN, "--db", str(database), "--today", TODAY.isoformat(), "due", "--json"]
    task = ["task", "rc.confirmation=off", "status:pending", "due.before:2027-02-01", "export"]
    # The first run of a day works out every deadline and stores it.
    with_refresh = []
    for _ in range(3):
        with __import__("sqlite3").connect(database) as connection:
            connection.execute("DELETE FROM case_deadlines")
        with_refresh.append(timed(cin, env())[0])
    primed(database)
    _, out = timed(cin, env())
    _, tasks_out = timed(task, task_env())
    ours, theirs = [], []
    for _ in range(args.repeats):
        theirs.append(timed(task, task_env())[0])
        ours.append(timed(cin, env())[0])
    a, b, ratio = median_ratio(ours, theirs)
    print(f"cin due --json, {args.children:,} children: {len(json.loads(out)):,} deadlines; "
          f"task export: {len(json.loads(tasks_out)):,} tasks")
    print(f"{'':32} {'median s':>9}")
    print(f"{'cin due --json (stored, current)':32} {a:>9.3f}")
    print(f"{'task ... export':32} {b:>9.3f}")
    print(f"{'ratio cin / task':32} {ratio:>8.2f}x")
    print(f"{'first run of a day (refresh)':32} {sorted(with_refresh)[1]:>9.3f}  (median of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
