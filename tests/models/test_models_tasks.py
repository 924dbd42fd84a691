"""Marking the worker's own tasks done (issue 12, item 3): models.tasks through the service."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import commands
from models.db import open_database, session_scope
from models.inputs import CaseInput, MeetingInput
from models.service import CaseloadService
from models.tables import AuditEntry, TaskCompletion
from models.validation import ValidationFailed
from policies.packs import load_policies

TODAY = date(2026, 12, 14)  # a Monday
POLICIES = load_policies(None)


@pytest.fixture
def service(database):
    path = database
    engine = open_database(path)
    with session_scope(engine) as session:
        commands.upsert_cases(session, actor="t", policies=POLICIES, today=TODAY, cases=[
            # Camden: reviews booked for Mon 11 Jan 2027 and Mon 12 Apr 2027.
            CaseInput(ref="C1", name="Cam", policy="camden", allocated=date(2026, 9, 1),
                      worker="Jo", assessment_completed=date(2026, 9, 28),
                      meetings=[MeetingInput("initial", "held", date(2026, 10, 12)),
                                MeetingInput("review", "booked", date(2027, 1, 11)),
                                MeetingInput("review", "booked", date(2027, 4, 12))]),
            CaseInput(ref="R1", name="Roch", policy="rochdale", allocated=date(2026, 12, 1),
                      worker="Jo"),
        ])
    engine.dispose()
    with CaseloadService(database=path, settings_dir=None, today=TODAY, actor="Jo") as service:
        yield service


def _open(service, ref, rule_id):
    return [d.due for d in service.case_row(ref).deadlines if d.rule_id == rule_id]


def _rows(service) -> tuple[int, int]:
    with session_scope(service.engine, write=False) as session:
        return (session.scalar(select(func.count()).select_from(TaskCompletion)),
                session.scalar(select(func.count()).select_from(AuditEntry)))


def test_invitations_marked_done_close_the_earliest_review_and_leave_the_next(service):
    # 10 WD before Mon 11 Jan 2027 -> Wed 23 Dec 2026; before Mon 12 Apr 2027 -> Thu 25 Mar
    # 2027 (both worked in tests/policies/test_tasks_and_milestones.py).
    assert _open(service, "C1", "camden.invitations") == [date(2026, 12, 23), date(2027, 3, 25)]
    service.complete_task(ref="C1", rule="invitations", done=date(2026, 12, 11),
                          note="Sent by post and email")
    assert _open(service, "C1", "camden.invitations") == [date(2027, 3, 25)]
    entry = service.audit_entries("C1", newest_first=True, limit=1)[0]
    assert entry.action == "complete_task"
    assert entry.summary == ("Task done on 11 Dec 2026: Invitation letters sent for the review "
                             "(due 23 Dec 2026)")
    assert entry.after is not None and entry.after["due"] == "2026-12-23"


def test_a_chosen_occurrence_and_a_qualified_rule_id(service):
    service.complete_task(ref="C1", rule="Camden.Invitations", done=date(2026, 12, 14),
                          due=date(2027, 3, 25))
    assert _open(service, "C1", "camden.invitations") == [date(2026, 12, 23)]


def test_withdrawn_it_is_open_again_and_the_row_is_kept(service):
    completion = service.complete_task(ref="C1", rule="invitations", done=date(2026, 12, 11))
    service.withdraw_task_completion(completion_id=completion, reason="Letters not sent yet")
    assert _open(service, "C1", "camden.invitations") == [date(2026, 12, 23), date(2027, 3, 25)]
    with session_scope(service.engine, write=False) as session:
        row = session.get(TaskCompletion, completion)
        assert row is not None
        assert (row.withdrawn_on, row.withdrawn_reason) == (TODAY, "Letters not sent yet")


def test_every_problem_at_once_and_nothing_saved(service):
    before = _rows(service)
    with pytest.raises(ValidationFailed) as caught:
        service.complete_task(ref="C1", rule="invitations", done=date(2026, 12, 15),
                              due=date(2027, 1, 4), note="bad\x1b[2J")
    fields = [e.field for e in caught.value.errors]
    assert fields == ["done", "note", "due"]
    assert "15 Dec 2026 is after today (14 Dec 2026)" in caught.value.errors[0].message
    assert "open ones are due 23 Dec 2026 or 25 Mar 2027" in caught.value.errors[2].message
    with pytest.raises(ValidationFailed) as caught:
        service.complete_task(ref="C1", rule="invitations", done=date(2026, 8, 31))
    assert "before the case was allocated (1 Sep 2026)" in str(caught.value)
    assert _rows(service) == before


def test_an_oversight_point_is_refused_saying_a_managers_note_clears_it(service):
    with pytest.raises(ValidationFailed) as caught:
        service.complete_task(ref="R1", rule="checkpoint_1", done=date(2026, 12, 7))
    message = str(caught.value)
    assert "rochdale.checkpoint_1" in message
    assert "a manager's oversight note clears it" in message


def test_a_visit_or_an_unknown_rule_is_refused_naming_the_worker_tasks(service):
    with pytest.raises(ValidationFailed) as caught:
        service.complete_task(ref="C1", rule="visit", done=date(2026, 12, 7))
    assert "is met by recording what it asks for" in str(caught.value)
    assert "worker tasks: invitations, assessment_report" in str(caught.value)
    with pytest.raises(ValidationFailed) as caught:
        service.complete_task(ref="C1", rule="letters", done=date(2026, 12, 7))
    assert "'letters' is not a rule of the camden pack" in str(caught.value)


def test_nothing_open_to_mark_done(service):
    # Rochdale's genogram follows the first visit where the child was seen: none yet.
    with pytest.raises(ValidationFailed) as caught:
        service.complete_task(ref="R1", rule="safety_plan_genogram", done=date(2026, 12, 7))
    assert "has no open deadline on this case" in str(caught.value)
