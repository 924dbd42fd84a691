"""Hostile text in names, voices and notes is shown as text in the TUI, never acted on: no
markup is parsed from it (a worker named `Sam [/b] Patel` used to stop the walkthrough with a
MarkupError), no control sequence reaches the terminal (an OSC 52 sequence in a child's name used
to write the clipboard as soon as the caseload was drawn), and nothing crashes.

A handful of fixed hostile examples (the hypothesis suite in tests/reliability covers the CLI
outputs with generated ones); the database is filled directly through models.commands, as text
already stored or written by an older version would be.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from models.commands import upsert_cases
from models.db import open_database, session_scope
from models.inputs import CaseInput, VisitInput
from policies.packs import load_policies
from policies.safe_text import UNSAFE_CODE_POINTS
from screens.case import CaseScreen
from screens.oversight_form import OversightNoteForm
from screens.walkthrough import WalkthroughScreen

from .pilot import started, type_into, until, walk, walkthrough_ready
from .support import TODAY

OSC52 = "\x1b]52;c;aGFja2Vk\x07"  # "write 'hacked' to the clipboard"

# (child's name, worker, team, child's voice)
HOSTILE = [
    (f"Amy [/i] Jones{OSC52}", "Sam [/b] Patel", "North [link=https://evil.example]x[/link]",
     "I said [bold]no[/] \x1b[2J\x1b[H and <script>alert(1)</script>"),
    ("Zoe \x00\x9b31m\u202eenoJ\u202c \x7f", "Jo [red]King", "[@click=app.quit]Team[/]",
     "line one\nline two\twith a tab \x85\u2066\u2069"),
    ("[" * 40 + "Eve" + "]" * 40, "\\[b]Lee[/b]\\", "T" * 300, "x" * 5000 + "\x1b]0;title\x07"),
    # Markup only, no control character: this alone used to stop the walkthrough (MarkupError)
    # and print a traceback with the child's name after a note was saved.
    ("Amy [/i] Jones", "Ali [/b] Khan", "South", "Fine"),
]


def _cases() -> list[CaseInput]:
    """Clean cases: imports and forms refuse control characters, so the hostile text is
    written afterwards (`_make_hostile`), as an older version or another program could have."""
    cases = []
    for number, _ in enumerate(HOSTILE, start=1):
        visit = VisitInput(date=date(2026, 11, 16), seen=True, seen_alone=True,
                           childs_voice="voice", location="home", recorded=date(2026, 11, 16))
        cases.append(CaseInput(ref=f"HX-{number:03d}", name=f"Child {number}",
                               dob=date(2015, 5, 5), worker=f"Worker {number}", team="team",
                               family="jones", policy="leicestershire",
                               allocated=date(2026, 8, 3), plan_started=date(2026, 8, 3),
                               visits=[visit]))
    return cases


def _make_hostile(path: Path) -> None:
    with sqlite3.connect(path) as db:
        for number, (name, worker, team, voice) in enumerate(HOSTILE, start=1):
            ref = f"HX-{number:03d}"
            db.execute("UPDATE workers SET name = ?, team = ? WHERE name = ?",
                       (worker, team, f"Worker {number}"))
            db.execute("UPDATE cases SET name = ?, team = ? WHERE ref = ?", (name, team, ref))
            db.execute("UPDATE visits SET childs_voice = ? WHERE case_id = "
                       "(SELECT id FROM cases WHERE ref = ?)", (voice, ref))


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.db"
    engine = open_database(path)
    try:
        with session_scope(engine) as session:
            upsert_cases(session, cases=_cases(), actor="test fixture",
                         policies=load_policies(None), today=TODAY)
    finally:
        engine.dispose()
    _make_hostile(path)
    return path


async def shown_toast(pilot) -> None:
    """Wait until a notification is on screen (a toast is laid out, and its text read, then)."""
    app = pilot.app
    await until(pilot, lambda: app.screen.query("Toast") or app._exception, "a notification")
    await pilot.pause(0.1)


def drawn(app) -> str:
    """Every character the current screen sends to the terminal, as text (styles left out)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def assert_inert(text: str) -> None:
    raw = sorted({f"U+{ord(ch):04X}" for ch in text
                  if ord(ch) in UNSAFE_CODE_POINTS and ch != "\n"})
    assert raw == [], f"raw control characters reach the terminal: {raw}"


