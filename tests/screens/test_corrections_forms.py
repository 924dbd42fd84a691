"""Correcting what was recorded from the case screen (issue 12, item 2): `e` picks a visit,
meeting or note from the history and corrects it, `w` withdraws one, `o` reopens a closed
case; always with a reason, and the timeline shows what happened."""

from __future__ import annotations

from datetime import date

from screens.forms.correct import (
    CorrectMeetingForm,
    CorrectVisitForm,
    RecordPicker,
    WithdrawForm,
)
from screens.forms.reopen import ReopenForm

from .helpers import (
    audit_count,
    case_ready,
    caseload_ready,
    caseload_reloaded,
    column_text,
    field_error,
    form_error,
    open_case,
    stored_case,
    until,
    widget_text,
)
from .test_case_screen import text_of
from .test_visit_form import save_and_wait_for_errors, type_into


def flat(text: str) -> str:
    """The text with its wrapping undone (a long line wraps inside its column)."""
    return " ".join(text.split())


async def pick(pilot, ref: str, key: str, downs: int, form_type):
    """Open `ref`, press `key`, move down `downs` records in the picker and take that one."""
    await open_case(pilot, ref)
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, RecordPicker), "the record picker")
    await pilot.press(*["down"] * downs, "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, form_type), form_type.__name__)
    return pilot.app.screen


async def saved(pilot, form) -> None:
    await pilot.press("ctrl+s")
    await until(pilot, lambda: pilot.app.screen is not form, "the form to close")
    await case_ready(pilot)


async def test_the_picker_lists_the_history_newest_first(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        await open_case(pilot, "WR-002")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, RecordPicker), "the picker")
        records = app.screen.query_one("#records")
        lines = [str(records.get_option_at_index(i).prompt) for i in range(records.option_count)]
        assert lines[0].startswith("3 Dec 2026   CIN review meeting: booked")
        assert lines[1].startswith("16 Nov 2026  Visit: at school · seen alone")
        assert lines[2].startswith("2 Nov 2026   Initial CIN meeting: held")
        await pilot.press("escape")
        await case_ready(pilot)


async def test_withdrawing_a_visit_with_the_keyboard(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await pick(pilot, "WR-002", "w", 1, WithdrawForm)
        assert "Visit of 16 Nov 2026: at school" in widget_text(form.query_one(
            ".withdrawn-record"))
        await type_into(pilot, "#reason", "Logged on the wrong child")
        await saved(pilot, form)
        stored = stored_case(caseload_db, "WR-002")
        assert stored.visits == ()
        [gone] = stored.withdrawn_visits
        assert (gone.date, gone.withdrawn_on, gone.withdrawn_reason) == (
            date(2026, 11, 16), date(2026, 11, 23), "Logged on the wrong child")
        timeline = flat(text_of(app.screen, "case-timeline"))
        assert "WITHDRAWN on 23 Nov 2026 by" in timeline
        assert "Logged on the wrong child" in timeline
        caseload = await caseload_reloaded(pilot)
        # No visit counts now: from allocation, Tue 1 Sep 2026, 20 working days: 2-4 Sep (3),
        # 7-11 (8), 14-18 (13), 21-25 (18), 28 (19), Tue 29 Sep (20). Late since by 30 Sep-2
        # Oct (3), 5-30 Oct (23), 2-20 Nov (38), 23 Nov (39).
        assert column_text(caseload, "WR-002", "Visit") == "✖ 39 wd late"


async def test_correcting_a_visit_date_moves_its_countdown(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await pick(pilot, "WR-001", "f", 0, CorrectVisitForm)
        # Filled in with the visit as recorded.
        assert form.query_one("#date").value == "20 Oct 2026"
        assert form.query_one("#childs_voice").text == "I like my school"
        await type_into(pilot, "#date", "21/10/2026")
        await type_into(pilot, "#recorded", "21/10/2026")  # not before the visit
        await type_into(pilot, "#reason", "Typed the wrong day")
        await saved(pilot, form)
        [visit] = stored_case(caseload_db, "WR-001").visits
        assert visit.date == date(2026, 10, 21)
        timeline = flat(text_of(app.screen, "case-timeline"))
        assert "Visit of 21 Oct 2026 corrected on 23 Nov 2026 by" in timeline
        assert "date was 20 Oct 2026; recorded on was 20 Oct 2026; Typed the wrong day" in \
            timeline
        caseload = await caseload_reloaded(pilot)
        # Seen Wed 21 Oct: 22-23 Oct (2), 26-30 (7), 2-6 Nov (12), 9-13 (17), 16-18 (20): due
        # Wed 18 Nov, and 19, 20 and 23 Nov have passed since.
        assert column_text(caseload, "WR-001", "Visit") == "✖ 3 wd late"


async def test_a_correction_needs_a_reason_and_a_change(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await pick(pilot, "WR-001", "f", 0, CorrectVisitForm)
        before = audit_count(caseload_db)
        await type_into(pilot, "#date", "31/02/2026")
        await save_and_wait_for_errors(pilot)
        # Both at once: the unreadable date and the missing reason.
        assert field_error(form, "date") != ""
        assert "required: say why" in field_error(form, "reason")
        await type_into(pilot, "#date", "20/10/2026")
        await type_into(pilot, "#reason", "checking")
        await save_and_wait_for_errors(pilot)
        assert "nothing to correct" in form_error(form)
        assert audit_count(caseload_db) == before
        assert stored_case(caseload_db, "WR-001").corrections == ()


async def test_correcting_a_meeting_records_its_circulation(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await pick(pilot, "WR-002", "f", 2, CorrectMeetingForm)
        assert form.query_one("#chair").value == "Ann Lee"
        await type_into(pilot, "#circulated", "9/11/2026")
        await type_into(pilot, "#reason", "Minutes went out on the 9th")
        await saved(pilot, form)
        initial = next(m for m in stored_case(caseload_db, "WR-002").meetings
                       if m.kind == "initial")
        assert initial.circulated == date(2026, 11, 9)
        assert "circulated was not recorded; Minutes went out on the 9th" in flat(text_of(
            app.screen, "case-timeline"))


async def test_reopening_a_closed_case(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        caseload = await caseload_ready(pilot)
        await pilot.press("c")  # show closed cases
        await until(pilot, lambda: "WR-004" in [r.ref for r in caseload.query_one(
            "CaseloadTable").rows], "the closed case")
        screen = await open_case(pilot, "WR-004")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ReopenForm), "the reopen form")
        form = app.screen
        await save_and_wait_for_errors(pilot)
        assert "required" in field_error(form, "reason")
        await type_into(pilot, "#reason", "Closed by mistake")
        await saved(pilot, form)
        assert stored_case(caseload_db, "WR-004").closure is None
        timeline = flat(text_of(screen, "case-timeline"))
        assert "Reopened" in timeline and "reopened on 23 Nov 2026 by" in timeline
        await pilot.press("o")  # open now: says so instead of opening the form
        await pilot.pause()
        assert not isinstance(app.screen, ReopenForm)
