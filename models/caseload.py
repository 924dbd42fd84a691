"""The one path from the database to deadlines, used by both `cin due` and the TUI:
rows -> `CaseFacts` -> `policies.engine.compute_deadlines` -> `CaseloadRow`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from models.errors import CaseNotFound
from models.queries import CaseSummary, case_facts
from policies.deadlines import Deadline
from policies.engine import compute_deadlines


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One case and its open deadlines (soonest first). `error` says why a case has no
    deadlines when they could not be worked out (its policy pack is not installed)."""

    summary: CaseSummary
    deadlines: tuple[Deadline, ...]
    error: str | None = None

    @property
    def ref(self) -> str:
        return self.summary.ref

    @property
    def name(self) -> str:
        return self.summary.name

    @property
    def worker(self) -> str | None:
        return self.summary.worker

    @property
    def closed(self) -> bool:
        return self.summary.closed

    @property
    def next_deadline(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


def load_caseload(
    session: Session,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    worker: str | None = None,
    include_closed: bool = False,
    amber_working_days: int = 5,
) -> list[CaseloadRow]:
    """Every open case (and closed ones if asked), one worker's if `worker` is given, with its
    deadlines. Ordered: cases with an error first (they need attention), then by the soonest
    deadline, then cases with none; ties by ref."""
    rows = [
        _row(summary, facts, policies, calendar, today, amber_working_days)
        for summary, facts in case_facts(session, include_closed=include_closed, worker=worker)
    ]
    return sorted(rows, key=_order)


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
        known = ", ".join(sorted(policies)) or "none"
        return CaseloadRow(
            summary, (),
            f"policy {summary.policy_id!r} is not installed, so no deadlines can be worked "
            f"out; known policies: {known}. Add the pack to the settings folder or change "
            "the case's policy.",
        )
    deadlines = compute_deadlines(
        facts, policy, calendar, today, amber_working_days=amber_working_days
    )
    return CaseloadRow(summary, tuple(sorted(deadlines, key=lambda d: d.due)))


def _order(row: CaseloadRow) -> tuple[int, date, str]:
    if row.error is not None:
        return (0, date.min, row.ref)
    if row.next_deadline is not None:
        return (1, row.next_deadline.due, row.ref)
    return (2, date.max, row.ref)
