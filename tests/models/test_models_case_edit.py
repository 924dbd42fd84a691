"""Adding a case by hand and editing its details (models/case_edit.py): what is saved, the
audit entry it leaves (only what changed), every problem at once, and that an edit never
touches the case's history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import case_edit
from models.db import session_scope
from models.inputs import CaseInput, VisitInput
from models.queries import audit_log, get_case_detail
from models.tables import Case, Visit, Worker
from models.validation import ValidationFailed
from policies.facts import Frequency

from .conftest import TODAY


def run(engine, command, **kwargs):
    with session_scope(engine) as session:
        return command(session, **kwargs)


def detail(engine, ref):
    with session_scope(engine, write=False) as session:
        return get_case_detail(session, ref)


def entries(engine, ref):
    with session_scope(engine, write=False) as session:
        return audit_log(session, ref)


def new_case(**fields) -> CaseInput:
    fields.setdefault("ref", "N-1")
    fields.setdefault("name", "Amira Hassan")
    fields.setdefault("allocated", date(2026, 11, 2))
    fields.setdefault("policy", "wirral")
    return CaseInput(**fields)


def test_add_case_saves_every_detail_and_audits_it(engine, policies):
    run(engine, case_edit.add_case, policies=policies, actor="Jo", today=TODAY, case=new_case(
        dob=date(2016, 3, 4), worker="  Jo Lantern ", team="North", family="HASSAN",
        disabled=True, visit_every=Frequency(4, "weeks"), plan_started=date(2026, 11, 9),
        complex_plan=True, key_worker_led=True))
    case = detail(engine, "N-1")
    assert (case.summary.worker, case.summary.team, case.summary.family) == (
        "Jo Lantern", "North", "HASSAN")
    assert case.summary.visit_every == "4w" and case.summary.disabled
    assert case.facts.complex_plan and case.facts.key_worker_led
    assert case.plan_started == date(2026, 11, 9)
    [entry] = entries(engine, "N-1")
    assert (entry.action, entry.actor, entry.before) == ("add_case", "Jo", None)
    assert entry.after["worker"] == "Jo Lantern" and entry.after["visit_every"] == "4w"
    assert entry.after["complex_plan"] is True and entry.after["allocated"] == "2026-11-02"


def test_add_case_reports_every_problem_at_once_and_saves_nothing(engine, policies, add_case):
    add_case("N-1")
    with pytest.raises(ValidationFailed) as failed:
        run(engine, case_edit.add_case, policies=policies, actor="Jo", today=TODAY,
            case=new_case(name=" ", policy="nowhere", allocated=date(2026, 12, 1)))
    fields = {e.field for e in failed.value.errors}
    assert fields == {"ref", "name", "policy", "allocated"}
    assert "already exists" in next(e.message for e in failed.value.errors if e.field == "ref")
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_edit_case_changes_only_what_is_given_and_audits_before_and_after(
        engine, policies, add_case):
    add_case("C1", worker="Jo Lantern", team="North", visits=[
        VisitInput(date(2026, 2, 2), seen=True, seen_alone=True, childs_voice="ok")])
    changed = run(engine, case_edit.edit_case, ref="C1", policies=policies, actor="Sam",
                  today=TODAY, changes={"worker": "Sam Reyes", "team": "South",
                                        "visit_every": Frequency(20, "working_days"),
                                        "complex_plan": True, "name": "Child C1"})
    assert changed == ["worker", "team", "visit_every", "complex_plan"]  # the name was the same
    case = detail(engine, "C1")
    assert (case.summary.worker, case.summary.team, case.summary.visit_every) == (
        "Sam Reyes", "South", "20wd")
    assert case.facts.complex_plan and len(case.visits) == 1  # the history is untouched
    entry = entries(engine, "C1")[-1]
    assert entry.action == "edit_case"
    assert entry.before == {"worker": "Jo Lantern", "team": "North", "visit_every": None,
                            "complex_plan": False}
    assert entry.after == {"worker": "Sam Reyes", "team": "South", "visit_every": "20wd",
                           "complex_plan": True}
    with session_scope(engine, write=False) as session:
        # The new worker is known now, with the case's team.
        assert session.exec(select(Worker.team).where(Worker.name == "Sam Reyes")).one() == (
            "South",)
        assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_an_edit_that_changes_nothing_writes_nothing(engine, policies, add_case):
    add_case("C1", worker="Jo Lantern")
    before = len(entries(engine, "C1"))
    assert run(engine, case_edit.edit_case, ref="C1", policies=policies, actor="Jo",
               today=TODAY, changes={"worker": "Jo Lantern"}) == []
    assert len(entries(engine, "C1")) == before


def test_edit_case_is_checked_as_an_import_is(engine, policies, add_case):
    add_case("C1", dob=date(2016, 3, 4))
    with pytest.raises(ValidationFailed) as failed:
        # The plan a month before allocation (5 Jan 2026) and a birth after it: both at once.
        run(engine, case_edit.edit_case, ref="C1", policies=policies, actor="Jo", today=TODAY,
            changes={"plan_started": date(2025, 12, 5), "dob": date(2026, 2, 1)})
    assert {e.field for e in failed.value.errors} == {"plan_started", "dob"}
    assert detail(engine, "C1").plan_started is None


def test_edit_case_refuses_an_unknown_case_and_a_field_it_cannot_change(
        engine, policies, add_case):
    with pytest.raises(ValidationFailed, match="no case with reference"):
        run(engine, case_edit.edit_case, ref="X", policies=policies, actor="Jo", today=TODAY,
            changes={"name": "A"})
    add_case("C1")
    with pytest.raises(ValidationFailed, match="cannot be changed by an edit"):
        run(engine, case_edit.edit_case, ref="C1", policies=policies, actor="Jo", today=TODAY,
            changes={"policy": "leicestershire"})
    assert detail(engine, "C1").summary.policy_id == "wirral"
