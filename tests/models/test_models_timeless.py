"""Deadlines stored independent of today (issue 11, item 2).

What is stored for a case is `policies.engine.plan_deadlines`' answer; what a read gives on any
day is `policies.today.deadlines_for_today` of it, with the working days stored beside the key.
These tests prove that equals a fresh `compute_deadlines` for that day, whatever the day, and
that a row written on one day is read (not worked out again) on the next ones. Hand-worked
dates have their reasoning in a comment; the rest compare against the engine.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models import commands
from models.caseload import load_caseload
from models.connection import driver_connection
from models.db import open_database, session_scope
from models.inputs import CaseInput, VisitInput
from models.location import DatabaseLocation
from models.stored_deadlines import (
    _Decoder,
    computed_for_settings,
    decode_days_off,
    encode_days_off,
    encode_planned,
    fast_caseload,
    read_caseload,
    settings_inputs_key,
)
from models.validation import ValidationFailed
from policies.calendar import OutsideKnownDays, WorkingCalendar, load_calendar
from policies.dates import parse_frequency
from policies.engine import compute_deadlines, plan_deadlines
from policies.packs import load_policies
from policies.today import deadlines_for_today

from .test_models_bounds_properties import facts_of, plausible_case_inputs

POLICIES = load_policies(None)
CALENDAR = WorkingCalendar()
STORED_DAYS = decode_days_off(encode_days_off(CALENDAR))
# Every rule id and the dates a manager's note may clear one occurrence of.
RULE_IDS = sorted({rule.qualified_id for p in POLICIES.values() for rule in p.rules}
                  | {rule.id for p in POLICIES.values() for rule in p.rules})

# Days where a wrong count shows first: bank holidays and the days around them (Christmas,
# New Year, Easter, May and August), month ends, weekends; and any day at all.
_DAYS_OFF = [date.fromordinal(o) for o in CALENDAR.non_working_weekdays(1995, 2095)]
_AROUND_A_DAY_OFF = st.builds(lambda d, n: d + timedelta(days=n),
                              st.sampled_from(_DAYS_OFF), st.integers(-4, 4))
_MONTH_END = st.builds(lambda y, m, n: date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=n),
                       st.integers(1995, 2094), st.integers(1, 12), st.integers(0, 2))
ANY_DAY = st.one_of(_AROUND_A_DAY_OFF, _MONTH_END,
                    st.dates(min_value=date(1992, 1, 1), max_value=date(2099, 12, 31)))


def _read_back(planned):
    """What a read gets back from the stored text."""
    return _Decoder().decode(encode_planned(planned))


def _outcome(work):
    try:
        return ("deadlines", work())
    except OutsideKnownDays:
        raise
    except Exception as error:  # both paths must fail alike
        return ("error", type(error).__name__, str(error))


@st.composite
def facts_and_days(draw):
    """A plausible case (with a recorded visiting frequency, cleared flags and a supervision
    date sometimes), the day its planned deadlines were stored, and a later (or earlier) day."""
    written = draw(st.dates(min_value=date(1996, 1, 1), max_value=date(2090, 12, 31)))
    facts = facts_of(draw(plausible_case_inputs(written)))
    cleared = set(draw(st.lists(st.sampled_from(RULE_IDS), max_size=2)))
    for _ in range(draw(st.integers(0, 3))):  # occurrences cleared one by one
        rule = draw(st.sampled_from(RULE_IDS))
        on = facts.allocated + timedelta(days=draw(st.integers(0, 900)))
        cleared.add(f"{rule}@{on.isoformat()}")
    events = {}
    if draw(st.booleans()):
        events["supervision"] = facts.allocated + timedelta(days=draw(st.integers(0, 400)))
    facts = dataclasses.replace(
        facts, policy_id=draw(st.sampled_from(sorted(POLICIES))),
        visit_every=draw(st.none()
                         | st.sampled_from(["10wd", "4w", "1m", "6w"]).map(parse_frequency)),
        cleared_flags=frozenset(cleared), events=events,
        key_worker_led=draw(st.booleans()),
    )
    return facts, written, draw(ANY_DAY)


@pytest.mark.no_database("the stored text against the engine, in memory; the database tests "
                         "follow")
@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=facts_and_days(), amber=st.integers(0, 15))
def test_what_is_stored_gives_the_engine_s_answer_on_any_day(case, amber):
    facts, _written, today = case
    policy = POLICIES[facts.policy_id]
    fresh = _outcome(lambda: compute_deadlines(facts, policy, CALENDAR, today,
                                               amber_working_days=amber))
    try:
        planned = plan_deadlines(facts, policy, CALENDAR)
    except Exception as error:  # stored as the case's error, whatever the day
        assert fresh == ("error", type(error).__name__, str(error))
        return
    if planned is None:
        assert fresh == ("deadlines", [])
        return
    try:
        stored = _outcome(lambda: deadlines_for_today(_read_back(planned), today, STORED_DAYS,
                                                      amber_working_days=amber))
    except OutsideKnownDays:
        # The read takes the full path (never a wrong answer): only when a count reaches
        # beyond the days off stored (1990-2100).
        reached = [today, *(p.due for p in planned),
                   *(p.repeat.anchor for p in planned if p.repeat is not None)]
        assert not all(STORED_DAYS.covers(d) for d in reached)
        return
    assert stored == fresh


@pytest.mark.no_database("the stored days off against the engine, in memory")
def test_a_day_beyond_the_stored_days_off_asks_for_the_full_path():
    # A Wirral case has working-day deadlines: counting to them from a day in 2101 needs days
    # off the stored table (1990-2100) does not hold; the full path loads them.
    facts = facts_of(CaseInput(ref="P1", name="Pat", policy="wirral",
                               allocated=date(2026, 11, 2)))
    planned = plan_deadlines(facts, POLICIES["wirral"], CALENDAR)
    assert planned
    with pytest.raises(OutsideKnownDays):
        deadlines_for_today(planned, date(2101, 1, 5), STORED_DAYS)
    assert compute_deadlines(facts, POLICIES["wirral"], CALENDAR, date(2101, 1, 5))


# --- through the database: written one day, read on others ---------------------------------


def _import(engine, *cases: CaseInput, today: date) -> None:
    with session_scope(engine) as session:
        commands.upsert_cases(session, cases=list(cases), actor="test", policies=POLICIES,
                              today=today)


def _stored(engine) -> list[tuple[int, int, str]]:
    with session_scope(engine, write=False) as session:
        connection = session.connection().connection.driver_connection
        return sorted(connection.execute("SELECT case_id, batch, deadlines FROM case_deadlines"))


class _Caseload:
    """A database (an SQLite file or a PostgreSQL database) and a settings folder: `full` is
    the read that stores, `fast` the read of what is stored only (the first rung)."""

    def __init__(self, folder: Path, database: DatabaseLocation) -> None:
        self.settings_dir = folder / "settings"
        self.settings_dir.mkdir(exist_ok=True)
        self.database = database
        self.engine = open_database(database)

    def full(self, today: date, amber: int = 5):
        with session_scope(self.engine) as session:
            return load_caseload(
                session, policies=load_policies(self.settings_dir),
                calendar=load_calendar(self.settings_dir), today=today, include_closed=True,
                amber_working_days=amber, settings_inputs=settings_inputs_key(self.settings_dir))

    def fast(self, today: date, amber: int = 5, limit: int | None = None):
        if isinstance(self.database, Path):  # plain sqlite3 on the file
            return fast_caseload(self.database, self.settings_dir, today=today,
                                 amber_working_days=amber, include_closed=True, limit=limit)
        # A team server: the same reader of stored rows, in one read-only transaction through
        # the engine, loading neither the packs nor the calendar.
        with session_scope(self.engine, write=False) as session:
            connection = driver_connection(session.connection())
            found = computed_for_settings(connection, settings_inputs_key(self.settings_dir))
            if found is None:
                return None
            computed_for, days = found
            return read_caseload(connection, computed_for=computed_for, today=today,
                                 calendar=days, amber_working_days=amber,
                                 include_closed=True, limit=limit)

    def fresh(self, today: date, amber: int = 5):
        """ref -> deadlines straight from the engine."""
        from models.queries import case_facts

        with session_scope(self.engine, write=False) as session:
            return {summary.ref: tuple(sorted(compute_deadlines(
                        facts, POLICIES[summary.policy_id], CALENDAR, today,
                        amber_working_days=amber), key=lambda d: d.due))
                    for summary, facts in case_facts(session, include_closed=True)}


@pytest.fixture
def caseload(tmp_path, database):
    made = _Caseload(tmp_path, database)
    yield made
    made.engine.dispose()


def _one(rows, ref: str, rule_id: str):
    [row] = [row for row in rows if row.ref == ref]
    [deadline] = [d for d in row.deadlines if d.rule_id == rule_id]
    return deadline


def test_a_visit_stored_before_christmas_counts_down_on_each_later_day(caseload):
    # Seen Fri 18 Dec 2026 + 20 working days = Wed 20 Jan 2027 (tests/policies/test_wirral.py:
    # 25 and 28 Dec and 1 Jan are bank holidays). Stored on Wed 23 Dec 2026.
    _import(caseload.engine, CaseInput(ref="W1", name="Pat", policy="wirral",
                                       allocated=date(2026, 11, 2),
                                       visits=[VisitInput(date(2026, 12, 18))]),
            today=date(2026, 12, 23))
    caseload.full(date(2026, 12, 23))
    written = _stored(caseload.engine)
    # Thu 24 Dec: working days in (24 Dec, 20 Jan]: 29-31 Dec (3), 4-8 Jan (8), 11-15 (13),
    # 18-20 (16) -> 16, more than the amber window's 5: ok.
    # Tue 29 Dec: 30-31 Dec (2), 4-8 Jan (7), 11-15 (12), 18-20 (15) -> 15: ok.
    # Wed 13 Jan: 14, 15, 18, 19, 20 Jan -> 5, within the amber window: due_soon.
    # Wed 20 Jan: 0, due today: due_soon. Thu 21 Jan: minus the working days in [20 Jan,
    # 21 Jan) -> -1: overdue.
    for today, countdown, status in [(date(2026, 12, 24), 16, "ok"),
                                     (date(2026, 12, 29), 15, "ok"),
                                     (date(2027, 1, 13), 5, "due_soon"),
                                     (date(2027, 1, 20), 0, "due_soon"),
                                     (date(2027, 1, 21), -1, "overdue")]:
        visit = _one(caseload.fast(today), "W1", "wirral.visit")
        assert (visit.due, visit.countdown, visit.unit, visit.status) == (
            date(2027, 1, 20), countdown, "working_days", status), today
    assert _stored(caseload.engine) == written  # read, never worked out again


def test_a_repeating_rule_moves_to_the_current_occurrence_when_read(caseload):
    # Leicestershire supervision: 2 months after the last supervision, or the allocation when
    # none is recorded, then every 2 months. Allocated Mon 2 Nov 2026: occurrences due
    # Sat 2 Jan 2027 (2 months), Tue 2 Mar 2027 (4 months), Sun 2 May 2027 (6 months).
    _import(caseload.engine, CaseInput(ref="L1", name="Sam", policy="leicestershire",
                                       allocated=date(2026, 11, 2)), today=date(2026, 11, 23))
    caseload.full(date(2026, 11, 23))
    written = _stored(caseload.engine)
    rule = "leicestershire.supervision"
    # Fri 1 Jan 2027: none due yet, so the first: 2 Jan 2027, 1 day left (a monthly rule
    # counts down in calendar days).
    first = _one(caseload.fast(date(2027, 1, 1)), "L1", rule)
    assert (first.due, first.countdown, first.flag_id) == (
        date(2027, 1, 2), 1, f"{rule}@2027-01-02")
    # Thu 4 Mar 2027: the latest due by then is 2 Mar 2027 (it overtakes 2 Jan): 2 days late.
    later = _one(caseload.fast(date(2027, 3, 4)), "L1", rule)
    assert (later.due, later.countdown, later.status, later.flag_id) == (
        date(2027, 3, 2), -2, "overdue", f"{rule}@2027-03-02")
    assert later.basis.startswith("4 months after ")
    assert later.basis.endswith("(2 months, then every 2 months)")
    assert _stored(caseload.engine) == written
    # The full path on that day gives the same, and works nothing out again (the stored
    # order is brought up to the day from what is stored).
    assert caseload.full(date(2027, 3, 4)) == caseload.fast(date(2027, 3, 4))
    assert [(i, b, d) for i, b, d in _stored(caseload.engine)] == written


def test_a_day_beyond_the_stored_days_off_falls_back_to_the_full_path(caseload):
    _import(caseload.engine, CaseInput(ref="W1", name="Pat", policy="wirral",
                                       allocated=date(2026, 11, 2)), today=date(2026, 11, 23))
    caseload.full(date(2026, 11, 23))
    assert caseload.fast(date(2026, 11, 24)) is not None
    assert caseload.fast(date(2101, 3, 1)) is None  # days off stored for 1990-2100 only


_CASES = st.lists(st.dates(min_value=date(1996, 1, 1), max_value=date(2090, 1, 1)).flatmap(
    lambda day: plausible_case_inputs(day)), min_size=1, max_size=3)


# Each example makes a database: 25 on SQLite, 8 on PostgreSQL (a database created from the
# template and its engine's first connections cost more there; the SQLite run covers the
# breadth, the PostgreSQL one that the same reads hold on the server).
_EXAMPLES = {"sqlite": 25, "postgresql": 8}


def test_rows_written_on_one_day_are_read_on_any_other(request, tmp_path_factory, new_database):
    @settings(max_examples=_EXAMPLES[request.node.callspec.params["new_database"]],
              deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(cases=_CASES,
           written=st.dates(min_value=date(2026, 1, 1), max_value=date(2040, 1, 1)),
           days=st.lists(ANY_DAY, min_size=1, max_size=4), amber=st.integers(0, 12))
    def check(cases, written, days, amber):
        caseload = _Caseload(tmp_path_factory.mktemp("timeless"), new_database())
        try:
            _written_and_read(caseload, cases, written, days, amber)
        finally:
            caseload.engine.dispose()

    check()


def _written_and_read(caseload: _Caseload, cases, written, days, amber) -> None:
    cases = [dataclasses.replace(c, ref=f"P{i}") for i, c in enumerate(cases)]
    try:
        _import(caseload.engine, *cases, today=max(written, *(c.allocated for c in cases)))
    except ValidationFailed:
        assume(False)
    caseload.full(written)
    stored = _stored(caseload.engine)
    for today in [written + timedelta(days=1), *days]:
        rows = caseload.fast(today, amber)
        assert rows is not None
        assert {row.ref: row.deadlines for row in rows} == caseload.fresh(today, amber)
        for limit in range(len(rows) + 1):
            assert caseload.fast(today, amber, limit=limit) == rows[:limit]
        assert _stored(caseload.engine) == stored  # nothing worked out again
        assert caseload.full(today, amber) == rows
        assert [(i, b, d) for i, b, d in _stored(caseload.engine)] == stored


def test_a_screen_reading_only_changes_reads_every_case_on_a_new_day(caseload):
    from models.caseload import load_caseload_changes

    _import(caseload.engine,
            CaseInput(ref="W1", name="Pat", policy="wirral", allocated=date(2026, 11, 2)),
            CaseInput(ref="W2", name="Sam", policy="wirral", allocated=date(2026, 11, 2)),
            today=date(2026, 11, 23))

    def changes(today, known):
        with session_scope(caseload.engine) as session:
            return load_caseload_changes(session, policies=POLICIES, calendar=CALENDAR,
                                         today=today, known_batches=known)

    rows, known = changes(date(2026, 11, 23), frozenset())
    assert changes(date(2026, 11, 23), known)[0] == []  # nothing changed that day
    # The next day nothing was stored again, but every countdown moved: all are read again,
    # closed ones too, so a screen merging them learns of any closure.
    later, _ = changes(date(2026, 11, 24), known)
    assert sorted(row.ref for row in later) == ["W1", "W2"]
    assert later != rows