async def test_opening_the_caseload_sends_no_control_sequence(hostile_db, new_app):
    app = new_app(hostile_db)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot)
        screen = drawn(app)
        assert_inert(screen)
        # Shown as typed, the control characters visibly (the name column cuts them short).
        assert "Amy [/i] Jones\\x1b]52;c;a" in screen
        assert "Zoe \\x00\\x9b31m\\u202e" in screen


@pytest.mark.parametrize("ref", ["HX-001", "HX-002", "HX-003"])
async def test_a_hostile_case_opens_and_reads_as_typed(hostile_db, new_app, ref):
    app = new_app(hostile_db)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await started(pilot)
        table = app.screen.query_one("#caseload")
        refs = [line.ref for line in table.rows]
        await pilot.press("home", *["down"] * refs.index(ref), "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen)
                    and app.screen.case_detail is not None, "the case")
        await pilot.pause()
        screen = drawn(app)
        assert_inert(screen)
        if ref == "HX-001":
            assert "I said [bold]no[/] \\x1b[2J\\x1b[H and <script>alert(1)</script>" in screen
            assert "Sam [/b] Patel" in screen


@pytest.mark.parametrize(("worker", "ref"), [("Sam [/b] Patel", "HX-001"),
                                             ("Ali [/b] Khan", "HX-004")])
async def test_the_walkthrough_of_a_worker_named_with_markup_opens(hostile_db, new_app, worker,
                                                                    ref):
    app = new_app(hostile_db)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        walkthrough = await walk(pilot, worker)
        assert walkthrough.page.ref == ref
        screen = drawn(app)
        assert_inert(screen)
        assert f"cin · walkthrough · {worker}" in screen
        # The notification at the end of the walk names the worker as typed.
        await pilot.press("n")
        await shown_toast(pilot)
        assert [n.message for n in app._notifications] == [
            f"This is {worker}'s last case. Press w to write the supervision record."]
        assert_inert(drawn(app))
        # Writing the record says where it went and how to get HTML, naming the worker as typed.
        app.clear_notifications()
        await pilot.press("w")
        await until(pilot, lambda: app._notifications or app._exception, "the record")
        await shown_toast(pilot)
        assert any(f'--worker "{worker}" --out FILE.html' in n.message for n in app._notifications)
        assert "Supervision record written" in drawn(app)
        assert_inert(drawn(app))
    assert app._exception is None


@pytest.mark.parametrize("worker", ["Sam [/b] Patel", "Ali [/b] Khan"])
async def test_saving_a_note_on_a_child_named_with_markup_shows_no_traceback(hostile_db, new_app,
                                                                             worker):
    app = new_app(hostile_db)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await walk(pilot, worker)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OversightNoteForm), "the note form")
        assert_inert(drawn(app))
        await type_into(pilot, "decision", "Continue [/i] the plan")
        await type_into(pilot, "rationale", "Amy [/b] is [red]engaging")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen), "the form to close")
        await walkthrough_ready(pilot)
        await shown_toast(pilot)
        screen = drawn(app)
        assert_inert(screen)
        assert "Continue [/i] the plan" in screen
        assert "Amy [/b] is [red]engaging" in screen
        assert any("Amy [/i] Jones" in n.message for n in app._notifications)
        assert app.return_code is None  # still running: nothing stopped the app
    assert app._exception is None


async def test_pasted_control_characters_are_shown_as_escapes(hostile_db, new_app):
    from textual import events

    app = new_app(hostile_db)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot)
        await pilot.press("slash")
        search = app.screen.query_one("#search")
        assert app.focused is search
        app.post_message(events.Paste("Amy\x1b]52;c;aGFja2Vk\x07\x1b[2J\u202e"))
        await until(pilot, lambda: search.value, "the pasted text")
        assert search.value == "Amy\\x1b]52;c;aGFja2Vk\\x07\\x1b[2J\\u202e"
        assert_inert(drawn(app))


async def test_a_search_that_looks_like_markup_is_shown_as_typed(hostile_db, new_app):
    """`[2J` passed rich.markup.escape unchanged and then made Textual's markup parser fail on
    the message's own `[b]f[/b]`: typing it in the search stopped the app."""
    app = new_app(hostile_db)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot)
        await pilot.press("slash", "left_square_bracket", "2", "J")
        await pilot.pause()
        assert app.screen.query_one("#search").value == "[2J"
        screen = drawn(app)
        assert 'No cases match. Showing 0 of 4 · worker: all · status: all cases · sort: most ' \
               'urgent · search: "[2J"' in screen
    assert app._exception is None
