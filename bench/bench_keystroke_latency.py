"""Keystroke latency measured inside the app: from the key reaching the app to the frame that
shows the result (issue 11: open a case and save a visit, under 100 ms, 25 and 20,000 children).

    .venv/bin/python bench/bench_keystroke_latency.py [--sizes 25,20000] [--rounds 3] [--repeats 5]

Pilot drives the keys (`App.run_test`, 140x50), but no figure is Pilot's wait: both timestamps
are taken inside the running app, on its own event loop, by a subclass made here (the app's
code is not changed):

- the key: `time.perf_counter()` when the App dispatches the `events.Key` (`App.on_event`, the
  first of the app's code to see it, before bindings and the focused widget);
- a frame: `time.perf_counter()` when the compositor hands the App an update to write
  (`App._display`, a PRIVATE Textual method, the only place Textual 8 writes a frame: called by
  `Screen._compositor_refresh`). Headless, Textual skips building the terminal's bytes; the
  subclass builds them (`render_segments`, as a real terminal run does) before the timestamp,
  so only the write() system call is missing. If `_display` or `on_event` is never called
  (a Textual upgrade renamed them), the bench stops with an error rather than print nothing.

Every frame's update is also applied to a text copy of the terminal (a virtual screen, 140x50),
so "the frame that shows the result" is the first frame after the key whose screen text shows
it, not a flag that was set before the widgets were repainted:

- open a case: Enter on a caseload row. First frame: the app's first response; step: the first
  frame showing the case screen ("Loading…"). Result: the frame where the case screen shows
  that case's record and deadlines ("Loading…" gone, "Ref <ref>", its name and its first
  deadline's label on screen), read by the screen's thread worker (`CaseloadService.case` ->
  `models.caseload.load_case`).
- save a visit: Ctrl+S on a filled visit form (a voice text unique to the run). First frame:
  the first frame after the key (so far always the form still open, its footer redrawn); step:
  the first frame with the form closed. Result: the frame where the form has closed and the
  case screen shows the new visit (its voice text in the timeline: the case screen is scrolled
  to its end first, as its deadlines fill 140x50), read again by the case screen's worker after
  the commit (the caseload reloads at the same time, in its own worker).
- move (cin, for reference): one Down key in the caseload table, until the frame that repaints
  the new cursor row.
- baseline: one Down key in bench/bare_app.py's 25-row DataTable, the same way: the frame that
  repaints the new cursor row.

Pilot's own waiting (its idle polling and one callback per widget after each key) runs on the
same event loop during the window; sending the keys straight to the driver instead made no
difference beyond noise (checked once, 30 Nov 2026). bench/profile_keystroke_latency.py says
where the time goes.

Runs alternate in one process, round by round (a bare app session, then one cin session per
size, each started afresh); medians over every key of every round; ratios against the bare
app's median. Databases: bench_support.database_with (a year of history per child) copied to a
temporary folder, so the saves never change the cached copy.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import ROOT, SETTINGS, TODAY, database_with, primed

sys.path.insert(0, str(ROOT))
from rich.cells import get_character_cell_size
from textual import events
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate

from cin_tui.app import CinApp
from screens.case import CaseScreen
from screens.caseload import CaseloadScreen, CaseloadTable
from screens.forms.visit import VisitForm

SIZE = (140, 50)
PATIENCE = 120.0


# ----- the virtual screen -------------------------------------------------------------------


class VirtualScreen:
    """The terminal's text, kept by applying every frame's update as the terminal would."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells = [[" "] * width for _ in range(height)]

    def _put(self, y: int, x: int, strip: Any) -> None:
        if not 0 <= y < self.height:
            return
        row = self.cells[y]
        for segment in strip:
            if segment.control:
                continue
            for character in segment.text:
                width = get_character_cell_size(character)
                if width == 0:
                    continue
                if 0 <= x < self.width:
                    row[x] = character
                    if width == 2 and x + 1 < self.width:
                        row[x + 1] = ""
                x += width

    def apply(self, update: CompositorUpdate) -> set[int]:
        """Apply one frame; returns the lines it wrote."""
        touched: set[int] = set()
        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in line:
                    self._put(y, x, strip)
                    x += strip.cell_length
                touched.add(y)
        elif isinstance(update, ChopsUpdate):  # as ChopsUpdate.render_segments writes it
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(),
                                           strict=True):
                    if strip is None or x > x2 or end <= x1:
                        continue
                    if not (x2 > x >= x1 and end <= x2):
                        strip = strip.crop(0, min(end, x2) - x)
                    self._put(y, x, strip)
                touched.add(y)
        else:
            raise RuntimeError(f"a frame of an unknown kind: {type(update).__name__}")
        return touched

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.cells)


