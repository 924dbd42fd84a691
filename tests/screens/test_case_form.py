"""The new-case form (caseload screen) and the edit-case form (case screen), and a Camden case
with no visiting frequency saying so until one is set. Today is Mon 23 Nov 2026."""

from __future__ import annotations

from screens.forms.case_form import EditCaseForm, NewCaseForm

from .helpers import (
    audit_count,
    caseload_ready,
    caseload_reloaded,
    column_text,
    field_error,
    open_case,
    shown_refs,
    stored_case,
    until,
    widget_text,
)
from .test_meeting_forms import open_form, saved
from .test_visit_form import save_and_wait_for_errors, type_into


async def open_new_case_form(pilot) -> NewCaseForm:
    await caseload_ready(pilot)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, NewCaseForm), "the new-case form")
    return pilot.app.screen


async def test_a_new_case_is_added_from_the_caseload(caseload_db, new_app):
    app = new_app(caseload_db, actor="Jo King")
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_new_case_form(pilot)
        # The worker defaults to the user's own name, allocation to today.
        assert form.query_one("#worker").value == "Jo King"
        assert form.query_one("#allocated").value == "23 Nov 2026"
        # The authority is a choice among the installed packs.
        options = [value for _, value in form.query_one("#policy")._options]
        assert {"camden", "leicestershire", "rochdale", "trafford", "wirral"} <= set(options)
        await type_into(pilot, "#ref", "WR-010")
        form.query_one("#policy").value = "wirral"
        await type_into(pilot, "#name", "Gina Lowe")
        await type_into(pilot, "#dob", "04/03/2016")
        await type_into(pilot, "#plan_started", "23/11/2026")
        form.query_one("#complex_plan").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: pilot.app.screen is not form, "the form to close")
        screen = await caseload_reloaded(pilot)
        await until(pilot, lambda: "WR-010" in shown_refs(screen), "the new case in the list")
    case = stored_case(caseload_db, "WR-010")
    assert (case.summary.name, case.summary.worker, case.summary.policy_id) == (
        "Gina Lowe", "Jo King", "wirral")
    assert case.facts.complex_plan and not case.facts.key_worker_led


