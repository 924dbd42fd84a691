"""The caseload's default order is defined once, `models.rows.order_key`: cases whose deadlines
could not be worked out first, then by the soonest deadline, then cases with none; ties by ref.

The stored read sorts the first screen of a big caseload in SQL instead, for speed
(`models.stored_deadlines.STORED_ORDER`). These tests hold the two equal on varied rows: many
cases tied on their soonest due date, refs differing only in case, digits or an accent, two
error rows, closed cases with no deadlines, and repeating rules whose current occurrence moves
on the days after the deadlines were stored.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import pytest

from models import commands
from models.caseload import inputs_digest, load_caseload
from models.connection import driver_connection
from models.db import open_database, session_scope
from models.inputs import CaseInput, ClosureInput, VisitInput
from models.rows import caseload_order, order_key
from models.stored import date_from_stored
from models.stored_deadlines import STORED_ORDER, computed_for_key, read_caseload
from policies.calendar import WorkingCalendar
from policies.packs import build_policy, load_policies

TODAY = date(2026, 11, 23)  # a Monday
# A pack with one rule, due a month after allocation and every month after that: its current
# occurrence, so the case's soonest deadline, moves on a month at a time.
MONTHLY = build_policy(tomllib.loads("""
id = "monthly"
name = "Monthly"
[procedure]
title = "Monthly check procedure"
date = "2026"
[[rules]]
id = "check"
kind = "oversight"
label = "Monthly check"
count = 1
unit = "months"
anchor = "allocation"
repeat = { count = 1, unit = "months" }
citation = { section = "1", quote = "checked every month" }
"""), "monthly.toml")
POLICIES = {**load_policies(None), "monthly": MONTHLY}
CALENDAR = WorkingCalendar()
WITHOUT_CAMDEN = {k: v for k, v in POLICIES.items() if k != "camden"}
# Six cases with the same facts, so the same soonest due date: only the ref orders them.
TIED_REFS = ("W-10", "W-9", "W-1", "w-1", "\u00c9-1", "Z-1")


def _case(ref: str, policy: str = "wirral", **fields) -> CaseInput:
    fields.setdefault("allocated", date(2026, 6, 1))
    return CaseInput(ref=ref, name=f"Child {ref}", policy=policy, **fields)


def _closed(ref: str) -> CaseInput:
    checklist = {item.id: True for item in POLICIES["wirral"].closure_checklist}
    return _case(ref, closure=ClosureInput(date(2026, 11, 2), "RC8", note="done",
                                           checklist=checklist))


CASES = [
    *(_case(ref) for ref in TIED_REFS),
    _case("W-20", allocated=date(2026, 9, 1),
          visits=[VisitInput(date(2026, 11, 16), seen_alone=True, childs_voice="fine",
                             location="home")]),
    _case("C-2", "camden"), _case("C-1", "camden"),  # errors without the camden pack
    # Rochdale's quarterly plan clinics repeat (not the soonest deadline of these cases).
    _case("R-1", "rochdale", allocated=date(2026, 4, 1), plan_started=date(2026, 5, 1)),
    _case("R-2", "rochdale", plan_started=date(2026, 8, 14)),
    # The monthly check is these cases' only deadline: their order moves day by day, past
    # W-20 (14 Dec 2026) and the camden cases; M-0 and M-1 always tie.
    _case("M-1", "monthly", allocated=date(2026, 6, 15)),
    _case("M-0", "monthly", allocated=date(2026, 6, 15)),
    _case("M-2", "monthly", allocated=date(2026, 6, 30)),
    _case("M-3", "monthly", allocated=date(2026, 7, 31)),
    _closed("X-2"), _closed("X-1"),  # no deadlines: last, by ref
]


@pytest.fixture
def engine(database):
    engine = open_database(database)
    with session_scope(engine) as session:
        commands.upsert_cases(session, cases=CASES, actor="test", policies=POLICIES,
                              today=TODAY)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("policies", [POLICIES, WITHOUT_CAMDEN], ids=["all packs", "no camden"])
def test_the_sql_order_of_stored_rows_is_order_key(engine, policies):
    key = computed_for_key(inputs_digest(policies, CALENDAR))
    with session_scope(engine) as session:
        load_caseload(session, policies=policies, calendar=CALENDAR, today=TODAY,
                      include_closed=True)  # stores every case's deadlines for `key`
        connection = driver_connection(session.connection())
        stored = connection.execute(
            "SELECT c.ref, d.error, d.first_due FROM cases AS c "
            "JOIN case_deadlines AS d ON d.case_id = c.id WHERE d.computed_for = ? "
            "ORDER BY " + STORED_ORDER, (key,)).fetchall()
    assert len(stored) == len(CASES)
    in_python = sorted(stored, key=lambda r: order_key(
        r[1], date_from_stored(r[2]) if r[2] is not None else None, r[0]))
    assert [r[0] for r in stored] == [r[0] for r in in_python]
    # The rows really are varied: ties on the soonest due date, rows without one...
    firsts = [r[2] for r in stored if r[2] is not None]
    assert len(set(firsts)) < len(firsts)
    assert [r[0] for r in stored][-2:] == ["X-1", "X-2"]
    # ...and, without the camden pack, two error rows first.
    if policies is WITHOUT_CAMDEN:
        assert [(r[0], r[1] is not None) for r in stored[:3]] == [
            ("C-1", True), ("C-2", True), (stored[2][0], False)]


@pytest.mark.no_database("Python's order of refs alone; the SQL orders are compared above")
def test_the_tied_refs_sort_by_code_point_in_both():
    # "W-1" < "W-10" < "W-9" (character by character: "-1" then "0" against "9"), then the
    # lower-case "w-1" (w is U+0077, after Z U+005A), then "É-1" (U+00C9).
    expected = ["W-1", "W-10", "W-9", "Z-1", "w-1", "\u00c9-1"]
    assert sorted(TIED_REFS, key=lambda ref: order_key(None, TODAY, ref)) == expected


@pytest.mark.parametrize("policies", [POLICIES, WITHOUT_CAMDEN], ids=["all packs", "no camden"])
def test_every_first_screen_is_the_start_of_the_whole_caseload_on_later_days(engine, policies):
    key = computed_for_key(inputs_digest(policies, CALENDAR))
    with session_scope(engine) as session:
        load_caseload(session, policies=policies, calendar=CALENDAR, today=TODAY,
                      include_closed=True)
        connection = driver_connection(session.connection())
        # Stored on TODAY; read on the days after without storing again, so the monthly
        # cases' stored soonest due date goes out of date.
        orders = set()
        for days in (0, 1, 7, 8, 22, 30, 38, 69, 70, 100, 160, 250):
            day = TODAY + timedelta(days=days)
            whole = read_caseload(connection, computed_for=key, today=day, calendar=CALENDAR,
                                  include_closed=True)
            assert whole is not None and len(whole) == len(CASES)
            assert whole == sorted(whole, key=caseload_order)
            for limit in range(len(whole) + 1):
                first = read_caseload(connection, computed_for=key, today=day,
                                      calendar=CALENDAR, include_closed=True, limit=limit)
                assert first == whole[:limit], (day, limit)
            orders.add(tuple(row.ref for row in whole))
        assert len(orders) > 3  # the order really moved
