"""Mark one of the worker's own tasks done from the case screen (issue 12, item 3), and see
milestones overtaken as history in the timeline (item 5)."""

from __future__ import annotations

from datetime import date

from models.inputs import CaseInput, MeetingInput
from screens.forms.task_done import TaskDoneForm

from .helpers import (
    audit_count,
    case_ready,
    field_error,
    open_case,
    stored_case,
    until,
    widget_text,
)
from .test_meeting_forms import open_form, saved
from .test_visit_form import save_and_wait_for_errors, type_into

# Today is Mon 23 Nov 2026. Camden reviews booked Mon 14 Dec 2026 and Mon 15 Mar 2027:
# invitations 10 WD before -> Mon 30 Nov 2026 and Mon 1 Mar 2027 (tests/cli/test_done.py);
# the assessment report 2 WD before 14 Dec -> 11 (1), Thu 10 Dec 2026 (2).
CAMDEN = CaseInput(
    ref="CA-001", name="Cam Den", dob=date(2016, 1, 1), worker="Sam Patel", team="North",
    policy="camden", allocated=date(2026, 9, 1), assessment_completed=date(2026, 9, 28),
    meetings=[MeetingInput("initial", "held", date(2026, 10, 12), circulated=date(2026, 10, 20)),
              MeetingInput("review", "booked", date(2026, 12, 14)),
              MeetingInput("review", "booked", date(2027, 3, 15))])
# Rochdale, allocated Mon 2 Mar 2026, plan started 20 Apr 2026: Checkpoint 1 was due WD 5,
# Mon 9 Mar 2026 (3, 4, 5, 6, 9 Mar).
ROCHDALE = CaseInput(
    ref="RO-001", name="Roch Dale", dob=date(2016, 1, 1), worker="Sam Patel", team="North",
    policy="rochdale", allocated=date(2026, 3, 2), assessment_completed=date(2026, 4, 10),
    plan_started=date(2026, 4, 20))


def _task_options(form: TaskDoneForm) -> list[str]:
    return [str(label) for label, _ in form.query_one("#task")._options if label]


async def test_mark_the_invitations_done_with_the_date_defaulting_to_today(make_database,
                                                                           new_app):
    db = make_database([CAMDEN])
    app = new_app(db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "CA-001", "d", TaskDoneForm)
        assert _task_options(form)[:3] == [
            "Invitation letters sent for the review, due 30 Nov 2026",
            "Updated assessment report made available to family and professionals, due 10 Dec "
            "2026",
            "Invitation letters sent for the review, due 1 Mar 2027",
        ]
        assert form.query_one("#done").value == "23 Nov 2026"
        await type_into(pilot, "#note", "Posted to both parents")
        await saved(pilot, form)
        task = stored_case(db, "CA-001").facts.tasks_done
        assert [(t.rule_id, t.due, t.done) for t in task] == [
            ("camden.invitations", date(2026, 11, 30), date(2026, 11, 23))]
        screen = await case_ready(pilot)
        await until(pilot, lambda: not any(d.due == date(2026, 11, 30)
                                           for d in screen.case_row.deadlines), "the reload")
        timeline = " ".join(widget_text(screen.query_one("#case-timeline")).split())
        assert "Task done" in timeline
        assert "Invitation letters sent for the review (due 30 Nov 2026)" in timeline


async def test_a_future_date_is_refused_next_to_its_field_and_nothing_saved(make_database,
                                                                            new_app):
    db = make_database([CAMDEN])
    app = new_app(db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, "CA-001", "d", TaskDoneForm)
        form.query_one("#done").value = ""
        await type_into(pilot, "#done", "24/11/2026")
        before = audit_count(db)
        await save_and_wait_for_errors(pilot)
        assert "24 Nov 2026 is after today (23 Nov 2026)" in field_error(form, "done")
        assert audit_count(db) == before


async def test_no_task_of_the_workers_open_says_so(make_database, new_app):
    db = make_database([ROCHDALE])
    app = new_app(db)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_case(pilot, "RO-001")
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is screen  # no form: a notification says why
        # Checkpoint 1 is history: in the timeline as missed, not among the deadlines.
        timeline = " ".join(widget_text(screen.query_one("#case-timeline")).split())
        assert "Missed" in timeline
        assert "CIN Checkpoint 1: manager's oversight case note: due 9 Mar 2026" in timeline
        assert "rochdale.checkpoint_1" not in {d.rule_id for d in screen.case_row.deadlines}