# ----- the clock inside the app -------------------------------------------------------------


@dataclass
class Frame:
    at: float
    state: bool  # the window's state condition, checked when the frame was written
    text: str = ""
    touched: set[int] = field(default_factory=set)


class Clock:
    """Timestamps taken inside the app. Armed for one key at a time (a window): the key's
    arrival and every frame after it, each frame's update kept to be applied to the virtual
    screen after the window (so the UI thread does no extra work while it is being timed)."""

    def __init__(self) -> None:
        self.screen = VirtualScreen(*SIZE)
        self.keys_seen = 0
        self.frames_seen = 0
        self.armed = False
        self.state: Callable[[], bool] = lambda: False
        self.key_at: float | None = None
        self.key_queued: float | None = None  # the key's wait in the App's queue, s
        self.pending: list[tuple[float, CompositorUpdate, bool]] = []
        self.state_met = asyncio.Event()

    def arm(self, state: Callable[[], bool]) -> None:
        self.state, self.key_at, self.key_queued = state, None, None
        self.pending = []
        self.state_met = asyncio.Event()
        self.armed = True

    def key(self, event: events.Key) -> None:
        now = time.perf_counter()
        self.keys_seen += 1
        if self.armed and self.key_at is None:
            self.key_at = now
            self.key_queued = time.monotonic() - event.time  # Textual stamps events monotonic

    def frame(self, update: CompositorUpdate) -> None:
        now = time.perf_counter()
        self.frames_seen += 1
        if self.armed and self.key_at is not None:
            met = self.state()
            self.pending.append((now, update, met))
            if met:
                self.state_met.set()
        else:
            self.screen.apply(update)

    def disarm(self) -> list[Frame]:
        """End the window: the frames after the key, each with the screen text it left."""
        self.armed = False
        frames = []
        for at, update, met in self.pending:
            touched = self.screen.apply(update)
            frames.append(Frame(at, met, self.screen.text(), touched))
        self.pending = []
        return frames


class Timed:
    """Mixed into an App class: the two timestamps. Changes nothing the app does."""

    clock: Clock

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.clock.key(event)
        await super().on_event(event)  # type: ignore[misc]

    # PRIVATE Textual API (textual/app.py, App._display): Screen._compositor_refresh calls it
    # with each frame's update. Checked: `frames_seen` must grow, or the bench stops.
    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)  # type: ignore[misc]
        if renderable is None or self._batch_count:  # type: ignore[attr-defined]
            return  # Textual writes nothing for these either
        if self.is_headless and isinstance(renderable, CompositorUpdate):  # type: ignore[attr-defined]
            renderable.render_segments(self.console)  # type: ignore[attr-defined]
        self.clock.frame(renderable)


class TimedCinApp(Timed, CinApp):
    # Textual finds CSS_PATH beside the module that defines the class: here, the bench's.
    CSS_PATH = str(Path(sys.modules[CinApp.__module__].__file__).with_name(CinApp.CSS_PATH))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = Clock()


def timed_bare_app() -> Any:
    from bare_app import BareApp

    class TimedBareApp(Timed, BareApp):
        def __init__(self) -> None:
            super().__init__()
            self.clock = Clock()

    return TimedBareApp()


