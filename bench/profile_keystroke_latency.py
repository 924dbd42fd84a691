"""Where the time goes between a key and the frame that shows its result (open a case, save a
visit), inside the app: a companion to bench_keystroke_latency.py, same sessions, same clock.

    .venv/bin/python bench/profile_keystroke_latency.py [--sizes 25,20000] [--repeats 6]
    .venv/bin/python bench/profile_keystroke_latency.py --sizes 20000 --cprofile ctrl+s

It wraps, in this process only, the steps of each path and records when each ran, on which
thread and for how long (the app's code is not changed):

- on the worker threads: `CaseloadService.case`, `.siblings`, `.log_visit` (the save's commit) and
  `.caseload_changes` (the caseload's reload after a save);
- on the UI thread: `CaseScreen._loaded` (the data arrives and the screen builds its Rich
  tables), `CaseloadScreen.reload` (starting the caseload's worker) and `.show_loaded`; and
  Textual's layout and render of each frame: `Screen._refresh_layout` (layout, then a render)
  and `Screen._compositor_refresh` (the render), both PRIVATE Textual methods;
- the cyclic garbage collector's passes (`gc.callbacks`), by generation.

For each key it prints, in ms from the key (medians over the keys): when each step started and
how long it took; the UI thread's time in layout, render and collection up to the result frame.
It also sums, per key, the time each widget spent measuring its height
(`Widget.get_content_height`) and rendering (`Widget._render_content`, PRIVATE Textual), from
the key until the screen settles; and lists every full (generation 2) collection of a session.

`--cprofile KEY` also profiles the UI thread (cProfile, in the main thread only) from each such
key to the first frame that meets the result's state, and prints the top functions.

Two trials of changes suggested in docs/performance.md, patched into this process only:
`--short-repr` gives `screens.caseload.LoadedCaseload` a one-line `__repr__` (what Textual's
`@work` puts in each worker's description); `--gc-freeze` calls `gc.freeze()` after
`screens.heap.settle`'s full collection of a big caseload.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import gc
import io
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from textual.screen import Screen
from textual.widget import Widget

import bench_keystroke_latency as bench
from bench_support import database_with, primed
from models.service import CaseloadService
from screens.case import CaseScreen
from screens.caseload import CaseloadScreen

Span = tuple[str, str, float, float]  # label, thread, start, end (perf_counter)


class Recorder:
    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.on = False
        self.widget_time: dict[str, float] = defaultdict(float)
        self.full_collections: list[float] = []

    def wrap(self, owner: type, name: str, label: str) -> None:
        original = getattr(owner, name)
        recorder = self

        @functools.wraps(original)  # Textual reads the signature of handlers it calls
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                if recorder.on:
                    recorder.spans.append((label, threading.current_thread().name, start,
                                           time.perf_counter()))

        setattr(owner, name, wrapper)

    def wrap_widgets(self, name: str, label: str) -> None:
        """Sum, per widget (class#id), the time spent in Widget.`name` while a key is timed."""
        original = getattr(Widget, name)
        recorder = self

        @functools.wraps(original)
        def wrapper(widget: Widget, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(widget, *args, **kwargs)
            finally:
                if recorder.on:
                    recorder.widget_time[f"{label} {type(widget).__name__}#{widget.id or ''}"] \
                        += time.perf_counter() - start

        setattr(Widget, name, wrapper)

    def collector(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
            return
        if info["generation"] == 2:
            self.full_collections.append(time.perf_counter() - self._gc_start)
        if self.on:
            self.spans.append((f"gc gen{info['generation']}", threading.current_thread().name,
                               self._gc_start, time.perf_counter()))


RECORDER = Recorder()
for owner, name, label in (
    (CaseloadService, "case", "worker: CaseloadService.case"),
    (CaseloadService, "siblings", "worker: CaseloadService.siblings"),
    (CaseloadService, "log_visit", "worker: CaseloadService.log_visit (the save)"),
    (CaseloadService, "caseload_changes", "worker: CaseloadService.caseload_changes"),
    (CaseScreen, "_loaded", "UI: CaseScreen._loaded"),
    (CaseloadScreen, "reload", "UI: CaseloadScreen.reload"),
    (CaseloadScreen, "show_loaded", "UI: CaseloadScreen.show_loaded"),
    (Screen, "_refresh_layout", "UI: layout + render"),  # private Textual
    (Screen, "_compositor_refresh", "UI: render"),  # private Textual
):
    RECORDER.wrap(owner, name, label)
RECORDER.wrap_widgets("get_content_height", "measure")
RECORDER.wrap_widgets("_render_content", "render")  # private Textual
gc.callbacks.append(RECORDER.collector)

WINDOWS: dict[str, list[dict[str, Any]]] = defaultdict(list)
PROFILE = cProfile.Profile()
PROFILED: dict[str, Any] = {"key": None, "active": False}

_key, _frame, _disarm, _timed_key = (bench.Clock.key, bench.Clock.frame, bench.Clock.disarm,
                                     bench.timed_key)


def key(self: bench.Clock, event: Any) -> None:
    _key(self, event)
    if self.armed and self.key_at is not None and not RECORDER.on:
        RECORDER.spans = []
        RECORDER.widget_time = defaultdict(float)
        RECORDER.on = True
        if event.key == PROFILED["key"]:
            PROFILED["active"] = True
            PROFILE.enable()


def frame(self: bench.Clock, update: Any) -> None:
    _frame(self, update)
    if PROFILED["active"] and self.armed and self.pending and self.pending[-1][2]:
        PROFILE.disable()
        PROFILED["active"] = False


def disarm(self: bench.Clock) -> list[bench.Frame]:
    RECORDER.on = False
    if PROFILED["active"]:
        PROFILE.disable()
        PROFILED["active"] = False
    return _disarm(self)


async def timed_key(pilot: Any, key_name: str, **kwargs: Any) -> bench.Timing:
    clock: bench.Clock = pilot.app.clock
    timing = await _timed_key(pilot, key_name, **kwargs)
    if key_name in ("enter", "ctrl+s"):
        WINDOWS[key_name].append({"key_at": clock.key_at, "timing": timing,
                                  "spans": list(RECORDER.spans),
                                  "widgets": dict(RECORDER.widget_time)})
    return timing


bench.Clock.key, bench.Clock.frame, bench.Clock.disarm = key, frame, disarm
bench.timed_key = timed_key

UI_LABELS = ("UI: layout + render", "UI: render")


def summarise(window: dict[str, Any]) -> dict[str, float]:
    """ms from the key: each step's first start and its duration; the UI thread's totals up to
    the result frame."""
    key_at, timing = window["key_at"], window["timing"]
    result_at = key_at + timing.result
    out: dict[str, float] = {"first frame": timing.first * 1000,
                             "result frame": timing.result * 1000}
    seen: set[str] = set()
    layout = render = collect = 0.0
    for label, _thread, start, end in sorted(window["spans"], key=lambda s: s[2]):
        if start > result_at:
            continue
        if label == "UI: render":
            render += end - start
        elif label == "UI: layout + render":
            layout += end - start  # the render inside it is taken off below
        elif label.startswith("gc gen2"):
            collect += end - start
        if label not in seen and label not in UI_LABELS and not label.startswith("gc"):
            seen.add(label)
            out[f"{label}: starts at"] = (start - key_at) * 1000
            out[f"{label}: takes"] = (end - start) * 1000
        if label == "UI: render" and end >= result_at - 0.0005:
            out["the result frame's render: takes"] = (end - start) * 1000
    renders_in_layout = sum(
        end - start for label, _, start, end in window["spans"]
        if label == "UI: render" and start <= result_at
        and any(lab == "UI: layout + render" and s <= start and end <= e
                for lab, _, s, e in window["spans"]))
    out["UI thread, up to the result: layout"] = (layout - renders_in_layout) * 1000
    out["UI thread, up to the result: render"] = render * 1000
    out["UI thread, up to the result: full garbage collections (gen2)"] = collect * 1000
    return out


def report(size: int) -> None:
    for key_name, title in (("enter", "open a case (Enter)"), ("ctrl+s", "save a visit (Ctrl+S)")):
        windows = WINDOWS.pop(key_name, [])
        if not windows:
            continue
        rows: dict[str, list[float]] = defaultdict(list)
        for window in windows:
            for label, value in summarise(window).items():
                rows[label].append(value)
        print(f"\n{title}, {size:,} children: ms from the key, medians of {len(windows)} "
              "(n: how many of the keys had the step before the result frame)")
        for label, values in rows.items():
            print(f"  {label:70} {statistics.median(values):8.1f}  "
                  f"(range {min(values):.1f}-{max(values):.1f}, n {len(values)})")
        labels = {label for window in windows for label in window["widgets"]}
        widgets = {label: statistics.median(window["widgets"].get(label, 0.0)
                                            for window in windows) for label in labels}
        print("  UI thread, per widget, from the key until the screen settles (median ms):")
        for label, seconds in sorted(widgets.items(), key=lambda item: -item[1])[:8]:
            print(f"    {seconds * 1000:6.1f}  {label}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,20000")
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--cprofile", choices=("enter", "ctrl+s"), default=None)
    parser.add_argument("--short-repr", action="store_true",
                        help="trial: a one-line repr for LoadedCaseload (this process only)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="trial: gc.freeze() after heap.settle's collection "
                             "(this process only)")
    args = parser.parse_args()
    PROFILED["key"] = args.cprofile
    if args.short_repr:
        from screens.caseload import LoadedCaseload

        LoadedCaseload.__repr__ = lambda self: f"LoadedCaseload({len(self.lines)} lines)"
    if args.gc_freeze:
        from screens import heap

        settle = heap.settle

        def settle_and_freeze(cases: int) -> None:
            settle(cases)
            if cases >= heap.SETTLE_FROM_CASES:
                gc.freeze()

        heap.settle = settle_and_freeze
    for size in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            database = bench.copy_of(primed(database_with(size)), Path(folder))
            asyncio.run(bench.cin_session(database, 1, "warm"))
            WINDOWS.clear()
            RECORDER.full_collections = []
            asyncio.run(bench.cin_session(database, args.repeats, "p"))
        report(size)
        passes = RECORDER.full_collections
        print(f"\nfull (gen2) collections in the {size:,}-children session ({args.repeats} cycles "
              f"of move, open, fill a visit form, save, back): {len(passes)}, ms: "
              + ", ".join(f"{seconds * 1000:.0f}" for seconds in passes))
    if args.cprofile:
        text = io.StringIO()
        stats = pstats.Stats(PROFILE, stream=text)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(20)
        print(f"\ncProfile of the UI thread, {args.cprofile}: key to the frame meeting the "
              "result's state, all keys and sizes together (cProfile slows it about 2x)")
        print(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
