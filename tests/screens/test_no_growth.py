"""A working day without growth (issue 11): the soak benchmark's cycle, a few times.

Move, open a case, log a visit, back, search, team view, back (bench/bench_soak.py drives
them through Pilot), 3 cycles to warm up and 10 more: nothing a screen, form or footer key
registers may outlive it. Counts only, never timings.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from screens.watchers import prune_removed_watchers, watcher_count

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_soak.py"


def bench_soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_soak", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_soak", module)
    spec.loader.exec_module(module)
    return module


async def test_cycles_leave_no_watchers_or_nodes_behind(tmp_path: Path) -> None:
    soak = bench_soak()
    app = soak.make_app(database_path=soak.demo_copy(tmp_path), today=soak.TODAY,
                        cursor_blink=False, log_folder=tmp_path / "logs")
    app.animation_level = "none"
    reports = await soak.soak(app, cycles=10, warmup=3, every=1, report=lambda *_: None)
    samples = [sample for sample, _ in reports]
    start, end = samples[0], samples[-1]
    assert [s.cycle for s in samples] == list(range(3, 14))
    # Header's two watches of the App (title, sub_title) on the caseload screen: no more.
    assert end.app_watchers == start.app_watchers == 2, end.app_watchers_by_name
    # One per key the caseload Footer shows, and nothing from its earlier keys.
    assert end.footer_watchers == start.footer_watchers
    assert end.stack_nodes == start.stack_nodes
    # Textual may hold the last cycle's popped screen (with its widgets) a little longer
    # (a finished worker's context), so one sample can be a screen's worth above another.
    # A leak grows with every cycle: by the last three samples, even the lowest would be
    # above the highest of the first three.
    first, last = samples[:3], samples[-3:]
    assert min(s.live_nodes for s in last) <= max(s.live_nodes for s in first), [
        s.live_nodes for s in samples]


def test_pruning_keeps_live_watchers_and_drops_removed_ones() -> None:
    class Node:
        def __init__(self, *, closed: bool) -> None:
            self._closing = self._closed = closed
            self._pruning = False

    class Watched:
        pass

    watched = Watched()
    live, removed = Node(closed=False), Node(closed=True)
    setattr(watched, "__watchers", {"title": [(live, print), (removed, print)],
                                    "theme": [(removed, print)]})
    assert watcher_count(watched) == 3
    assert prune_removed_watchers(watched) == 2
    assert getattr(watched, "__watchers")["title"] == [(live, print)]
    assert watcher_count(watched) == 1
    assert prune_removed_watchers(Watched()) == 0