def check_hooks(app: Any) -> None:
    if app.clock.keys_seen == 0 or app.clock.frames_seen == 0:
        raise RuntimeError(
            f"the in-app hooks were not called (keys {app.clock.keys_seen}, frames "
            f"{app.clock.frames_seen}): Textual no longer calls App.on_event / App._display "
            "as this bench expects; read textual/app.py and pick the new hooks")


# ----- one key, timed -----------------------------------------------------------------------


@dataclass
class Timing:
    first: float  # s from the key to the first frame after it
    result: float  # s from the key to the first frame that shows the result
    frames: int  # frames written up to and including the result frame
    queued: float  # the key's wait in the App's queue before dispatch (not in the figures)
    first_shows: str  # what the first frame after the key showed
    step: float | None = None  # s from the key to the first frame that shows `step` (if any)


async def until(condition: Callable[[], bool], what: str) -> None:
    give_up = time.perf_counter() + PATIENCE
    while not condition():
        if time.perf_counter() > give_up:
            raise RuntimeError(f"gave up waiting for {what}")
        await asyncio.sleep(0.005)


def idle(app: Any) -> bool:
    return not any(worker.is_running for worker in app.workers)


async def timed_key(pilot: Any, key: str, *, state: Callable[[], bool],
                    shows: Callable[[Frame], bool], settled: Callable[[], bool],
                    what: str, describe: Callable[[Frame], str] = lambda frame: "",
                    step: Callable[[Frame], bool] | None = None) -> Timing:
    """Press `key`; time from its arrival in the app to the first frame after it and to the
    first frame that `shows` the result. `state` (checked at each frame, cheap) says the
    result may be on screen; after it holds, frames are collected until `settled()`."""
    app = pilot.app
    clock: Clock = app.clock
    clock.arm(state)
    await pilot.press(key)
    try:
        await asyncio.wait_for(clock.state_met.wait(), PATIENCE)
    except TimeoutError:
        clock.disarm()
        raise RuntimeError(f"no frame after the key met the state for {what}") from None
    await until(settled, f"{what} to settle")
    await pilot.pause()
    frames = clock.disarm()
    if clock.key_at is None or not frames:
        raise RuntimeError(f"{what}: the key or its frames were not seen inside the app")
    step_at = None
    if step is not None:
        step_at = next((frame.at - clock.key_at for frame in frames if step(frame)), None)
    for index, frame in enumerate(frames, 1):
        if shows(frame):
            return Timing(frames[0].at - clock.key_at, frame.at - clock.key_at, index,
                          clock.key_queued or 0.0,
                          "the result" if index == 1 else describe(frames[0]),
                          step_at if step_at is not None else frame.at - clock.key_at)
    raise RuntimeError(f"{what}: no frame after the key showed the result. Last screen:\n"
                       f"{frames[-1].text}")


# ----- the bare app -------------------------------------------------------------------------


def cursor_line(table: Any) -> int:
    """The screen line of a DataTable's (or LineTable's) cursor row."""
    header = getattr(table, "header_height", 1) if getattr(table, "show_header", True) else 0
    return table.content_region.y + header + table.cursor_row - round(table.scroll_y)


async def bare_session(keys: int) -> list[Timing]:
    from textual.widgets import DataTable

    app = timed_bare_app()
    timings = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        table.focus()
        await pilot.pause()
        for _ in range(keys):
            if table.cursor_row >= 20:
                await pilot.press("home")
                await pilot.pause()
            target = table.cursor_row + 1
            line = cursor_line(table) + 1
            timings.append(await timed_key(
                pilot, "down", state=lambda t=target: table.cursor_row == t,
                shows=lambda frame, y=line: frame.state and y in frame.touched,
                settled=lambda: True, what="the bare app's cursor"))
        check_hooks(app)
    return timings


# ----- cin ----------------------------------------------------------------------------------


async def caseload_idle(pilot: Any) -> CaseloadScreen:
    app = pilot.app
    await until(lambda: isinstance(app.screen, CaseloadScreen) and app.screen.loaded
                and app.screen._loaded_version == app.data_version and idle(app),
                "the caseload")
    await pilot.pause()
    return app.screen


