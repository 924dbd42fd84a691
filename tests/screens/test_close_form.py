"""Close a case: reasons, step-down, and the authority's closure checklist."""

from __future__ import annotations

from textual.widgets import Checkbox

from screens.forms.close import CloseCaseForm

from .helpers import (
    audit_count,
    case_ready,
    caseload_reloaded,
    field_error,
    shown_refs,
    stored_case,
)
from .test_meeting_forms import open_form, saved
from .test_visit_form import save_and_wait_for_errors, type_into


def reason_codes(form: CloseCaseForm) -> list[str]:
    select = form.query_one("#reason")
    return [value for _, value in select._options if isinstance(value, str)]


def shown_boxes(form: CloseCaseForm) -> list[Checkbox]:
    """The checklist's boxes on screen (items for another reason are hidden)."""
    return [box for box in form.query(".checklist Checkbox").results(Checkbox)
            if box.parent is not None and box.parent.display]


def shown_items(form: CloseCaseForm) -> list[str]:
    return [str(label.render()) for label in form.query(".check-label")
            if label.parent is not None and label.parent.display]


async def tick_all(pilot, form: CloseCaseForm, leave_out: int | None = None) -> None:
    await pilot.pause()
    for index, box in enumerate(shown_boxes(form)):
        if index != leave_out:
            box.focus()
            await pilot.press("space")


