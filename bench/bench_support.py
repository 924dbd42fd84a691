"""Shared by the issue-7 benchmarks: cached authority-sized databases and a fixed settings folder.

`database_with(n)` builds (once, cached in bench/out/) a database of n children through the real
import path with `bench_import.generate`'s caseload (a year of visits and meetings each).
`primed(path)` runs `cin due` once so today's deadlines are worked out and stored, as they are
after the first start of the day: the benchmarks measure the steady state a user meets all day.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
TODAY = date(2026, 11, 23)
SETTINGS = OUT / "settings"  # empty: the shipped packs and the plain bank holidays
CIN = [sys.executable, "-m", "cin_tui"]


def env() -> dict[str, str]:
    environment = dict(os.environ)
    environment["CIN_SETTINGS_DIR"] = str(SETTINGS)
    for name in ("CIN_DB", "CIN_TODAY", "CIN_DEBUG"):
        environment.pop(name, None)
    return environment


def database_with(children: int) -> Path:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_import import generate
    from cin_tui.importer import import_parsed, read_case_file
    from policies.calendar import WorkingCalendar
    from policies.packs import load_policies

    SETTINGS.mkdir(parents=True, exist_ok=True)
    path = OUT / f"caseload-{children}.db"
    if path.exists() and _cases_in(path) == children:
        return path
    for stale in OUT.glob(f"caseload-{children}.db*"):
        stale.unlink()
    source = OUT / f"caseload-{children}.json"
    source.write_text(json.dumps(generate(children, 2026, WorkingCalendar())), encoding="utf-8")
    parsed = read_case_file(source)
    assert not parsed.problems, parsed.problems[:3]
    import_parsed(parsed, database=path, actor="bench", policies=load_policies(None), today=TODAY)
    source.unlink()
    return path


def primed(path: Path) -> Path:
    """Work out and store today's deadlines (the first `cin due` of the day does this)."""
    subprocess.run([*CIN, "--db", str(path), "--today", TODAY.isoformat(), "due", "--json"],
                   env=env(), check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return path


def _cases_in(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    except sqlite3.Error:
        return -1


def median_ratio(ours: list[float], theirs: list[float]) -> tuple[float, float, float]:
    a, b = statistics.median(ours), statistics.median(theirs)
    return a, b, a / b


# First paint in a real terminal: tmux runs the command, the clock stops when a case row shows.
_TMUX_RUNS = iter(range(1_000_000))
_SESSION = "first-paint"
_CASE_ROW = re.compile(r"B-\d{6}")


def first_paint(command: list[str], *, timeout: float = 120.0) -> float:
    """Seconds from starting a 120x36 tmux session running `command` to a case row on screen."""
    # A new tmux server per run: one just killed may still be shutting down on its socket.
    tmux = ["tmux", "-L", f"cin-first-paint-bench-{os.getpid()}-{next(_TMUX_RUNS)}"]
    shell = (f"cd {shlex.quote(str(ROOT))} && CIN_SETTINGS_DIR={shlex.quote(str(SETTINGS))} "
             f"exec {shlex.join(command)}")
    start = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", _SESSION, "-x", "120", "-y", "36", shell],
                   check=True)
    pane = ""
    try:
        while time.perf_counter() - start < timeout:
            pane = subprocess.run([*tmux, "capture-pane", "-p", "-t", _SESSION],
                                  capture_output=True, text=True).stdout
            if _CASE_ROW.search(pane):
                return time.perf_counter() - start
            time.sleep(0.005)
        raise RuntimeError(f"no case row on screen after {timeout} s: {command}\n{pane}")
    finally:
        subprocess.run([*tmux, "kill-server"], stderr=subprocess.DEVNULL)