def shows_case(text: str, screen: CaseScreen) -> bool:
    """The case screen's text shows the case's record and deadlines (not just "Loading…")."""
    detail, row = screen.case_detail, screen.case_row
    if detail is None or row is None or "Loading…" in text:
        return False
    if not re.search(rf"Ref +{re.escape(detail.summary.ref)}\b", text):
        return False
    if detail.summary.name and detail.summary.name not in text:
        return False
    if row.error or row.summary.closed or not row.deadlines:
        return "Nothing due" in text or "closed" in text or "⚠" in text
    return row.deadlines[0].label[:40] in text  # the deadlines part is empty until loaded


@dataclass
class CinTimings:
    move: list[Timing] = field(default_factory=list)
    open: list[Timing] = field(default_factory=list)
    save: list[Timing] = field(default_factory=list)


async def cin_session(database: Path, repeats: int, tag: str) -> CinTimings:
    app = TimedCinApp(database_path=database, today=TODAY, settings_dir=SETTINGS,
                      cursor_blink=False, log_folder=database.parent)
    out = CinTimings()
    async with app.run_test(size=SIZE) as pilot:
        screen = await caseload_idle(pilot)
        table = screen.query_one(CaseloadTable)
        table.focus()
        await pilot.pause()
        for index in range(repeats):
            # move: one Down key in the caseload table
            await pilot.press("home", *["down"] * index)
            await caseload_idle(pilot)
            target = table.cursor_row + 1
            line = cursor_line(table) + 1
            out.move.append(await timed_key(
                pilot, "down", state=lambda t=target: table.cursor_row == t,
                shows=lambda frame, y=line: frame.state and y in frame.touched,
                settled=lambda: True, what="the caseload cursor"))
            ref = table.current_row.ref

            # open a case: Enter -> the case screen showing its record and deadlines
            def opened(r: str = ref) -> bool:
                s = app.screen
                return isinstance(s, CaseScreen) and s.ref == r and s.case_detail is not None

            out.open.append(await timed_key(
                pilot, "enter", state=opened,
                shows=lambda frame: frame.state and shows_case(frame.text, app.screen),
                settled=lambda: idle(app), what=f"case {ref}",
                describe=lambda frame: "the case screen, Loading…" if "Loading…" in frame.text
                else "other",
                step=lambda frame: "Loading…" in frame.text))
            case_screen = app.screen
            assert isinstance(case_screen, CaseScreen)

            # save a visit: fill the form, Ctrl+S -> form closed, the new visit shown. The case
            # screen is scrolled to its end first, so the timeline's newest entries are on
            # screen (at 140x50 the deadlines fill it); its three parts are redrawn together
            # (CaseScreen._draw), so the frame that shows the timeline shows the rest too.
            await pilot.press("end")
            await pilot.pause()
            await pilot.press("v")
            await until(lambda: isinstance(app.screen, VisitForm), "the visit form")
            form = app.screen
            voice = f"Happy{tag}x{index}"
            await pilot.press("tab", "tab", "y", "tab", "tab", *voice, "tab", "h")
            await pilot.pause()
            visits_before = len(case_screen.case_detail.visits)
            version = app.data_version

            def saved(s: CaseScreen = case_screen, n: int = visits_before) -> bool:
                return (app.screen is s and s.case_detail is not None
                        and len(s.case_detail.visits) == n + 1)

            # The case screen reloads at once; the caseload under it when shown again (below).
            def reloaded(v: int = version) -> bool:
                return app.data_version > v and idle(app)

            out.save.append(await timed_key(
                pilot, "ctrl+s", state=saved,
                shows=lambda frame, v=voice: frame.state and "Log a visit" not in frame.text
                and f"voice: “{v}”" in frame.text,
                settled=reloaded, what=f"the visit to {ref}",
                describe=lambda frame: "the form, still open" if "Log a visit" in frame.text
                else "the case screen, visit not yet shown",
                step=lambda frame: "Log a visit" not in frame.text))
            assert app.screen is case_screen and app.screen is not form
            await pilot.press("escape")
            await caseload_idle(pilot)
        check_hooks(app)
    return out


