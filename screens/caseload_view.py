"""What the caseload table shows: one line per case, filtered, searched and sorted.

Pure Python over `models.caseload.CaseloadRow` values (ref, name, worker, closed, error,
deadlines and a `summary` with dob and policy_id), so it is quick to test and fast enough to
re-run on every keystroke of a search over 20,000 cases.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter
from typing import Any

from models.rows import order_key
from policies.ages import age_in_months
from policies.deadlines import Deadline, something_overdue
from screens.cells import STATUS_RANK, age_text, urgency_key

# The four countdown columns, each the most urgent deadline of its kind.
COUNTDOWN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("visit", "Visit"),
    ("meeting", "Meeting"),
    ("circulation", "Circulation"),
    ("review", "Review"),
)
_COLUMN_KINDS = frozenset(kind for kind, _ in COUNTDOWN_COLUMNS)
SORTS: tuple[tuple[str, str], ...] = (
    ("urgency", "most urgent"),
    ("ref", "ref"),
    ("name", "name"),
    ("age", "age"),
    ("worker", "worker"),
    ("authority", "authority"),
    *((kind, label.lower()) for kind, label in COUNTDOWN_COLUMNS),
    ("other", "other items"),
)
SORT_LABELS = dict(SORTS)
STATUS_FILTERS: tuple[tuple[str, str], ...] = (
    ("all", "all cases"),
    ("overdue", "something overdue"),
    ("due_soon", "something due soon"),
)
STATUS_FILTER_LABELS = dict(STATUS_FILTERS)
_LAST = (9, date.max)


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One case as the table shows it, worked out once per load.

    It keeps only what the table, its filters and the header counts need: the case summary and
    the few deadlines on show, not every deadline of every case (20,000 cases' worth would make
    each of Python's full garbage collections scan millions of objects while the user types).
    """

    summary: Any  # models.queries.CaseSummary: ref, name, dob, worker, policy_id, closed, ...
    error: str | None  # why the case has no deadlines (its policy pack is missing)
    age: str
    age_months: int | None
    countdowns: tuple[Deadline | None, ...]  # in COUNTDOWN_COLUMNS order
    urgent: Deadline | None  # the most urgent deadline of any kind
    other: tuple[str | None, int]  # worst status among the other kinds, and how many have it
    statuses: frozenset[str]
    urgency: tuple[int, date, str]  # the default sort key (models.rows.order_key)
    column_keys: tuple[tuple[int, date, str], ...]  # sort keys of the countdown columns
    something_overdue: bool  # policies.deadlines.something_overdue: a ✖ somewhere on the line
    due_soon_shown: int  # the amber (▲) items its cells show: within amber_working_days
    search_text: str
    # Its pack leaves the visiting frequency to each case and none is recorded: no visit
    # deadline can be worked out (policies.packs.visit_frequency_missing).
    frequency_missing: bool = False

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


@dataclass(frozen=True, slots=True)
class View:
    """The user's current choice of filter, search and sort."""

    worker: str | None = None
    status: str = "all"
    search: str = ""
    sort: str = "urgency"
    reverse: bool = False
    include_closed: bool = False


@dataclass(frozen=True, slots=True)
class Counts:
    """The caseload header's counts, each what the user can count on screen."""

    cases: int
    children_overdue: int  # open cases with something overdue (a ✖ cell), as the team view
    due_soon: int  # amber (▲) items in the cells: due within the amber working days


def build_lines(rows: Iterable[Any], today: date,
                per_case_frequency: Collection[str] = ()) -> list[CaseLine]:
    """The table lines of caseload rows. `per_case_frequency`: the ids of the packs that leave
    the visiting frequency to each case (policies.packs.Policy.visits_per_case)."""
    lines = []
    column_kinds = [kind for kind, _ in COUNTDOWN_COLUMNS]
    for row in rows:
        # One pass over the deadlines, each urgency key worked out once (20,000 cases).
        by_kind: dict[str, tuple[tuple[int, date], Deadline]] = {}
        urgent: tuple[tuple[int, date], Deadline] | None = None
        other: tuple[tuple[int, date], Deadline] | None = None
        other_statuses: list[str] = []
        soonest: date | None = None
        for deadline in row.deadlines:
            if soonest is None or deadline.due < soonest:
                soonest = deadline.due
            key = urgency_key(deadline)
            if urgent is None or key < urgent[0]:
                urgent = (key, deadline)
            if deadline.kind in _COLUMN_KINDS:
                current = by_kind.get(deadline.kind)
                if current is None or key < current[0]:
                    by_kind[deadline.kind] = (key, deadline)
            else:
                other_statuses.append(deadline.status)
                if other is None or key < other[0]:
                    other = (key, deadline)
        summary = row.summary
        dob = summary.dob
        countdowns = tuple(by_kind[kind][1] if kind in by_kind else None for kind in column_kinds)
        # Sort keys made here, in the worker: sorting 20,000 lines by a column then allocates
        # nothing (allocating keys on the UI thread set off full garbage collections).
        column_keys = tuple((*by_kind[kind][0], summary.ref) if kind in by_kind
                            else (*_LAST, summary.ref) for kind in column_kinds)
        worst_other = other[1].status if other is not None else None
        other_count = other_statuses.count(worst_other) if worst_other else 0
        due_soon_shown = sum(1 for d in countdowns if d is not None and d.status == "due_soon")
        if worst_other == "due_soon":
            due_soon_shown += other_count
        lines.append(
            CaseLine(
                summary=summary,
                error=row.error,
                age=age_text(dob, today),
                age_months=age_in_months(dob, today) if dob is not None else None,
                countdowns=countdowns,
                urgent=urgent[1] if urgent is not None else None,
                other=(worst_other, other_count),
                statuses=frozenset(deadline.status for deadline in row.deadlines),
                urgency=order_key(row.error, soonest, summary.ref),
                column_keys=column_keys,
                something_overdue=something_overdue(row.deadlines),
                due_soon_shown=due_soon_shown,
                search_text=f"{summary.ref}\n{summary.name}".casefold(),
                frequency_missing=(summary.policy_id in per_case_frequency
                                   and not summary.visit_every and not summary.closed),
            )
        )
    return lines