async def test_every_problem_of_a_new_case_is_shown_at_once(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_new_case_form(pilot)
        await type_into(pilot, "#ref", "WR-001")  # already a case
        await type_into(pilot, "#dob", "31/02/2016")
        await type_into(pilot, "#visit_every", "fortnightly")
        before = audit_count(caseload_db)
        await save_and_wait_for_errors(pilot)
        # Read on the form first: the date, the frequency and the missing pack, together.
        assert "February 2016 has 29 days" in field_error(form, "dob")
        assert "not a visiting frequency" in field_error(form, "visit_every")
        assert "choose the authority" in field_error(form, "policy")
        form.query_one("#policy").value = "wirral"
        await type_into(pilot, "#dob", "29/02/2016")
        await type_into(pilot, "#visit_every", "4 weeks")
        await save_and_wait_for_errors(pilot)
        # Then the import's checks: the reference taken and no name, together.
        assert "already exists" in field_error(form, "ref")
        assert "required" in field_error(form, "name")
        assert pilot.app.screen is form
    assert audit_count(caseload_db) == before


async def test_edit_reassigns_the_case_and_keeps_its_history(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-001", "e", EditCaseForm)
        assert form.query_one("#worker").value == "Sam Patel"
        assert form.query_one("#dob").value == "4 Mar 2017"
        await type_into(pilot, "#worker", "Jo King")
        await type_into(pilot, "#team", "South")
        await saved(pilot, form)
        facts = widget_text(pilot.app.screen.query_one("#case-facts"))
        assert "Jo King" in facts and "South" in facts
    case = stored_case(caseload_db, "WR-001")
    assert (case.summary.worker, case.summary.team, len(case.visits)) == ("Jo King", "South", 1)


async def test_a_camden_case_without_a_frequency_says_so_until_one_is_set(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(160, 60)) as pilot:
        screen = await caseload_ready(pilot)
        await until(pilot, lambda: "CA-001" in shown_refs(screen), "CA-001")
        assert column_text(screen, "CA-001", "Visit") == "? set freq"
        # The team view counts it (Jo King's only case needing a frequency).
        await pilot.press("t")
        await until(pilot, lambda: "open case" in str(
            pilot.app.screen.query_one("#team-summary").content), "the team view")
        assert "? 1 case with no visiting frequency recorded" in str(
            pilot.app.screen.query_one("#team-summary").content)
        await pilot.press("escape")
        screen = await caseload_ready(pilot)
        case_screen = await open_case(pilot, "CA-001")
        assert "no visiting frequency recorded: set one" in widget_text(
            case_screen.query_one("#case-facts"))
        assert "no visiting frequency recorded: set one" in widget_text(
            case_screen.query_one("#case-deadlines"))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(pilot.app.screen, EditCaseForm), "the edit form")
        form = pilot.app.screen
        await type_into(pilot, "#visit_every", "4 weeks")
        await saved(pilot, form)
        # Never seen: from allocation, Mon 14 Sep 2026 + 4 weeks -> Mon 12 Oct 2026; today,
        # Mon 23 Nov, is 6 weeks (42 days) after it.
        deadlines = widget_text(pilot.app.screen.query_one("#case-deadlines"))
        assert "no visiting frequency recorded" not in deadlines
        assert "due 12 Oct 2026" in deadlines
        await pilot.press("escape")
        screen = await caseload_reloaded(pilot)
        await until(pilot, lambda: column_text(screen, "CA-001", "Visit") != "? set freq",
                    "the Visit cell to change")
        assert column_text(screen, "CA-001", "Visit") == "✖ 42 d late"


async def test_the_edit_form_does_not_open_in_privacy_mode(caseload_db, new_app):
    # Its fields hold the child's full name: privacy mode (a shared screen) keeps it closed.
    app = new_app(caseload_db, privacy=True)
    async with app.run_test(size=(140, 60)) as pilot:
        case_screen = await open_case(pilot, "WR-001")
        await pilot.press("e")
        await pilot.pause()
        assert pilot.app.screen is case_screen
        assert any("Privacy mode is on" in str(n.message) for n in pilot.app._notifications)


async def focus_by_tab(pilot, widget_id: str) -> None:
    """Tab through the form, as a keyboard user does, until `widget_id` has the focus."""
    for _ in range(60):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached #{widget_id}")


async def test_census_fields_are_chosen_by_their_words_with_the_keyboard_at_80x24(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot, "WR-001")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(pilot.app.screen, EditCaseForm), "the edit form")
        form = pilot.app.screen
        # The primary need offers each code with its words, after a blank (not recorded).
        need = form.query_one("#primary_need")
        assert [str(label) for label, _ in need._options][:3] == [
            "", "N0 Not stated", "N1 Abuse or neglect"]
        await focus_by_tab(pilot, "primary_need")
        await pilot.press("enter", "down", "down", "enter")  # past N0 to N1
        await until(pilot, lambda: need.value == "N1", "N1 chosen")
        await focus_by_tab(pilot, "upn")
        await pilot.press(*"A801200001001")  # the digits give H, not A
        await focus_by_tab(pilot, "disabilities")
        await pilot.press("down", "space")  # from NONE down to MOB (Mobility), ticked
        await pilot.press("ctrl+s")
        await until(pilot, lambda: field_error(form, "upn") != "", "the UPN's error")
        assert "has the check letter A, but its digits give H" in field_error(form, "upn")
        await focus_by_tab(pilot, "upn")
        await pilot.press("home", "delete", "H")
        await saved(pilot, form)
        # The case screen shows the codes in words (wrapped at 80 columns).
        facts = " ".join(widget_text(pilot.app.screen.query_one("#case-facts")).split())
        assert "Primary need N1 (Abuse or" in facts  # "neglect)" on the next line
        assert "Disability codes MOB (Mobility)" in facts
    census = stored_case(caseload_db, "WR-001").census
    assert (census["primary_need"], census["upn"], census["disabilities"]) == (
        "N1", "H801200001001", ["MOB"])
    assert stored_case(caseload_db, "WR-001").summary.disabled  # MOB: disabled follows the code
