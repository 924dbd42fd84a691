"""load_caseload end to end: database rows -> facts -> the real engine and packs -> rows."""

from __future__ import annotations

from datetime import date

import pytest

from models.caseload import load_case, load_caseload
from models.commands import log_visit, upsert_cases
from models.db import session_scope
from models.errors import CaseNotFound
from models.inputs import CaseInput, ClosureInput, VisitInput
from policies.calendar import WorkingCalendar
from policies.packs import load_policies

TODAY = date(2026, 11, 23)  # Monday


@pytest.fixture(scope="module")
def real_policies():
    return load_policies(None)


@pytest.fixture(scope="module")
def calendar():
    return WorkingCalendar()


def seen(day: date) -> VisitInput:
    return VisitInput(date=day, seen=True, seen_alone=True, childs_voice="ok", location="home")


def case(ref: str, worker: str, *, policy: str = "wirral", visits=(), closure=None) -> CaseInput:
    return CaseInput(ref=ref, name=f"Child {ref}", allocated=date(2026, 1, 5), policy=policy,
                     worker=worker, visits=list(visits), closure=closure)


@pytest.fixture
def caseload_db(engine, real_policies):
    cases = [
        case("OK1", "Sam", visits=[seen(date(2026, 11, 16))]),
        case("LATE", "Sam", visits=[seen(date(2026, 10, 12))]),
        case("JO1", "Jo", visits=[seen(date(2026, 11, 2))]),
        case("SHUT", "Sam", visits=[seen(date(2026, 10, 12))],
             closure=ClosureInput(date(2026, 11, 2), "RC7")),
    ]
    with session_scope(engine) as session:
        upsert_cases(session, cases=cases, actor="setup", policies=real_policies, today=TODAY)
    return engine


def load(engine, policies, calendar, **kwargs):
    with session_scope(engine, write=False) as session:
        return load_caseload(session, policies=policies, calendar=calendar, today=TODAY,
                             **kwargs)


def visit_deadline(row):
    [deadline] = [d for d in row.deadlines if d.rule_id == "wirral.visit"]
    return deadline


def test_visit_deadlines_come_from_the_last_time_the_child_was_seen(
    caseload_db, real_policies, calendar
):
    rows = {row.ref: row for row in load(caseload_db, real_policies, calendar)}
    assert set(rows) == {"OK1", "LATE", "JO1"}  # the closed case is not on the caseload

    # Seen Mon 16 Nov 2026; Wirral: every 20 working days. No bank holidays in Nov/Dec before
    # the 14th: 17-20 Nov (4), 23-27 (9), 30 Nov-4 Dec (14), 7-11 Dec (19), Mon 14 Dec (20).
    # From today (Mon 23 Nov): 24-27 Nov (4) + 30 Nov-4 Dec (9) + 7-11 Dec (14) + 14 Dec = 15.
    ok = visit_deadline(rows["OK1"])
    assert (ok.due, ok.status, ok.countdown, ok.unit) == (
        date(2026, 12, 14), "ok", 15, "working_days")

    # Seen Mon 12 Oct 2026: 13-16 Oct (4), 19-23 (9), 26-30 (14), 2-6 Nov (19), Mon 9 Nov (20).
    # Late by the working days in (9 Nov, 23 Nov]: 10-13 (4), 16-20 (9), 23 (10).
    late = visit_deadline(rows["LATE"])
    assert (late.due, late.status, late.countdown) == (date(2026, 11, 9), "overdue", -10)


def test_rows_are_ordered_by_the_soonest_deadline(caseload_db, real_policies, calendar):
    rows = load(caseload_db, real_policies, calendar)
    dues = [row.next_deadline.due for row in rows]
    assert dues == sorted(dues)
    assert rows[0].ref == "LATE"


def test_one_workers_caseload(caseload_db, real_policies, calendar):
    assert [r.ref for r in load(caseload_db, real_policies, calendar, worker="Jo")] == ["JO1"]


def test_closed_cases_on_request_have_no_deadlines(caseload_db, real_policies, calendar):
    rows = {r.ref: r for r in load(caseload_db, real_policies, calendar, include_closed=True)}
    assert rows["SHUT"].closed and rows["SHUT"].deadlines == ()


def test_a_new_visit_moves_the_deadline(caseload_db, real_policies, calendar):
    with session_scope(caseload_db) as session:
        log_visit(session, ref="LATE", visit=seen(date(2026, 11, 20)), actor="Sam", today=TODAY)
    with session_scope(caseload_db, write=False) as session:
        row = load_case(session, ref="LATE", policies=real_policies, calendar=calendar,
                        today=TODAY)
    # Seen Fri 20 Nov: 23-27 Nov (5), 30 Nov-4 Dec (10), 7-11 (15), 14-18 Dec (20) -> Fri 18 Dec.
    assert visit_deadline(row).due == date(2026, 12, 18)


def test_a_case_whose_pack_is_not_installed_gets_an_error_row(
    caseload_db, real_policies, calendar
):
    without_wirral = {k: v for k, v in real_policies.items() if k != "wirral"}
    rows = load(caseload_db, without_wirral, calendar)
    assert all(row.deadlines == () for row in rows)
    assert rows[0].error == (
        "policy 'wirral' is not installed, so no deadlines can be worked out; known policies: "
        "camden, leicestershire, rochdale, trafford. Add the pack to the settings folder or "
        "change the case's policy."
    )


def test_load_case_for_an_unknown_ref(caseload_db, real_policies, calendar):
    with (session_scope(caseload_db, write=False) as session,
          pytest.raises(CaseNotFound, match="No case with reference 'NOPE'")):
        load_case(session, ref="NOPE", policies=real_policies, calendar=calendar, today=TODAY)
