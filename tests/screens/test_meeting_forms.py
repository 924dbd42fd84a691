"""Meetings: book, record held, record circulated, cancel; valid, invalid and cancelled forms."""

from __future__ import annotations

from screens.forms.meeting import (
    BookMeetingForm,
    CancelMeetingForm,
    CirculatedForm,
    MeetingHeldForm,
)

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
from .test_case_screen import text_of
from .test_visit_form import save_and_wait_for_errors, type_into


async def open_form(pilot, ref: str, key: str, form_type):
    await open_case(pilot, ref)
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, form_type), form_type.__name__)
    return pilot.app.screen


async def saved(pilot, form) -> None:
    await pilot.press("ctrl+s")
    await until(pilot, lambda: pilot.app.screen is not form, "the form to close")
    await case_ready(pilot)


# ----- book -------------------------------------------------------------------------------

async def test_book_a_meeting_with_the_keyboard(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-001", "b", BookMeetingForm)
        # The kind list opens with Enter; the 2nd kind is the initial CIN meeting.
        await pilot.press("enter", "down", "down", "enter")
        assert form.query_one("#kind").value == "initial"
        await pilot.press("tab", *"18/12/2026")
        await saved(pilot, form)
        meeting = stored_case(caseload_db, "WR-001").meetings[-1]
        assert (meeting.kind, meeting.status, meeting.date.isoformat()) == (
            "initial", "booked", "2026-12-18")
        caseload = await caseload_reloaded(pilot)
        # Wirral times the next booked meeting on its date: 23 Nov -> 18 Dec is 7 + 18 days.
        assert column_text(caseload, "WR-001", "Meeting") == "✔ 25 d"


async def test_booking_needs_a_kind_and_a_real_date(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-001", "b", BookMeetingForm)
        await type_into(pilot, "#date", "next tuesday")
        await save_and_wait_for_errors(pilot)
        assert "choose the kind" in field_error(form, "kind")
        assert "is not a date" in field_error(form, "date")
        assert stored_case(caseload_db, "WR-001").meetings == ()


async def test_cancelling_the_booking_form_saves_nothing(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-001", "b", BookMeetingForm)
        before = audit_count(caseload_db)
        form.query_one("#kind").value = "review"
        await type_into(pilot, "#date", "18/12/2026")
        await pilot.press("escape")
        await case_ready(pilot)
        assert stored_case(caseload_db, "WR-001").meetings == ()
        assert audit_count(caseload_db) == before


# ----- held -------------------------------------------------------------------------------

async def test_record_a_booked_meeting_held_and_book_the_next(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-002", "h", MeetingHeldForm)
        # The only booked meeting (review, 3 Dec) is chosen; it was held early, today.
        await type_into(pilot, "#date", "23/11/2026")
        await type_into(pilot, "#chair", "Ann Lee")
        form.query_one("#chair_role").value = "Team manager"
        form.query_one("#family_attended").focus()
        await pilot.press("y")
        await type_into(pilot, "#next_meeting_date", "21/01/2027")
        await saved(pilot, form)
        meetings = stored_case(caseload_db, "WR-002").meetings
        review = next(m for m in meetings if m.kind == "review" and m.status == "held")
        assert (review.date.isoformat(), review.chair, review.chair_role,
                review.family_attended) == ("2026-11-23", "Ann Lee", "Team manager", True)
        booked = [m for m in meetings if m.status == "booked"]
        assert [(m.kind, m.date.isoformat()) for m in booked] == [("review", "2027-01-21")]
        caseload = await caseload_reloaded(pilot)
        # Next meeting 21 Jan 2027: 23 Nov -> 30 Nov 7 days, December 31, January 21 = 59.
        assert column_text(caseload, "WR-002", "Meeting") == "✔ 59 d"


async def test_next_meeting_before_this_one_is_refused(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-002", "h", MeetingHeldForm)
        await type_into(pilot, "#date", "23/11/2026")
        await type_into(pilot, "#next_meeting_date", "20/11/2026")
        await save_and_wait_for_errors(pilot)
        assert "is not after this meeting" in field_error(form, "next_meeting_date")
        assert [m.status for m in stored_case(caseload_db, "WR-002").meetings] == [
            "held", "booked"]


async def test_a_meeting_cannot_be_held_in_the_future(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-002", "h", MeetingHeldForm)
        # The form offers today (the booked 3 Dec is still to come); 3 Dec is refused.
        assert form.query_one("#date").value == "23 Nov 2026"
        await type_into(pilot, "#date", "3 Dec 2026")
        await save_and_wait_for_errors(pilot)
        assert "after today" in field_error(form, "date")


# ----- circulated -------------------------------------------------------------------------

async def test_record_minutes_circulated_clears_the_circulation_countdown(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-002", "m", CirculatedForm)
        assert form.query_one("#date").value == "23 Nov 2026"  # today by default
        await saved(pilot, form)
        initial = next(m for m in stored_case(caseload_db, "WR-002").meetings
                       if m.kind == "initial")
        assert initial.circulated.isoformat() == "2026-11-23"
        caseload = await caseload_reloaded(pilot)
        assert column_text(caseload, "WR-002", "Circulation") == "· —"


async def test_circulated_before_the_meeting_is_refused(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "WR-002", "m", CirculatedForm)
        await type_into(pilot, "#date", "1/11/2026")  # the meeting was on 2 Nov
        await save_and_wait_for_errors(pilot)
        assert "before the meeting (2 Nov 2026)" in field_error(form, "date")
        initial = next(m for m in stored_case(caseload_db, "WR-002").meetings
                       if m.kind == "initial")
        assert initial.circulated is None


# ----- cancel -----------------------------------------------------------------------------

async def test_cancel_a_meeting_and_the_rescheduling_rule_appears(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(160, 80)) as pilot:
        form = await open_form(pilot, "CA-001", "x", CancelMeetingForm)
        await type_into(pilot, "#reason", "Mum in hospital")
        await saved(pilot, form)
        review = next(m for m in stored_case(caseload_db, "CA-001").meetings
                      if m.kind == "review")
        assert (review.status, review.cancel_reason, review.cancelled_on.isoformat()) == (
            "cancelled", "Mum in hospital", "2026-11-23")
        # Camden 10.3: re-held within 14 days of the cancellation: 23 Nov + 14 = Mon 7 Dec.
        deadlines = " ".join(text_of(app.screen, "case-deadlines").split())
        assert "Cancelled review re-held due 7 Dec 2026" in deadlines


async def test_a_cancellation_needs_a_reason(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "CA-001", "x", CancelMeetingForm)
        await save_and_wait_for_errors(pilot)
        assert "say why" in field_error(form, "reason")
        assert "booked" in [m.status for m in stored_case(caseload_db, "CA-001").meetings]


async def test_escape_leaves_the_meeting_booked(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        await open_form(pilot, "CA-001", "x", CancelMeetingForm)
        await type_into(pilot, "#reason", "Mum in hospital")
        await pilot.press("escape")
        await case_ready(pilot)
        assert "booked" in [m.status for m in stored_case(caseload_db, "CA-001").meetings]
