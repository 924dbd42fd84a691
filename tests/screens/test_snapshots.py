"""Snapshots of every screen and form at a fixed size and date, in colour and with NO_COLOR.

Update after looking at the pictures: `pytest tests/screens/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from screens.forms.close import CloseCaseForm
from screens.forms.meeting import (
    BookMeetingForm,
    CancelMeetingForm,
    CirculatedForm,
    MeetingHeldForm,
)
from screens.forms.visit import VisitForm

from .helpers import caseload_ready, open_case, until

WIDE = (120, 36)
MEDIUM = (100, 30)
SMALL = (80, 24)


@pytest.fixture(params=["colour", "no_color"])
def colour(request, monkeypatch) -> str:
    if request.param == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")  # read when the app is created
    return request.param


def at_caseload():
    async def run_before(pilot) -> None:
        await caseload_ready(pilot)

    return run_before


def at_case(ref: str):
    async def run_before(pilot) -> None:
        await open_case(pilot, ref)

    return run_before


def at_form(ref: str, key: str, form_type, fill=None):
    async def run_before(pilot) -> None:
        await open_case(pilot, ref)
        await pilot.press(key)
        await until(pilot, lambda: isinstance(pilot.app.screen, form_type), form_type.__name__)
        if fill is not None:
            await fill(pilot)

    return run_before


@pytest.mark.parametrize("size", [WIDE, MEDIUM, SMALL], ids=["120x36", "100x30", "80x24"])
def test_caseload(snap_compare, caseload_db, new_app, colour, size):
    assert snap_compare(new_app(caseload_db), terminal_size=size, run_before=at_caseload())


def test_caseload_empty(snap_compare, empty_db, new_app, colour, monkeypatch):
    # The message names the database file: a relative path keeps the picture the same each run.
    monkeypatch.chdir(empty_db.parent)
    assert snap_compare(new_app(empty_db.relative_to(empty_db.parent)), terminal_size=WIDE,
                        run_before=at_caseload())


def test_case_screen(snap_compare, caseload_db, new_app, colour):
    assert snap_compare(new_app(caseload_db), terminal_size=WIDE, run_before=at_case("WR-002"))


FORMS = pytest.mark.parametrize(
    ("ref", "key", "form_type"),
    [
        ("WR-001", "v", VisitForm),
        ("WR-002", "b", BookMeetingForm),
        ("WR-002", "h", MeetingHeldForm),
        ("WR-002", "m", CirculatedForm),
        ("CA-001", "x", CancelMeetingForm),
        ("LC-001", "c", CloseCaseForm),
    ],
    ids=["visit", "book", "held", "circulated", "cancel", "close"],
)


@FORMS
def test_form(snap_compare, caseload_db, new_app, colour, ref, key, form_type):
    assert snap_compare(new_app(caseload_db), terminal_size=WIDE,
                        run_before=at_form(ref, key, form_type))


@FORMS
def test_form_at_80x24_without_colour(snap_compare, caseload_db, new_app, monkeypatch,
                                      ref, key, form_type):
    # Issue 6 item 8: every form works on an 80x24 monochrome terminal (NO_COLOR).
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(new_app(caseload_db), terminal_size=SMALL,
                        run_before=at_form(ref, key, form_type))


def test_visit_form_with_errors(snap_compare, caseload_db, new_app, colour):
    async def save_empty(pilot) -> None:
        form = pilot.app.screen
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not form.saving, "the save")

    assert snap_compare(new_app(caseload_db), terminal_size=WIDE,
                        run_before=at_form("WR-001", "v", VisitForm, save_empty))


def test_help_screen(snap_compare, caseload_db, new_app, colour):
    async def run_before(pilot) -> None:
        await caseload_ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: pilot.app.screen.__class__.__name__ == "HelpScreen", "help")

    assert snap_compare(new_app(caseload_db), terminal_size=WIDE, run_before=run_before)


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x36", "80x24"])
def test_chronology_screen(snap_compare, caseload_db, new_app, colour, size):
    async def run_before(pilot) -> None:
        await open_case(pilot, "WR-002")
        await pilot.press("l")
        await until(pilot, lambda: getattr(pilot.app.screen, "chronology", None) is not None
                    and not any(w.is_running for w in pilot.app.workers), "the chronology")

    assert snap_compare(new_app(caseload_db), terminal_size=size, run_before=run_before)


def test_sync_screen(snap_compare, caseload_db, new_app, colour, tmp_path):
    """The sync screen when the team server is out of reach: the message, and what waits on
    this laptop from an earlier sync (a conflict with both values, a refused visit)."""
    from models.db import open_database, session_scope
    from models.sync_changes import Change
    from models.sync_local import keep_conflict, keep_refusal
    from models.sync_push import Conflict
    from screens.sync import SyncScreen

    from .helpers import until

    engine = open_database(caseload_db)
    with session_scope(engine) as session:
        keep_conflict(session, Conflict("WR-001", "case", None, "family", "hassan",
                                        "hassan-moss", "hassan family"))
        keep_refusal(session, Change("visit", "WR-002", "5f0c", {
            "date": "2026-11-20", "childs_voice": "Told me about the baby"}),
            "case WR-002 cannot be changed from this account; nothing was saved (ask the "
            "case's worker or your manager)")
    engine.dispose()
    settings = tmp_path / "settings"
    settings.mkdir()
    # A socket folder with no server in it: refused at once, the same words every run.
    (settings / "settings.toml").write_text(
        '[team]\nserver = "postgresql:///cin?host=/nonexistent-cin-socket"\n', encoding="utf-8")

    async def run_before(pilot) -> None:
        await caseload_ready(pilot)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(pilot.app.screen, SyncScreen)
                    and not pilot.app.screen.running, "the sync to give up")

    assert snap_compare(new_app(caseload_db, settings_dir=settings), terminal_size=WIDE,
                        run_before=run_before)


def test_edit_form_census_fields_at_80x24_without_colour(snap_compare, caseload_db, new_app,
                                                         monkeypatch):
    # Issue 15: the census codes in the edit form, chosen by their words on an 80x24
    # monochrome terminal; a ticked code reads as X, an unticked one as an empty box.
    from screens.forms.case_form import EditCaseForm

    async def tick_mobility(pilot) -> None:
        for _ in range(60):
            if pilot.app.focused is not None and pilot.app.focused.id == "disabilities":
                break
            await pilot.press("tab")
        await pilot.press("down", "space")
        await pilot.pause()

    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(new_app(caseload_db), terminal_size=SMALL,
                        run_before=at_form("WR-001", "e", EditCaseForm, tick_mobility))
