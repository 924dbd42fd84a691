"""The held form: the plan starts at the initial meeting, and the chair's role is chosen from
the pack's roles (issue 12, items 4 and 8)."""

from __future__ import annotations

from datetime import date

import pytest

from models.inputs import CaseInput, MeetingInput
from screens.forms.meeting import MeetingHeldForm

from .conftest import fixture_cases
from .helpers import field_error, open_case, stored_case, until
from .test_case_screen import text_of
from .test_meeting_forms import open_form, saved
from .test_visit_form import save_and_wait_for_errors, type_into


@pytest.fixture
def initial_booked_db(make_database):
    """WR-010: a Wirral case with its initial CIN meeting booked for Fri 20 Nov 2026 and no
    plan start recorded."""
    return make_database([*fixture_cases(), CaseInput(
        ref="WR-010", name="Gus Hale", dob=date(2016, 4, 4), worker="Sam Patel",
        team="North", policy="wirral", allocated=date(2026, 9, 1),
        meetings=[MeetingInput(kind="initial", status="booked", date=date(2026, 11, 20))],
    )])


def role_choices(form: MeetingHeldForm) -> list[str]:
    return [str(label) for label, _ in form.query_one("#chair_role")._options[1:]]


async def test_the_initial_meeting_offers_its_date_as_the_plan_start(initial_booked_db, new_app):
    app = new_app(initial_booked_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-010", "h", MeetingHeldForm)
        plan = form.query_one("#plan_started")
        assert form.query_one(".plan-started").display
        assert plan.value == "20 Nov 2026"  # the meeting's date, as no plan start is recorded
        assert "No plan start is recorded yet" in str(
            form.query_one(".plan-started .field-hint").render())
        # Held a day earlier than booked: the plan start offered follows.
        await type_into(pilot, "#date", "19/11/2026")
        assert plan.value == "19/11/2026"
        form.query_one("#chair_role").value = "Team manager"
        await saved(pilot, form)
        case = stored_case(initial_booked_db, "WR-010")
        assert case.plan_started == date(2026, 11, 19)
        assert case.meetings[0].chair_role == "Team manager"


async def test_a_plan_start_typed_by_the_worker_is_kept(initial_booked_db, new_app):
    app = new_app(initial_booked_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-010", "h", MeetingHeldForm)
        await type_into(pilot, "#plan_started", "18/11/2026")
        await type_into(pilot, "#date", "19/11/2026")  # no longer follows: typed by hand
        assert form.query_one("#plan_started").value == "18/11/2026"
        await saved(pilot, form)
        assert stored_case(initial_booked_db, "WR-010").plan_started == date(2026, 11, 18)


async def test_a_review_does_not_ask_for_the_plan_start(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-002", "h", MeetingHeldForm)
        await pilot.pause()
        assert not form.query_one(".plan-started").display
        await saved(pilot, form)
        assert stored_case(caseload_db, "WR-002").plan_started is None


async def test_the_chair_role_is_a_choice_of_the_packs_roles(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-002", "h", MeetingHeldForm)
        # Wirral 2.11: the second review is chaired by a team manager or advanced practitioner.
        assert role_choices(form) == ["Team manager", "Advanced practitioner", "Social worker",
                                      "Other (type the role)"]
        assert not form.query_one(".chair-role-other").display
        form.query_one("#chair_role").value = "other"
        await pilot.pause()
        assert form.query_one(".chair-role-other").display
        await save_and_wait_for_errors(pilot)
        assert "type the chair's role" in field_error(form, "chair_role_other")
        await type_into(pilot, "#chair_role_other", "Independent chair")
        await saved(pilot, form)
        review = next(m for m in stored_case(caseload_db, "WR-002").meetings
                      if m.kind == "review")
        assert (review.status, review.chair_role) == ("held", "Independent chair")


async def test_an_imported_chair_role_is_shown_as_written(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_case(pilot, "WR-002")
        await until(pilot, lambda: screen.case_detail is not None, "the case")
        # WR-002's initial meeting came in with the role "Team Manager", as written.
        assert stored_case(caseload_db, "WR-002").meetings[0].chair_role == "Team Manager"
        assert "chair Ann Lee (Team Manager)" in text_of(screen, "case-timeline")


async def test_the_case_screen_says_the_plan_counts_from_the_initial_meeting(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_case(pilot, "WR-002")
        await until(pilot, lambda: screen.case_detail is not None, "the case")
        # WR-002 has its initial meeting held on 2 Nov 2026 and no plan start recorded.
        assert "Plan started       2 Nov 2026 (initial meeting)" in text_of(
            screen, "case-facts")
        # Wirral 2.11's Group Manager review: 2 Nov 2026 + 24 weeks (168 days): to 30 Nov 28,
        # 31 Dec 59, 31 Jan 90, 28 Feb 118, 31 Mar 149, then 19 more -> Mon 19 Apr 2027.
        deadlines = text_of(screen, "case-deadlines")
        gm_review = deadlines[deadlines.index("Plan over 24 weeks"):]
        assert "due 19 Apr 2027" in gm_review.splitlines()[0]
