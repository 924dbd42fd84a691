"""`cin due --json` streams: the same items, in the same order and the same text, as the list
built in memory, whichever rung of the read ladder answers, and nothing left on disk."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cin_tui.due_stream import SpilledDueItems
from cin_tui.output import due_items, due_json
from models.rows import CaseloadRow, CaseSummary
from policies.deadlines import Citation, Deadline
from policies.safe_text import safe_json

TODAY = date(2026, 11, 23)


def _row(ref: str, dues: list[tuple[date, str, str]], *, closed: bool = False,
         error: str | None = None) -> CaseloadRow:
    summary = CaseSummary(ref, f"Child {ref}", date(2015, 1, 1), "Sam", "North", "wirral",
                          None, closed, date(2026, 1, 1), None, False, False, None)
    deadlines = tuple(
        Deadline(kind=kind, label=kind, due=due, status="ok", countdown=1, unit="days",
                 rule_id=rule, citation=Citation("doc", "1.1", "text"), basis="b", notes=())
        for due, kind, rule in dues)
    return CaseloadRow(summary, deadlines, error)


def _streamed(rows: list[CaseloadRow], folder: Path, within: int | None = None) -> str:
    out = io.StringIO()
    with SpilledDueItems.collect(rows, today=TODAY, within_days=within, folder=folder) as items:
        items.write_json(out)
    return out.getvalue()


_DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))
_NAMES = st.sampled_from(["visit", "review", "meeting", "é", "Z"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(st.sampled_from(["A-1", "A-2", "B-1", "b-1", "Ä-9"]),
                                st.lists(st.tuples(_DAYS, _NAMES, _NAMES), max_size=4),
                                st.booleans()), max_size=6),
       within=st.none() | st.integers(0, 400))
def test_the_stream_is_the_list_built_in_memory(tmp_path: Path, cases, within) -> None:
    # Equal sort keys (same day, ref, kind and rule) included: they keep the rows' order, as
    # the stable sort of the in-memory list does.
    rows = [_row(ref, dues, closed=closed) for ref, dues, closed in cases]
    expected = safe_json(due_json(due_items(rows, today=TODAY, within_days=within)))
    assert _streamed(rows, tmp_path, within) == expected


def test_nothing_is_left_beside_the_database(tmp_path: Path) -> None:
    rows = [_row("A-1", [(date(2026, 12, 1), "visit", "r")])]
    _streamed(rows, tmp_path)
    assert os.listdir(tmp_path) == []


def test_cases_without_deadlines_are_reported_by_ref(tmp_path: Path) -> None:
    rows = [_row("B-2", [], error="policy 'x' is not installed"),
            _row("A-1", [], error="date out of range")]
    with SpilledDueItems.collect(rows, today=TODAY, within_days=None, folder=tmp_path) as items:
        assert items.problems == [("A-1", "date out of range"),
                                  ("B-2", "policy 'x' is not installed")]


def test_cin_due_json_is_the_same_from_stored_and_from_worked_out_deadlines(cin, db):
    assert cin("demo", "--no-tui").code == 0
    first = cin("due", "--json")   # stores what is missing, then reads it
    second = cin("due", "--json")  # read as stored, plain sqlite3
    assert first.code == second.code == 0
    assert first.out == second.out
    assert len(json.loads(first.out)) > 20  # the demo's open deadlines


def test_a_stream_that_finds_a_stale_case_midway_starts_again_on_the_full_path(cin, db):
    """One case's stored deadlines made stale, as if its facts changed in another copy of cin:
    the first rung reads some cases, meets it, and the stream starts again from the full rung
    (which stores it afresh); the result is the caseload's, once."""
    import sqlite3

    from models.service import CaseloadService

    assert cin("demo", "--no-tui").code == 0
    service = CaseloadService(database=db, settings_dir=None, today=TODAY, actor="test")
    with service:
        expected = due_json(due_items(service.caseload(), today=TODAY))
        assert service.stored_caseload() is not None  # all stored and current
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE case_deadlines SET computed_for = 'stale' WHERE case_id = "
                           "(SELECT max(case_id) FROM case_deadlines)")
    calls = []

    def collect(rows):
        calls.append(1)
        return list(rows)

    with CaseloadService(database=db, settings_dir=None, today=TODAY, actor="test") as service:
        rows = service.over_caseload(collect)
    assert len(calls) == 2
    assert due_json(due_items(rows, today=TODAY)) == expected


_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)


@settings(max_examples=400)
@given(a=st.tuples(_DAYS, _ANY_TEXT, _ANY_TEXT, _ANY_TEXT, st.integers(0, 2**32 - 1)),
       b=st.tuples(_DAYS, _ANY_TEXT, _ANY_TEXT, _ANY_TEXT, st.integers(0, 2**32 - 1)))
def test_the_compact_sort_key_orders_as_the_tuple_does(a, b) -> None:
    # Texts with NUL characters, and one text the start of another, included.
    from cin_tui.due_stream import _sort_key

    assert (_sort_key(*a) < _sort_key(*b)) == (a < b)
    assert (_sort_key(*a) == _sort_key(*b)) == (a == b)