async def test_reasons_are_the_census_codes_then_the_packs_own(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-003", "c", CloseCaseForm)
        codes = reason_codes(form)
        assert codes[:9] == [f"RC{n}" for n in range(1, 10)]
        assert codes[9:] == ["outcomes_achieved", "stepped_down_taf", "escalated_cp"]


async def test_leicestershire_closes_only_with_all_five_conditions(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "LC-001", "c", CloseCaseForm)
        form.query_one("#reason").value = "RC7"
        await pilot.pause()
        assert len(shown_boxes(form)) == 5
        await tick_all(pilot, form, leave_out=3)  # no safety plan yet
        before = audit_count(caseload_db)
        await save_and_wait_for_errors(pilot)
        assert "Safety plan in place" in field_error(form, "checklist")
        assert stored_case(caseload_db, "LC-001").closure is None
        assert audit_count(caseload_db) == before
        # Ticking the fifth closes it.
        boxes = shown_boxes(form)
        boxes[3].focus()
        await pilot.press("space")
        await saved(pilot, form)
        closure = stored_case(caseload_db, "LC-001").closure
        assert (closure.date.isoformat(), closure.reason) == ("2026-11-23", "RC7")
        assert all(closure.checklist.values()) and len(closure.checklist) == 5
        caseload = await caseload_reloaded(pilot)
        assert "LC-001" not in shown_refs(caseload)


async def test_step_down_to_early_help_with_the_lead_professional(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-003", "c", CloseCaseForm)
        form.query_one("#reason").value = "RC9"
        form.query_one("#step_down_to_early_help").focus()
        await pilot.press("space")
        await type_into(pilot, "#lead_professional", "Kay Ross, Oak School")
        # Wirral needs only its first item; the others apply to a step-down to TAF.
        await tick_all(pilot, form)
        await saved(pilot, form)
        closure = stored_case(caseload_db, "WR-003").closure
        assert (closure.reason, closure.step_down_to_early_help, closure.lead_professional) == (
            "RC9", True, "Kay Ross, Oak School")


async def test_step_down_without_a_lead_professional_is_refused_next_to_that_field(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-003", "c", CloseCaseForm)
        form.query_one("#reason").value = "RC9"
        form.query_one("#step_down_to_early_help").focus()
        await pilot.press("space")
        await tick_all(pilot, form)
        await save_and_wait_for_errors(pilot)
        assert "step-down to Early Help needs its lead professional" in field_error(
            form, "lead_professional")
        assert stored_case(caseload_db, "WR-003").closure is None
        await type_into(pilot, "#lead_professional", "Kay Ross, Oak School")
        await saved(pilot, form)
        assert (stored_case(caseload_db, "WR-003").closure.lead_professional
                == "Kay Ross, Oak School")


async def test_a_reason_is_required_and_the_date_cannot_be_before_the_last_visit(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-003", "c", CloseCaseForm)
        await save_and_wait_for_errors(pilot)
        assert "choose a reason" in field_error(form, "reason")
        form.query_one("#reason").value = "RC7"
        await tick_all(pilot, form)
        await type_into(pilot, "#date", "1/11/2026")  # Chloe was last visited on 2 Nov
        await save_and_wait_for_errors(pilot)
        assert "before the visit on 2 Nov 2026" in field_error(form, "date")
        assert stored_case(caseload_db, "WR-003").closure is None


async def test_escape_leaves_the_case_open(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "LC-001", "c", CloseCaseForm)
        form.query_one("#reason").value = "RC7"
        await tick_all(pilot, form)
        await pilot.press("escape")
        await case_ready(pilot)
        assert stored_case(caseload_db, "LC-001").closure is None


async def test_a_closed_case_takes_no_more_records(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        await pilot.press("c")  # show closed cases
        from .helpers import open_case

        await open_case(pilot, "WR-004")
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CaseScreen"
        assert any("was closed on 1 Nov 2026" in str(n.message) for n in app._notifications)


# ----- the checklist follows the reason ---------------------------------------------------

async def test_the_checklist_shows_only_the_items_for_the_reason_chosen(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-003", "c", CloseCaseForm)
        assert "Choose the reason" in str(form.query_one(".check-none").render())
        outcomes = "A review concluded that the plan's outcomes are achieved"
        # A child who died is not asked for "outcomes achieved" (Wirral 3.1 ends a plan that
        # way only when a review says so).
        form.query_one("#reason").value = "RC2"
        await pilot.pause()
        assert shown_items(form) == []
        assert form.query_one(".check-none").display
        assert "Nothing on this authority's checklist for this reason" in str(
            form.query_one(".check-none").render())
        form.query_one("#reason").value = "RC7"
        await pilot.pause()
        assert [item[:len(outcomes)] for item in shown_items(form)] == [outcomes]
        # Ticking the step-down adds Wirral 3.3's three TAF items; unticking takes them away.
        form.query_one("#step_down_to_early_help").focus()
        await pilot.press("space")
        await pilot.pause()
        assert len(shown_items(form)) == 4
        assert any("Transfer Plan" in item for item in shown_items(form))
        await pilot.press("space")
        await pilot.pause()
        assert len(shown_items(form)) == 1


async def test_reasons_are_named_in_words_with_their_census_codes(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "WR-003", "c", CloseCaseForm)
        labels = {value: str(label) for label, value in form.query_one("#reason")._options
                  if isinstance(value, str)}
        assert labels["RC5"] == "RC5  Transferred to services of another local authority"
        assert labels["RC9"] == "RC9  Case closed after assessment, referred to early help"
        assert labels["stepped_down_taf"] == (
            "Stepped down to Team Around the Family (level 3)  (stepped_down_taf; reported as "
            "RC7 Services ceased for any other reason, including child no longer in need)")


async def test_a_child_who_moved_away_closes_with_only_the_items_for_that_reason(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "LC-001", "c", CloseCaseForm)
        form.query_one("#reason").value = "RC5"
        await pilot.pause()
        # Leicestershire asks only for the manager's agreement when the child moved away: no
        # review, safety plan "to sustain outcomes achieved" or step across.
        assert [item[:9] for item in shown_items(form)] == ["Agreement"]
        await tick_all(pilot, form)
        await saved(pilot, form)
        closure = stored_case(caseload_db, "LC-001").closure
        assert (closure.reason, closure.checklist) == ("RC5", {"manager_agreement": True})
