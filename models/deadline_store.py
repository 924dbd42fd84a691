"""Storing worked-out deadlines in short transactions (the writer of `case_deadlines`).

A refresh has three steps: what is stale (and the stored rows whose order moved on today) is
read in one snapshot, with each stale case's guard read before its facts; the deadlines are
worked out in Python with no transaction open; then one short write transaction stores each
row only if its case's guard is unchanged. On a team server, fifty clients working deadlines
out inside their transactions sat "idle in transaction" holding row locks for seconds while
the others waited; now a transaction holds locks only while it writes.

The guard is the case's `version` (bumped in the same transaction as any audited change to the
case or anything recorded on it: models/versions.py) with its worker's id, name and team (a
worker's row has a stale-deadline trigger of its own but no version). The write re-reads the
guards first, locked against change on PostgreSQL (FOR SHARE: a save that bumped the version
and has not committed yet is waited for, and then seen), and skips every case whose guard
moved: deadlines worked out from facts older than the stored ones never overwrite them (the
save's triggers deleted the row; the next read works the case out again). On SQLite the write
transaction holds the database's write lock, so the re-read is exact. (Under row-level
security a login may lock only the cases it may change: see `case_guards`.) Rows whose order moved
on are updated only where the row is still the one read (same batch, same inputs:
models.stored_deadlines.store_reorderings).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.rows import CaseSummary
from models.stored_deadlines import (
    encode_days_off,
    encode_planned,
    moved_rows,
    ordering_for,
    reorderings,
    stale_case_ids,
    store_reorderings,
)
from policies.deadlines import PlannedDeadline

# Up to this many stale cases are read by id; more, and every case is read at once.
FEW_CASES = 500

Guard = tuple[Any, ...]  # (version, worker id, worker name, worker team)
# (case ids or None for every case) -> (case id, summary, facts) of those cases
FactsReader = Callable[[Sequence[int] | None], Sequence[tuple[int, CaseSummary, Any]]]
# (summary, facts) -> (planned deadlines or None for a closed case, error text or None)
Planner = Callable[[CaseSummary, Any], tuple[Sequence[PlannedDeadline] | None, str | None]]

_GUARDS = ("SELECT c.id, c.version, c.worker_id, w.name, w.team FROM cases AS c "
           "LEFT JOIN workers AS w ON w.id = c.worker_id "
           "WHERE c.id IN (SELECT value FROM json_each(?))")
_UPSERT = (
    "INSERT INTO case_deadlines (case_id, computed_for, error, deadlines, first_due, "
    "ordered_from, ordered_until, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (case_id) DO UPDATE SET computed_for = excluded.computed_for, "
    "error = excluded.error, deadlines = excluded.deadlines, first_due = excluded.first_due, "
    "ordered_from = excluded.ordered_from, ordered_until = excluded.ordered_until, "
    "batch = excluded.batch")


@dataclass
class Pending:
    """What a refresh found to do, read in one snapshot."""

    computed_for: str
    stale: list[tuple[int, CaseSummary, Any]] = field(default_factory=list)
    guards: dict[int, Guard] = field(default_factory=dict)
    moved: list[tuple[int, int, str]] = field(default_factory=list)
    inputs_current: bool = True

    @property
    def anything(self) -> bool:
        return bool(self.stale or self.moved or not self.inputs_current)


@dataclass
class Worked:
    """The rows a refresh will store, worked out with no transaction open."""

    stored: list[tuple[Any, ...]]
    reordered: list[tuple[str | None, str | None, str | None, int, int]]


def find_pending(
    connection: sqlite3.Connection, read_facts: FactsReader, computed_for: str, *,
    today: date, worker: str | None = None, settings_inputs: str | None = None,
) -> Pending:
    """The stale cases (one worker's if given) with their guards and facts, the current rows
    whose order moved on `today`, and whether `settings_inputs` is stored for these inputs."""
    stale = stale_case_ids(connection, computed_for, worker=worker)
    pending = Pending(computed_for)
    if stale:
        # The guards first: a change committed between them and the facts is then seen as a
        # moved guard when writing, never as facts newer than their guard.
        pending.guards = case_guards(connection, stale)
        if len(stale) > FEW_CASES:
            wanted = set(stale)
            pending.stale = [item for item in read_facts(None) if item[0] in wanted]
        else:
            pending.stale = list(read_facts(stale))
    pending.moved = moved_rows(connection, computed_for, today, worker=worker)
    if settings_inputs is not None:
        pending.inputs_current = _inputs_current(connection, settings_inputs, computed_for)
    return pending


def work_out(
    pending: Pending, plan: Planner, today: date, calendar: Any, amber_working_days: int,
) -> Worked:
    batch = secrets.randbits(62)
    stored = []
    for case_id, summary, facts in pending.stale:
        planned, error = plan(summary, facts)
        first_due, ordered_from, ordered_until = ordering_for(
            planned, today, calendar, amber_working_days)
        stored.append((case_id, pending.computed_for, error, encode_planned(planned),
                       first_due, ordered_from, ordered_until, batch))
    return Worked(stored, reorderings(pending.moved, today, calendar, amber_working_days))


def write(
    connection: sqlite3.Connection, pending: Pending, worked: Worked, *, calendar: Any,
    settings_inputs: str | None = None,
) -> int:
    """Store what `work_out` gave, in the connection's (write) transaction, each case only if
    its guard is as `find_pending` read it. How many cases' deadlines were stored."""
    current = case_guards(connection, [row[0] for row in worked.stored], lock=True)
    unchanged = sorted((row for row in worked.stored
                        if row[0] in current and current[row[0]] == pending.guards.get(row[0])),
                       key=lambda row: row[0])  # in id order, as the locks were taken
    connection.executemany(_UPSERT, unchanged)
    store_reorderings(connection, pending.computed_for, worked.reordered)
    if settings_inputs is not None and not pending.inputs_current:
        # Keys of other settings folders with the same inputs are kept (a team's laptops
        # share a server); keys of other inputs would otherwise pile up.
        connection.execute("DELETE FROM deadline_inputs WHERE computed_for != ?",
                           (pending.computed_for,))
        connection.execute(
            "INSERT INTO deadline_inputs (inputs, computed_for, days_off) VALUES (?, ?, ?) "
            "ON CONFLICT (inputs) DO UPDATE SET computed_for = excluded.computed_for, "
            "days_off = excluded.days_off",
            (settings_inputs, pending.computed_for, encode_days_off(calendar)),
        )
    return len(unchanged)


def case_guards(
    connection: sqlite3.Connection, case_ids: Sequence[int], *, lock: bool = False,
) -> dict[int, Guard]:
    """Each case's (version, worker id, worker name, worker team) by id. `lock`: on
    PostgreSQL, hold the cases' rows against change until the transaction ends (in id order,
    as every writer of several cases takes them, so two refreshes never deadlock). Row-level
    security lets a login lock only the cases it may change: a colleague's case (read for
    cover) is read unlocked, so a save of it landing in the moment between this read and the
    commit is not waited for (its row is then worked out again only at its next change)."""
    if not case_ids:
        return {}
    ids = (json.dumps(sorted(case_ids)),)
    sql = _GUARDS + " ORDER BY c.id"
    locking = lock and getattr(connection, "postgresql", False)
    guards = {case_id: (version, worker_id, name, team)
              for case_id, version, worker_id, name, team in connection.execute(
                  sql + " FOR SHARE OF c" if locking else sql, ids)}
    if locking and len(guards) < len(case_ids):
        for case_id, version, worker_id, name, team in connection.execute(sql, ids):
            guards.setdefault(case_id, (version, worker_id, name, team))
    return guards


def _inputs_current(connection: sqlite3.Connection, settings_inputs: str,
                    computed_for: str) -> bool:
    """Whether `settings_inputs` is stored for `computed_for` (with its days off) and no key
    of other inputs is left: then the read needs no write to `deadline_inputs`."""
    rows = connection.execute(
        "SELECT inputs, computed_for, days_off IS NOT NULL FROM deadline_inputs").fetchall()
    ours = [row for row in rows if row[0] == settings_inputs]
    return (bool(ours) and ours[0][1] == computed_for and bool(ours[0][2])
            and all(row[1] == computed_for for row in rows))


def plan_with(
    policies: Mapping[str, Any], calendar: Any,
    planned: Callable[[CaseSummary, Any, Mapping[str, Any], Any],
                      tuple[Sequence[PlannedDeadline] | None, str | None]],
) -> Planner:
    return lambda summary, facts: planned(summary, facts, policies, calendar)
