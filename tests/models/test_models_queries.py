"""Reads: plain values out, a fixed number of queries however big the caseload."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import event

from models.commands import add_oversight_note, upsert_cases
from models.db import session_scope
from models.errors import CaseNotFound
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.queries import (
    audit_log,
    case_facts,
    get_case_detail,
    list_cases,
    list_workers,
    siblings_of,
)
from policies.facts import CaseFacts, MeetingFact, VisitFact

TODAY = date(2026, 11, 23)


def family_case(ref: str, family: str | None, worker: str = "Sam", closed: bool = False):
    return CaseInput(
        ref=ref, name=f"Child {ref}", allocated=date(2026, 1, 5), policy="wirral",
        worker=worker, family=family,
        visits=[VisitInput(date(2026, 11, 2), seen=True, seen_alone=False,
                           not_alone_reason="baby", recorded=date(2026, 11, 3))],
        meetings=[MeetingInput("review", "booked", date(2026, 12, 1)),
                  MeetingInput("initial", "held", date(2026, 2, 2))],
        closure=ClosureInput(date(2026, 11, 20), "RC7") if closed else None,
    )


def fill(engine, policies, cases):
    with session_scope(engine) as session:
        upsert_cases(session, cases=cases, actor="Sam", policies=policies, today=TODAY)


def count_statements(engine, read):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with session_scope(engine, write=False) as session:
            read(session)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_case_facts_builds_engine_input_sorted_by_date(engine, policies):
    fill(engine, policies, [family_case("C1", "F1")])
    with session_scope(engine, write=False) as session:
        [(summary, facts)] = case_facts(session)
    assert isinstance(facts, CaseFacts)
    assert summary.ref == facts.ref == "C1"
    assert facts.visits == (VisitFact(date(2026, 11, 2), True, False, date(2026, 11, 3)),)
    assert facts.meetings == (  # by date, not by the order they were imported
        MeetingFact("initial", "held", date(2026, 2, 2)),
        MeetingFact("review", "booked", date(2026, 12, 1)),
    )


def test_case_facts_uses_the_same_few_queries_for_any_number_of_cases(engine, policies):
    fill(engine, policies, [family_case("A1", None)])
    few = count_statements(engine, case_facts)
    fill(engine, policies, [family_case(f"B{n}", None) for n in range(30)])
    assert count_statements(engine, case_facts) == few <= 8


def test_results_are_plain_values(engine, policies):
    fill(engine, policies, [family_case("C1", "F1")])
    with session_scope(engine, write=False) as session:
        detail = get_case_detail(session, "C1")
    for value in (detail, detail.summary, detail.visits[0], detail.meetings[0]):
        assert dataclasses.is_dataclass(value)
    with pytest.raises(dataclasses.FrozenInstanceError):
        detail.summary.name = "changed"  # type: ignore[misc]


def test_closed_cases_and_one_workers_cases(engine, policies):
    fill(engine, policies, [family_case("C1", None), family_case("C2", None, closed=True),
                            family_case("C3", None, worker="Jo")])
    with session_scope(engine, write=False) as session:
        assert [c.ref for c in list_cases(session)] == ["C1", "C3"]
        assert [c.ref for c in list_cases(session, include_closed=True)] == ["C1", "C2", "C3"]
        assert [c.ref for c in list_cases(session, worker="Jo")] == ["C3"]
        closed = get_case_detail(session, "C2")
        assert (closed.summary.closed, closed.summary.closure_date) == (True, date(2026, 11, 20))
        assert [(w.name, w.open_cases) for w in list_workers(session)] == [("Jo", 1), ("Sam", 1)]


def test_siblings_are_the_other_open_children_of_the_family(engine, policies):
    fill(engine, policies, [family_case("C1", "F1"), family_case("C2", "F1"),
                            family_case("C3", "F1", closed=True), family_case("C4", "F2"),
                            family_case("C5", None)])
    with session_scope(engine, write=False) as session:
        assert [c.ref for c in siblings_of(session, "C1")] == ["C2"]
        assert siblings_of(session, "C5") == []
        with pytest.raises(CaseNotFound):
            siblings_of(session, "NOPE")


def test_case_detail_includes_oversight(engine, policies):
    fill(engine, policies, [family_case("C1", "F1")])
    with session_scope(engine) as session:
        add_oversight_note(session, ref="C1", author="Jo", decision="Keep open",
                           rationale="Still in need", actions=[("Visit", "Sam", TODAY)],
                           cleared_flags=[], today=TODAY)
    with session_scope(engine, write=False) as session:
        [note] = get_case_detail(session, "C1").oversight_notes
        with pytest.raises(CaseNotFound, match="No case with reference 'X'"):
            get_case_detail(session, "X")
    assert (note.decision, [a.description for a in note.actions]) == ("Keep open", ["Visit"])


def test_audit_log_for_one_case_in_order(engine, policies):
    fill(engine, policies, [family_case("C1", None), family_case("C2", None)])
    with session_scope(engine) as session:
        add_oversight_note(session, ref="C1", author="Jo", decision="d", rationale="r",
                           today=TODAY)
    with session_scope(engine, write=False) as session:
        assert [e.action for e in audit_log(session, "C1")] == ["import", "add_oversight_note"]
        assert [e.case_ref for e in audit_log(session)] == ["C1", "C2", "C1"]
        [newest] = audit_log(session, newest_first=True, limit=1)
    assert newest.action == "add_oversight_note"
    assert newest.at.tzinfo is not None  # UTC
