"""The rows a caseload read returns: plain frozen dataclasses, importing nothing heavier than
`policies.deadlines`, so the read-only start (models/stored_deadlines.py) can build them without
SQLAlchemy. `models.queries` and `models.caseload` re-export them under their old names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policies.deadlines import Deadline, Missed


@dataclass(frozen=True, slots=True)
class CaseSummary:
    ref: str
    name: str
    dob: date | None
    worker: str | None
    team: str | None
    policy_id: str
    family: str | None
    closed: bool
    allocated: date
    closure_date: date | None = None
    disabled: bool = False
    private_fostering: bool = False
    visit_every: str | None = None


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One case and its open deadlines (soonest first). `error` says why a case has no
    deadlines when they could not be worked out (its policy pack is not installed). `missed`:
    the milestones missed (history, not open deadlines; policies.today.missed_on)."""

    summary: CaseSummary
    deadlines: tuple[Deadline, ...]
    error: str | None = None
    missed: tuple[Missed, ...] = ()

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


def caseload_order(row: CaseloadRow) -> tuple[int, date, str]:
    """The caseload's default order, the one every path uses (`order_key` of a row; its
    deadlines are soonest first)."""
    return order_key(row.error, row.deadlines[0].due if row.deadlines else None, row.ref)


def order_key(error: str | None, soonest_due: date | None, ref: str) -> tuple[int, date, str]:
    """The caseload's default order, defined once: cases with an error first (they need
    attention), then by the soonest deadline, then cases with none; ties by ref (plain string
    order, the order of the code points).

    `models.caseload.load_caseload` and `models.stored_deadlines.read_caseload` sort rows by it
    (the stored read's first screen sorts the same way in SQL:
    tests/models/test_models_order.py holds the two equal), and the caseload table's "most
    urgent" sort (screens.caseload_view) is it too."""
    if error is not None:
        return (0, date.min, ref)
    if soonest_due is not None:
        return (1, soonest_due, ref)
    return (2, date.max, ref)


def deadlines_error_text(error: Exception) -> str:
    """Why a case's deadlines could not be worked out, as shown on the case's flag."""
    from policies.limits import CaseDataError

    if isinstance(error, CaseDataError):
        return (f"{error}, so no deadlines can be worked out for this case. Correct it; "
                "until then, keep track of its deadlines by hand.")
    detail = str(error)[:200]
    return (f"something unexpected went wrong ({type(error).__name__}"
            f"{': ' + detail if detail else ''}), so no deadlines can be worked out for this "
            "case. Keep track of its deadlines by hand, and please report it.")
