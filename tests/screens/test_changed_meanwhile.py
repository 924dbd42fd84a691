"""Two people on one case (issue 13, item 5): a form saved after someone else changed the case
is refused with who changed what and when, keeps everything typed, and saves on a second
ctrl+s once read; the caseload shows other people's saves by itself. The other person is a
second `CaseloadService` on the same database file (another copy of cin, or a script), saving
between the form opening and ctrl+s. Today is Mon 23 Nov 2026."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Label, TextArea

from models.service import CaseloadService
from screens.forms.case_form import EditCaseForm
from screens.forms.visit import VisitForm

from .conftest import TODAY
from .helpers import (
    audit_count,
    caseload_ready,
    column_text,
    stored_case,
    until,
    widget_text,
)
from .test_meeting_forms import open_form
from .test_visit_form import type_into

VOICE = "I want to live with my nan"


def someone_else(database: Path) -> CaseloadService:
    return CaseloadService(database=database, settings_dir=None, today=TODAY, actor="Jo King")


async def refused(pilot, form) -> str:
    """ctrl+s on a case someone else changed: the form stays, the message above the fields."""
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not form.saving, "the save to be refused")
    assert pilot.app.screen is form
    return str(form.query_one("#form-error", Label).render())


async def test_a_visit_typed_while_someone_edits_the_case_is_kept_and_saved_again(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-001", "v", VisitForm)
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", VOICE)
        audited = audit_count(caseload_db)
        with someone_else(caseload_db) as jo:
            jo.edit_case("WR-001", {"team": "South"})

        message = await refused(pilot, form)
        # Who, what (the audit's words for Jo's change) and when, and what to do now.
        assert "Jo King" in message and "Changed team" in message
        assert re.search(r"at \d\d:\d\d on \d{1,2} [A-Z][a-z]{2} \d{4}", message)
        assert "Your text is kept" in message and "save again" in message
        assert form.query_one("#form-error").has_class("changed-meanwhile")
        # Everything typed is still there; nothing of it was saved.
        assert form.query_one("#childs_voice", TextArea).text == VOICE
        assert audit_count(caseload_db) == audited + 1
        # The case screen behind has read Jo's change.
        case_screen = app.screen_stack[-2]
        await until(pilot, lambda: case_screen.case_detail.summary.team == "South",
                    "the case behind to reload")

        await pilot.press("ctrl+s")  # read it: save the same visit on the case as it is now
        await until(pilot, lambda: app.screen is not form, "the form to close")
    case = stored_case(caseload_db, "WR-001")
    assert case.visits[-1].childs_voice == VOICE and case.summary.team == "South"
    assert audit_count(caseload_db) == audited + 2  # both changes, each audited


async def test_two_edits_of_the_same_case_the_second_is_told_and_keeps_its_text(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-001", "e", EditCaseForm)
        await type_into(pilot, "#family", "hassan-evans")
        with someone_else(caseload_db) as jo:
            jo.edit_case("WR-001", {"worker": "Jo King"})

        message = await refused(pilot, form)
        assert "Jo King" in message and "Changed worker" in message
        assert form.query_one("#family").value == "hassan-evans"
        assert stored_case(caseload_db, "WR-001").summary.family == "hassan"

        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form, "the form to close")
    case = stored_case(caseload_db, "WR-001")
    # The form still held the worker as it was when opened (Sam Patel), and the user saved it
    # knowingly after reading Jo's change: their whole form is what is stored now.
    assert (case.summary.family, case.summary.worker) == ("hassan-evans", "Sam Patel")


async def test_the_caseload_shows_another_persons_save_by_itself(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        caseload = await caseload_ready(pilot)
        assert column_text(caseload, "WR-001", "Visit") == "✖ 4 wd late"
        with someone_else(caseload_db) as jo:
            from models.inputs import VisitInput

            jo.log_visit("WR-001", VisitInput(date=TODAY, seen=True, seen_alone=True,
                                              childs_voice="Fine", location="home",
                                              recorded=TODAY))
        # No key pressed: the App's check for changes (every 2 s) finds Jo's save.
        # Seen today, Mon 23 Nov: +20 wd = 24-27 Nov (4), 30 Nov-4 Dec (9), 7-11 (14),
        # 14-18 (19), Mon 21 Dec (20): "✔ 20 wd".
        await until(pilot, lambda: column_text(caseload, "WR-001", "Visit") == "✔ 20 wd",
                    "the caseload to show Jo's visit")
        assert "✔ 20 wd" in widget_text(caseload.query_one("#caseload"))
