"""Holding the initial CIN meeting starts the plan (issue 12, item 4)."""

from __future__ import annotations

from datetime import date

from models import commands
from models.db import session_scope
from models.queries import audit_log

from .conftest import TODAY
from .test_models_commands import detail, refused, run


def book(engine, kind: str = "initial", when: date = date(2026, 11, 16)) -> int:
    return run(engine, commands.book_meeting, ref="C1", kind=kind, date=when, actor="Sam",
               today=TODAY)


def hold(engine, meeting_id: int, when: date = date(2026, 11, 17), **fields) -> None:
    run(engine, commands.record_meeting_held, meeting_id=meeting_id, date=when, chair=None,
        chair_role=None, family_attended=None, actor="Sam", today=TODAY, **fields)


def entries(engine, action: str):
    with session_scope(engine, write=False) as session:
        return [e for e in audit_log(session, "C1") if e.action == action]


def test_the_initial_meeting_held_starts_the_plan_on_its_date(engine, add_case):
    add_case("C1")
    hold(engine, book(engine))
    assert detail(engine).plan_started == date(2026, 11, 17)
    [entry] = entries(engine, "set_plan_started")
    assert entry.summary == "Plan start recorded as 17 Nov 2026 (the initial CIN meeting's date)"
    assert (entry.before, entry.after) == ({"plan_started": None},
                                           {"plan_started": "2026-11-17"})


def test_a_plan_start_given_with_the_meeting_is_recorded(engine, add_case):
    add_case("C1")
    hold(engine, book(engine), plan_started=date(2026, 11, 18))
    assert detail(engine).plan_started == date(2026, 11, 18)
    assert [e.summary for e in entries(engine, "set_plan_started")] == [
        "Plan start recorded as 18 Nov 2026"]


def test_a_plan_start_already_recorded_is_kept(engine, add_case):
    add_case("C1", plan_started=date(2026, 10, 1))
    hold(engine, book(engine))
    assert detail(engine).plan_started == date(2026, 10, 1)
    assert entries(engine, "set_plan_started") == []


def test_a_review_held_leaves_the_plan_start_alone(engine, add_case):
    add_case("C1")
    hold(engine, book(engine, "review"))
    assert detail(engine).plan_started is None


def test_a_plan_start_before_allocation_is_refused_with_every_other_problem(engine, add_case):
    add_case("C1")  # allocated 5 Jan 2026
    meeting_id = book(engine)
    assert refused(engine, commands.record_meeting_held, meeting_id=meeting_id,
                   date=date(2026, 11, 30), chair=None, chair_role=None, family_attended=None,
                   plan_started=date(2025, 12, 1), actor="Sam", today=TODAY) == [
        "date: 30 Nov 2026 is after today (23 Nov 2026); only a booked meeting can be in the "
        "future: book it, or correct the date",
        "plan_started: 1 Dec 2025 is before the case was allocated (5 Jan 2026); the plan "
        "starts on or after its allocation (5 Jan 2026 or later is accepted)",
    ]
    assert detail(engine).plan_started is None
