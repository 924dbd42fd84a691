"""Log a visit: saving, each kind of invalid input, cancelling, and siblings seen together."""

from __future__ import annotations

from screens.forms.visit import VisitForm

from .helpers import (
    audit_count,
    case_ready,
    caseload_reloaded,
    column_text,
    field_error,
    open_case,
    stored_case,
    until,
)


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    if hasattr(widget, "clear"):
        widget.clear()
    await pilot.press(*["space" if c == " " else c for c in text])


async def open_visit_form(pilot, ref: str) -> VisitForm:
    await open_case(pilot, ref)
    await pilot.press("v")
    await until(pilot, lambda: isinstance(pilot.app.screen, VisitForm), "the visit form")
    return pilot.app.screen  # type: ignore[return-value]


async def save_and_wait_for_errors(pilot) -> None:
    form = pilot.app.screen
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not form.saving or pilot.app.screen is not form, "the save")


async def test_a_visit_saved_by_keyboard_alone_resets_the_countdown(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        # Date defaults to today; Tab: child seen (ticked); Tab: seen alone? y; Tab: reason
        # (not needed); Tab: the child's voice; Tab: where? h (home).
        await pilot.press("tab", "tab", "y", "tab", "tab", *"Happy", "tab", "h")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form, "the form to close")
        await case_ready(pilot)
        caseload = await caseload_reloaded(pilot)
        # Seen today, Mon 23 Nov: +20 wd = 24-27 Nov (4), 30 Nov-4 Dec (9), 7-11 (14),
        # 14-18 (19), Mon 21 Dec (20): "✔ 20 wd", no longer "✖ 4 wd late".
        assert column_text(caseload, "WR-001", "Visit") == "✔ 20 wd"
        visit = stored_case(caseload_db, "WR-001").visits[-1]
        assert (visit.date.isoformat(), visit.seen, visit.seen_alone, visit.childs_voice,
                visit.location, visit.recorded.isoformat()) == (
                "2026-11-23", True, True, "Happy", "home", "2026-11-23")