# ----- the run ------------------------------------------------------------------------------


def copy_of(source: Path, folder: Path) -> Path:
    target = folder / source.name
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    return target


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,20000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5, help="keys of each kind per session")
    parser.add_argument("--each", action="store_true", help="also print every key's figures")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    sources = {size: primed(database_with(size)) for size in sizes}
    bare: list[Timing] = []
    cin: dict[int, CinTimings] = {size: CinTimings() for size in sizes}
    with tempfile.TemporaryDirectory() as folder:
        databases = {size: copy_of(source, Path(folder)) for size, source in sources.items()}
        # An untimed warm-up of each, so every timed session runs with modules imported.
        asyncio.run(bare_session(2))
        for size in sizes:
            asyncio.run(cin_session(databases[size], 1, f"w{size}"))
        for round_ in range(args.rounds):
            bare += asyncio.run(bare_session(args.repeats * 2))
            for size in sizes:
                got = asyncio.run(cin_session(databases[size], args.repeats, f"r{round_}s{size}"))
                cin[size].move += got.move
                cin[size].open += got.open
                cin[size].save += got.save
            print(f"round {round_ + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    base = statistics.median(t.result for t in bare)
    print(f"Keystroke latency inside the app, {SIZE[0]}x{SIZE[1]}, medians of "
          f"{args.rounds} rounds x {args.repeats} keys (bare app: x {args.repeats * 2}), ms")
    print("first frame: the first frame after the key; step: the first frame showing the case "
          "screen (open) or the form closed (save); result: the frame that shows the result; "
          "max: the slowest result; >100: keys whose result took over 100 ms; frames: frames up "
          "to the result; vs bare: result / the bare app's result")
    print(f"{'key':34} {'children':>8} {'n':>3} {'first frame':>11} {'step':>7} {'result':>8} "
          f"{'max':>8} {'>100':>5} {'frames':>6} {'vs bare':>8}")

    def row(name: str, children: str, timings: list[Timing]) -> None:
        result = statistics.median(t.result for t in timings)
        print(f"{name:34} {children:>8} {len(timings):>3} {ms([t.first for t in timings]):>11} "
              f"{ms([t.step for t in timings]):>7} "
              f"{result * 1000:8.1f} {max(t.result for t in timings) * 1000:8.1f} "
              f"{sum(t.result > 0.1 for t in timings):>5} "
              f"{statistics.median(t.frames for t in timings):>6.0f} {result / base:7.1f}x")

    rows = [("bare app: Down in its DataTable", "25", bare)]
    for size in sizes:
        rows += [("cin: Down in the caseload", f"{size:,}", cin[size].move),
                 ("cin: open a case (Enter)", f"{size:,}", cin[size].open),
                 ("cin: save a visit (Ctrl+S)", f"{size:,}", cin[size].save)]
    for name, children, timings in rows:
        row(name, children, timings)
    print("What the first frame after the key showed:")
    for name, children, timings in rows:
        shown = Counter(t.first_shows for t in timings)
        print(f"  {name} ({children}): "
              + "; ".join(f"{what} x{count}" for what, count in shown.most_common()))
    if args.each:
        for name, children, timings in rows:
            print(f"  {name} ({children}), first/step/result ms (frames): " + ", ".join(
                f"{t.first * 1000:.0f}/{t.step * 1000:.0f}/{t.result * 1000:.0f} ({t.frames})"
                for t in timings))
    queued = [t.queued for t in bare] + [t.queued for size in sizes for t in
                                         cin[size].move + cin[size].open + cin[size].save]
    print(f"(keys waited {statistics.median(queued) * 1000:.1f} ms median, "
          f"{max(queued) * 1000:.1f} ms at most, in the App's queue before dispatch: "
          "not in the figures)")
    met = all(statistics.median(t.result for t in getattr(cin[size], kind)) < 0.1
              for size in sizes for kind in ("open", "save"))
    print("goal (open a case and save a visit under 100 ms, key to the frame that shows it): "
          + ("MET" if met else "NOT MET"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
