"""Every form shows every problem at once, each next to its field, the first one focused
(issue 12, item 8): not a date problem first and the rest only on the next save."""

from __future__ import annotations

from screens.forms.close import CloseCaseForm
from screens.forms.meeting import CancelMeetingForm

from .helpers import field_error, stored_case
from .test_meeting_forms import open_form
from .test_visit_form import save_and_wait_for_errors, type_into


async def test_closing_with_an_unreadable_date_also_says_what_else_is_missing(caseload_db,
                                                                              new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        form = await open_form(pilot, "LC-001", "c", CloseCaseForm)
        await type_into(pilot, "#date", "31/11/2026")  # November has 30 days
        form.query_one("#step_down_to_early_help").value = True  # and no lead professional
        await save_and_wait_for_errors(pilot)
        assert "not a real date" in field_error(form, "date")
        assert field_error(form, "reason").startswith("✖ choose a reason")
        assert "lead professional" in field_error(form, "lead_professional")
        # With no reason chosen yet, the Leicestershire items asked whatever the reason (the
        # manager's agreement, the review with the family), none ticked: named under the
        # checklist. The items only some reasons need (the safety plan) wait for the reason.
        checklist = field_error(form, "checklist")
        assert "Agreement from the Team Manager/Leader/SSWOP" in checklist
        assert "Safety plan in place" not in checklist
        assert checklist.endswith("before a case is closed with a step-down to Early Help")
        assert form.focused is form.query_one("#date")
        assert stored_case(caseload_db, "LC-001").closure is None


async def test_cancelling_with_an_unreadable_date_also_asks_for_the_reason(caseload_db,
                                                                           new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "CA-001", "x", CancelMeetingForm)
        await type_into(pilot, "#cancelled_on", "yesterday-ish")
        await save_and_wait_for_errors(pilot)
        assert field_error(form, "cancelled_on").startswith("✖ ")
        assert "say why" in field_error(form, "reason")
        assert "booked" in [m.status for m in stored_case(caseload_db, "CA-001").meetings]