def natural_widths(lines: Sequence[CaseLine]) -> dict[str, int]:
    """How wide each column's longest cell is (worked out once per load, in the worker)."""
    from screens.cells import NO_FREQUENCY_MARK, countdown_text

    widths = {
        "ref": max([3, *(len(line.ref) for line in lines)]),
        "name": max([4, *(len(line.name) for line in lines)]),
        "age": max([3, *(len(line.age) for line in lines)]),
        "worker": max([6, *(len(line.worker or "") for line in lines)]),
    }
    for index, (kind, label) in enumerate(COUNTDOWN_COLUMNS):
        cells = max([1, *(len(countdown_text(line.countdowns[index])) for line in lines)])
        if kind == "visit" and any(line.frequency_missing for line in lines):
            cells = max(cells, len(NO_FREQUENCY_MARK))
        widths[f"{kind}_cells"] = cells  # the cells alone: the heading may be shortened
        widths[kind] = max(len(label), cells)
    return widths


def workers_in(lines: Iterable[CaseLine]) -> list[str]:
    return sorted({line.worker for line in lines if line.worker}, key=str.casefold)


def apply_view(lines: Sequence[CaseLine], view: View) -> list[CaseLine]:
    """The lines to show, in order."""
    needle = view.search.strip().casefold()
    shown = [
        line
        for line in lines
        if (view.include_closed or not line.closed)
        and (view.worker is None or line.worker == view.worker)
        and (view.status == "all" or view.status in line.statuses)
        and (not needle or needle in line.search_text)
    ]
    shown.sort(key=_sort_key(view.sort), reverse=view.reverse)
    if view.reverse:
        # Reversing must not bring the empty cells to the top.
        empty = [line for line in shown if _is_empty(line, view.sort)]
        shown = [line for line in shown if not _is_empty(line, view.sort)] + empty
    return shown


def counts(lines: Iterable[CaseLine]) -> Counts:
    """Over the open cases: the children with something overdue, and the amber items shown."""
    cases = overdue = due_soon = 0
    for line in lines:
        if line.closed:
            continue
        cases += 1
        overdue += line.something_overdue
        due_soon += line.due_soon_shown
    return Counts(cases=cases, children_overdue=overdue, due_soon=due_soon)


def next_in(options: Sequence[Any], current: Any) -> Any:
    """The option after `current`, wrapping round."""
    try:
        return options[(list(options).index(current) + 1) % len(options)]
    except ValueError:
        return options[0]


def with_next_sort(view: View) -> View:
    return replace(view, sort=next_in([key for key, _ in SORTS], view.sort), reverse=False)


def _sort_key(sort: str):
    kinds = [kind for kind, _ in COUNTDOWN_COLUMNS]
    if sort in kinds:
        index = kinds.index(sort)
        return lambda line: line.column_keys[index]
    if sort == "other":
        return lambda line: (STATUS_RANK.get(line.other[0], 9), -line.other[1], line.ref)
    if sort == "ref":
        return lambda line: line.ref.casefold()
    if sort == "name":
        return lambda line: (line.name.casefold(), line.ref)
    if sort == "age":
        # Youngest first; no date of birth last.
        return lambda line: (line.age_months is None, line.age_months or 0, line.ref)
    if sort == "worker":
        return lambda line: ((line.worker or "\uffff").casefold(), line.ref)
    if sort == "authority":
        return lambda line: (line.summary.policy_id, line.ref)
    # The caseload's one default order (models.rows.order_key), worked out when the lines
    # were built: a case whose deadlines could not be worked out first (it needs attention),
    # then the soonest deadline first, then cases with none; ties by ref.
    return attrgetter("urgency")


def _is_empty(line: CaseLine, sort: str) -> bool:
    kinds = [kind for kind, _ in COUNTDOWN_COLUMNS]
    if sort in kinds:
        return line.countdowns[kinds.index(sort)] is None
    if sort == "urgency":
        return line.urgent is None and not line.error
    if sort == "other":
        return line.other[0] is None
    if sort == "age":
        return line.age_months is None
    if sort == "worker":
        return not line.worker
    return False