async def test_a_uk_day_first_date_is_read_day_first(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        await type_into(pilot, "#date", "02/11/2026")  # 2 November, never 11 February
        await type_into(pilot, "#recorded", "3/11/2026")
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", "Fine")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form, "the form to close")
        dates = [v.date.isoformat() for v in stored_case(caseload_db, "WR-001").visits]
        assert "2026-11-02" in dates


async def test_a_date_that_is_not_a_date_is_shown_by_its_field(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        before = audit_count(caseload_db)
        await type_into(pilot, "#date", "31/02/2026")
        await save_and_wait_for_errors(pilot)
        assert app.screen is form
        assert "not a real date" in field_error(form, "date")
        assert "DD/MM/YYYY" in field_error(form, "date")
        assert len(stored_case(caseload_db, "WR-001").visits) == 1
        assert audit_count(caseload_db) == before


async def test_a_visit_in_the_future_is_refused(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        await type_into(pilot, "#date", "24/11/2026")
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", "Fine")
        await save_and_wait_for_errors(pilot)
        assert "after today (23 Nov 2026)" in field_error(form, "date")
        assert len(stored_case(caseload_db, "WR-001").visits) == 1


async def test_seen_without_the_childs_voice_or_an_answer_on_seen_alone(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        await save_and_wait_for_errors(pilot)
        assert "seen alone" in field_error(form, "seen_alone")
        assert "child's voice" in field_error(form, "childs_voice")
        assert field_error(form, "date") == ""
        assert len(stored_case(caseload_db, "WR-001").visits) == 1


async def test_a_child_over_three_seen_but_not_alone_needs_a_reason(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")  # Amira is 9
        form.query_one("#seen_alone").choose(False)
        await type_into(pilot, "#childs_voice", "Quiet")
        await save_and_wait_for_errors(pilot)
        assert "aged 3 or over" in field_error(form, "not_alone_reason")
        assert len(stored_case(caseload_db, "WR-001").visits) == 1
        # With the reason given, it saves.
        await type_into(pilot, "#not_alone_reason", "Mum stayed in the room")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form, "the form to close")
        assert stored_case(caseload_db, "WR-001").visits[-1].not_alone_reason == \
            "Mum stayed in the room"


async def test_escape_cancels_and_saves_nothing(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        before = audit_count(caseload_db)
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", "Happy")
        await pilot.press("escape")
        await case_ready(pilot)
        assert len(stored_case(caseload_db, "WR-001").visits) == 1
        assert audit_count(caseload_db) == before


async def test_siblings_seen_together_are_saved_together(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", "Happy")
        # Bilal (WR-002) is Amira's sibling: his own questions appear once ticked.
        assert form.query_one("#s0-fields").display is False
        form.query_one("#s0-include").focus()
        await pilot.press("space")
        assert form.query_one("#s0-fields").display is True
        form.query_one("#s0-seen_alone").choose(False)
        await type_into(pilot, "#s0-not_alone_reason", "Asleep on the sofa")
        await type_into(pilot, "#s0-childs_voice", "Waved")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form, "the form to close")
        amira = stored_case(caseload_db, "WR-001").visits[-1]
        bilal = stored_case(caseload_db, "WR-002").visits[-1]
        assert (amira.date, amira.seen_alone, amira.childs_voice) == (bilal.date, True, "Happy")
        assert (bilal.seen_alone, bilal.not_alone_reason, bilal.childs_voice) == (
            False, "Asleep on the sofa", "Waved")


async def test_a_problem_with_one_sibling_saves_neither(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", "Happy")
        form.query_one("#s0-include").focus()
        await pilot.press("space")
        form.query_one("#s0-seen_alone").choose(True)
        await save_and_wait_for_errors(pilot)  # Bilal's voice is missing
        assert "child's voice" in field_error(form, "childs_voice", record="WR-002")
        assert field_error(form, "childs_voice") == ""
        assert len(stored_case(caseload_db, "WR-001").visits) == 1
        assert len(stored_case(caseload_db, "WR-002").visits) == 1


async def test_a_reason_for_not_seen_alone_is_refused_when_seen_alone(caseload_db, new_app):
    """Seen alone = yes and a "why not seen alone" reason contradict each other (issue 12,
    item 8): nothing is saved, and the reason field says what to do."""
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        await pilot.press("tab", "tab", "y")
        await type_into(pilot, "#not_alone_reason", "mum in the room")
        await type_into(pilot, "#location", "h")
        form.query_one("#childs_voice").text = "Happy"
        await save_and_wait_for_errors(pilot)
        assert app.screen is form
        assert "only for a child not seen alone" in field_error(form, "not_alone_reason")
        assert len(stored_case(caseload_db, "WR-001").visits) == 1


async def test_every_problem_shows_at_once_next_to_its_field(caseload_db, new_app):
    """A date that is not a date, no answer on seen alone and no child's voice: one ctrl+s shows
    all three, each under its own field, with the cursor on the first (the date)."""
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        await type_into(pilot, "#date", "31/02/2026")
        await save_and_wait_for_errors(pilot)
        assert "not a real date" in field_error(form, "date")
        assert "seen alone" in field_error(form, "seen_alone")
        assert "child's voice" in field_error(form, "childs_voice")
        assert form.focused is form.query_one("#date")
        assert len(stored_case(caseload_db, "WR-001").visits) == 1


async def test_a_second_visit_on_the_same_day_is_asked_about_then_saved_anyway(caseload_db,
                                                                               new_app):
    """Amira's visit of 20 Oct is recorded: another on 20 Oct is not saved without a word. The
    form warns under the date; ctrl+s again saves it anyway."""
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        before = audit_count(caseload_db)
        await type_into(pilot, "#date", "20/10/2026")
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", "Fine")
        await save_and_wait_for_errors(pilot)
        assert app.screen is form
        warning = field_error(form, "date")
        assert warning.startswith("⚠ a visit to this child on 20 Oct 2026 is already recorded")
        assert "ctrl+s again to save anyway" in str(form.query_one("#form-error").render())
        assert len(stored_case(caseload_db, "WR-001").visits) == 1
        assert audit_count(caseload_db) == before
        await pilot.press("ctrl+s")  # save anyway
        await until(pilot, lambda: app.screen is not form, "the form to close")
        dates = [v.date.isoformat() for v in stored_case(caseload_db, "WR-001").visits]
        assert dates.count("2026-10-20") == 2


async def test_a_visit_years_before_allocation_is_asked_about_and_a_change_checks_again(
        caseload_db, new_app):
    """Amira's case was allocated on 1 Sep 2026; 1 Sep 2024 (a mistyped year) is more than 3
    months before it, the earliest an assessment of this case could be (1 Jun 2026)."""
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        await type_into(pilot, "#date", "01/09/2024")
        form.query_one("#seen_alone").choose(True)
        await type_into(pilot, "#childs_voice", "Fine")
        await save_and_wait_for_errors(pilot)
        assert field_error(form, "date").startswith(
            "⚠ 1 Sep 2024 is more than 3 months before the case was allocated (1 Sep 2026)")
        # Corrected: 1 Jun 2026 is exactly 3 months before allocation, and saves at once.
        await type_into(pilot, "#date", "01/06/2026")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form, "the form to close")
        dates = [v.date.isoformat() for v in stored_case(caseload_db, "WR-001").visits]
        assert "2026-06-01" in dates and "2024-09-01" not in dates
