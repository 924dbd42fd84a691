"""The one path from the database to deadlines, used by both `cin due` and the TUI:
rows -> `CaseFacts` -> `policies.engine.plan_deadlines` (stored) ->
`policies.today.deadlines_for_today` (when read) -> `CaseloadRow`; `compute_deadlines` is the
two in turn."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from models import deadline_store
from models.connection import driver_connection
from models.errors import CaseNotFound
from models.queries import case_facts, case_facts_by_id
from models.rows import CaseloadRow, CaseSummary, caseload_order, deadlines_error_text
from models.stored_deadlines import (
    DAYS_OFF_YEARS,
    computed_for_key,
    each_stored_row,
    read_caseload,
)
from policies.deadlines import PlannedDeadline
from policies.engine import plan_deadlines
from policies.today import deadlines_for_today, missed_on

__all__ = [
    "CaseSummary",
    "CaseloadRow",
    "deadlines_error_text",
    "each_caseload_row",
    "load_case",
    "load_caseload",
    "load_caseload_changes",
    "refresh_deadlines",
]

_FIRST_YEAR, _LAST_YEAR = DAYS_OFF_YEARS  # WorkingCalendar's default span: no reload

def load_caseload(
    session: Session,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    worker: str | None = None,
    include_closed: bool = False,
    amber_working_days: int = 5,
    settings_inputs: str | None = None,
    store: bool = True,
) -> list[CaseloadRow]:
    """Every open case (and closed ones if asked), one worker's if `worker` is given, with its
    deadlines. Ordered: cases with an error first (they need attention), then by the soonest
    deadline, then cases with none; ties by ref.

    Deadlines not yet stored for these inputs are worked out and stored first (in this
    session's transaction), then everything is read back through the one reader of stored
    deadlines. `settings_inputs` (models.stored_deadlines.settings_inputs_key) is given by
    callers that loaded the packs and calendar from the settings folder, so a later read-only
    start can find these deadlines without loading them. (models.stored_reads does the same
    in short transactions of its own, for the service's reads.)

    `store=False` works them out in memory without storing anything, for a read-only
    transaction when another copy of cin holds the write lock: the same engine, the same
    answer, only not kept."""
    if not store:
        return sorted(_rows_in_memory(session, policies, calendar, today, amber_working_days,
                                      include_closed=include_closed, worker=worker),
                      key=caseload_order)
    connection, computed_for = _refreshed(session, policies, calendar, today,
                                          amber_working_days, settings_inputs, worker)
    rows = read_caseload(connection, computed_for=computed_for, today=today,
                         calendar=calendar, amber_working_days=amber_working_days,
                         include_closed=include_closed, worker=worker)
    assert rows is not None, "every case was refreshed in this transaction"
    return rows


def each_caseload_row(
    session: Session,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    worker: str | None = None,
    include_closed: bool = False,
    amber_working_days: int = 5,
    settings_inputs: str | None = None,
    store: bool = True,
) -> Iterator[CaseloadRow]:
    """The rows of `load_caseload`, one at a time and in no particular order (the stored ones
    are decoded as they are read, so a large caseload is never all in memory)."""
    if not store:
        yield from _rows_in_memory(session, policies, calendar, today, amber_working_days,
                                   include_closed=include_closed, worker=worker)
        return
    connection, computed_for = _refreshed(session, policies, calendar, today,
                                          amber_working_days, settings_inputs, worker)
    yield from each_stored_row(connection, computed_for=computed_for, today=today,
                               calendar=calendar, amber_working_days=amber_working_days,
                               include_closed=include_closed, worker=worker)


def _refreshed(
    session: Session, policies: Mapping[str, Any], calendar: Any, today: date,
    amber_working_days: int, settings_inputs: str | None, worker: str | None,
) -> tuple[sqlite3.Connection, str]:
    """The session's connection, once the deadlines of the cases read (one worker's, if
    given) are stored for these inputs in its transaction; and the inputs' key."""
    computed_for = refresh_deadlines(
        session, policies=policies, calendar=calendar, today=today,
        amber_working_days=amber_working_days, settings_inputs=settings_inputs, worker=worker)
    return session_driver(session), computed_for


def _rows_in_memory(
    session: Session, policies: Mapping[str, Any], calendar: Any, today: date,
    amber_working_days: int, *, include_closed: bool, worker: str | None,
) -> Iterator[CaseloadRow]:
    for summary, facts in case_facts(session, include_closed=include_closed, worker=worker):
        yield _row(summary, facts, policies, calendar, today, amber_working_days)


def load_caseload_changes(
    session: Session,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    known_batches: Collection[int],
    include_closed: bool = False,
    amber_working_days: int = 5,
    settings_inputs: str | None = None,
    store: bool = True,
) -> tuple[list[CaseloadRow], frozenset[int]]:
    """Like `load_caseload`, but only the cases (open or closed, whatever `include_closed`
    says, so a reader learns of a closure) whose deadlines were stored since the batches
    `known_batches` (all of them if none is known); and every batch now stored, for next
    time. A case whose facts or inputs changed is always stored again, in a new batch. The
    batches returned also name the day and amber window they were read for: on another, every
    case is read again (its status and countdown moved, though nothing was stored).
    `store=False`: every case, worked out in memory (see load_caseload), and no batch."""
    if not store:
        rows = load_caseload(session, policies=policies, calendar=calendar, today=today,
                             include_closed=include_closed,
                             amber_working_days=amber_working_days, store=False)
        return rows, frozenset()
    connection, computed_for = _refreshed(session, policies, calendar, today,
                                          amber_working_days, settings_inputs, None)
    changes = caseload_changes_from(connection, computed_for, today=today, calendar=calendar,
                                    known_batches=known_batches, include_closed=include_closed,
                                    amber_working_days=amber_working_days)
    assert changes is not None, "every case was refreshed in this transaction"
    return changes


def caseload_changes_from(
    connection: sqlite3.Connection, computed_for: str, *, today: date, calendar: Any,
    known_batches: Collection[int], include_closed: bool = False, amber_working_days: int = 5,
) -> tuple[list[CaseloadRow], frozenset[int]] | None:
    """`load_caseload_changes` from what is stored; None if a case read is not current."""
    day = _day_mark(today, amber_working_days)
    # Closed cases too once some are known, so a reader learns of a closure.
    include_closed = include_closed or bool(known_batches)
    if day not in known_batches:
        known_batches = frozenset()  # read for another day (or never): every case
    batches = frozenset(b for (b,) in connection.execute(
        "SELECT DISTINCT batch FROM case_deadlines WHERE computed_for = ?", (computed_for,)))
    stored_rows = read_caseload(
        connection, computed_for=computed_for, today=today, calendar=calendar,
        amber_working_days=amber_working_days, include_closed=include_closed,
        not_in_batches=known_batches)
    return None if stored_rows is None else (stored_rows, batches | {day})


def _day_mark(today: date, amber_working_days: int) -> int:
    """A negative number (batches are not) naming the day and amber window of a read."""
    return -1 - (today.toordinal() << 12 | amber_working_days & 0xFFF)


def refresh_deadlines(
    session: Session,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    amber_working_days: int = 5,
    settings_inputs: str | None = None,
    worker: str | None = None,
) -> str:
    """Work out and store, in the session's transaction, the planned deadlines of every case
    (one worker's, if given) whose stored ones are missing or were worked out for other
    inputs, and bring the stored order of the others up to `today`
    (models.stored_deadlines.reorder_moved); returns the inputs' `computed_for` key. With
    `store_deadlines` (the same steps in transactions of their own), the only writer of
    stored deadlines."""
    computed_for = computed_for_key(inputs_digest(policies, calendar))
    pending = pending_work(session, computed_for, today, worker, settings_inputs)
    if pending.anything:
        worked = deadline_store.work_out(pending, deadline_store.plan_with(
            policies, calendar, plan_case), today, calendar, amber_working_days)
        deadline_store.write(session_driver(session), pending, worked, calendar=calendar,
                             settings_inputs=settings_inputs)
    return computed_for


def pending_work(session: Session, computed_for: str, today: date, worker: str | None,
             settings_inputs: str | None) -> deadline_store.Pending:
    def read_facts(case_ids: Sequence[int] | None) -> list[tuple[int, CaseSummary, Any]]:
        return case_facts_by_id(session, case_ids=case_ids)

    return deadline_store.find_pending(session_driver(session), read_facts, computed_for,
                                       today=today, worker=worker,
                                       settings_inputs=settings_inputs)


def inputs_digest(policies: Mapping[str, Any], calendar: Any) -> str:
    """A digest of the packs and the calendar as loaded: every field of every policy, every
    weekday off from 1990 to 2100, and the user's own days off in any year."""
    policy_text = json.dumps(
        {policy_id: _canonical(policy) for policy_id, policy in sorted(policies.items())},
        sort_keys=True, ensure_ascii=False,
    )
    days_off = calendar.non_working_weekdays(_FIRST_YEAR, _LAST_YEAR)
    # The user's own days off whatever their year (bank holidays outside the span are the
    # holidays package's, whose version is in the code digest).
    own = sorted(d.toordinal() for d in (*calendar.extra_bank_holidays, *calendar.closure_days))
    h = hashlib.sha256(policy_text.encode())
    h.update(b"|calendar|")
    h.update(",".join(map(str, days_off)).encode())
    h.update(b"|own|")
    h.update(",".join(map(str, own)).encode())
    return h.hexdigest()


def _canonical(value: Any) -> Any:
    """A JSON-able form of a policy that is the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__,
                {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    if isinstance(value, Mapping):
        return sorted(([_canonical(k), _canonical(v)] for k, v in value.items()), key=repr)
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((_canonical(v) for v in value), key=repr)]
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, date):
        return ["date", value.isoformat()]
    return ["repr", type(value).__name__, repr(value)]


def session_driver(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection (or on PostgreSQL one that takes the same SQL) of the session,
    once what the session holds is flushed."""
    session.flush()  # raw SQL below must see anything the caller added in this session
    return driver_connection(session.connection())


def load_case(
    session: Session,
    *,
    ref: str,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    amber_working_days: int = 5,
) -> CaseloadRow:
    """The same as one row of `load_caseload`, for the case `ref` (open or closed)."""
    found = case_facts(session, include_closed=True, ref=ref)
    if not found:
        raise CaseNotFound(ref)
    summary, facts = found[0]
    return _row(summary, facts, policies, calendar, today, amber_working_days)


def plan_case(
    summary: CaseSummary, facts: Any, policies: Mapping[str, Any], calendar: Any
) -> tuple[list[PlannedDeadline] | None, str | None]:
    """(planned deadlines or None for a closed case, None) or ([], why there are none)."""
    policy = policies.get(summary.policy_id)
    if policy is None:
        return [], _missing_policy_text(summary, policies)
    try:
        return plan_deadlines(facts, policy, calendar), None
    except Exception as error:  # one case's problem never stops the others
        return [], deadlines_error_text(error)


def _missing_policy_text(summary: CaseSummary, policies: Mapping[str, Any]) -> str:
    known = ", ".join(sorted(policies)) or "none"
    return (f"policy {summary.policy_id!r} is not installed, so no deadlines can be worked "
            f"out; known policies: {known}. Add the pack to the settings folder or change "
            "the case's policy.")


def _row(
    summary: CaseSummary,
    facts: Any,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    amber_working_days: int,
) -> CaseloadRow:
    policy = policies.get(summary.policy_id)
    if policy is None:
        return CaseloadRow(summary, (), _missing_policy_text(summary, policies))
    try:
        planned = plan_deadlines(facts, policy, calendar)
        if planned is None:  # closed
            return CaseloadRow(summary, ())
        deadlines = deadlines_for_today(planned, today, calendar,
                                        amber_working_days=amber_working_days)
    except Exception as error:  # one case's problem never stops the others
        return CaseloadRow(summary, (), deadlines_error_text(error))
    return CaseloadRow(summary, tuple(sorted(deadlines, key=lambda d: d.due)),
                       missed=tuple(missed_on(planned, today)))
