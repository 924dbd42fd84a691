"""What the caseload table shows: one line per case, filtered, searched and sorted.

Pure Python over `models.caseload.CaseloadRow` values (ref, name, worker, closed, error,
deadlines and a `summary` with dob and policy_id), so it is quick to test and fast enough to
re-run on every keystroke of a search over 20,000 cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from policies.deadlines import Deadline
from screens.cells import STATUS_RANK, age_in_months, age_text, most_urgent, urgency_key

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
    """One case as the table shows it, worked out once per load."""

    row: Any  # models.caseload.CaseloadRow
    summary: Any  # models.queries.CaseSummary
    age: str
    age_months: int | None
    countdowns: tuple[Deadline | None, ...]  # in COUNTDOWN_COLUMNS order
    urgent: Deadline | None  # the most urgent deadline of any kind
    other: tuple[str | None, int]  # worst status among the other kinds, and how many have it
    statuses: frozenset[str]
    search_text: str

    @property
    def ref(self) -> str:
        return self.row.ref


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
    cases: int
    overdue: int  # deadlines already late
    due_this_week: int  # deadlines not late, due from today to Sunday


def build_lines(rows: Iterable[Any], today: date) -> list[CaseLine]:
    lines = []
    for row in rows:
        by_kind: dict[str, Deadline] = {}
        for deadline in row.deadlines:
            current = by_kind.get(deadline.kind)
            if current is None or urgency_key(deadline) < urgency_key(current):
                by_kind[deadline.kind] = deadline
        summary = row.summary
        dob = summary.dob
        lines.append(
            CaseLine(
                row=row,
                summary=summary,
                age=age_text(dob, today),
                age_months=age_in_months(dob, today) if dob is not None else None,
                countdowns=tuple(by_kind.get(kind) for kind, _ in COUNTDOWN_COLUMNS),
                urgent=most_urgent(row.deadlines),
                other=_other_items(row.deadlines),
                statuses=frozenset(deadline.status for deadline in row.deadlines),
                search_text=f"{row.ref}\n{row.name}".casefold(),
            )
        )
    return lines


def _other_items(deadlines: Sequence[Deadline]) -> tuple[str | None, int]:
    """Deadlines of kinds without a column (recording, preparation, assessment, oversight)."""
    others = [d for d in deadlines if d.kind not in _COLUMN_KINDS]
    worst = most_urgent(others)
    if worst is None:
        return (None, 0)
    return (worst.status, sum(1 for d in others if d.status == worst.status))


def natural_widths(lines: Sequence[CaseLine]) -> dict[str, int]:
    """How wide each column's longest cell is (worked out once per load, in the worker)."""
    from screens.cells import countdown_text

    widths = {
        "ref": max([3, *(len(line.ref) for line in lines)]),
        "name": max([4, *(len(line.row.name) for line in lines)]),
        "age": max([3, *(len(line.age) for line in lines)]),
        "worker": max([6, *(len(line.row.worker or "") for line in lines)]),
    }
    for index, (kind, label) in enumerate(COUNTDOWN_COLUMNS):
        cells = max([1, *(len(countdown_text(line.countdowns[index])) for line in lines)])
        widths[f"{kind}_cells"] = cells  # the cells alone: the heading may be shortened
        widths[kind] = max(len(label), cells)
    return widths


def workers_in(lines: Iterable[CaseLine]) -> list[str]:
    return sorted({line.row.worker for line in lines if line.row.worker}, key=str.casefold)


def apply_view(lines: Sequence[CaseLine], view: View) -> list[CaseLine]:
    """The lines to show, in order."""
    needle = view.search.strip().casefold()
    shown = [
        line
        for line in lines
        if (view.include_closed or not line.row.closed)
        and (view.worker is None or line.row.worker == view.worker)
        and (view.status == "all" or view.status in line.statuses)
        and (not needle or needle in line.search_text)
    ]
    shown.sort(key=_sort_key(view.sort), reverse=view.reverse)
    if view.reverse:
        # Reversing must not bring the empty cells to the top.
        empty = [line for line in shown if _is_empty(line, view.sort)]
        shown = [line for line in shown if not _is_empty(line, view.sort)] + empty
    return shown


def counts(lines: Iterable[CaseLine], today: date) -> Counts:
    """Overdue deadlines and those due by the end of this week (Sunday), over open cases."""
    sunday = today + timedelta(days=6 - today.weekday())
    cases = overdue = this_week = 0
    for line in lines:
        if line.row.closed:
            continue
        cases += 1
        for deadline in line.row.deadlines:
            if deadline.status == "overdue":
                overdue += 1
            elif today <= deadline.due <= sunday:
                this_week += 1
    return Counts(cases=cases, overdue=overdue, due_this_week=this_week)


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

        def by_column(line: CaseLine):
            deadline = line.countdowns[index]
            return (urgency_key(deadline) if deadline else _LAST, line.ref)

        return by_column
    if sort == "other":
        return lambda line: (STATUS_RANK.get(line.other[0], 9), -line.other[1], line.ref)
    if sort == "ref":
        return lambda line: line.ref.casefold()
    if sort == "name":
        return lambda line: (line.row.name.casefold(), line.ref)
    if sort == "age":
        # Youngest first; no date of birth last.
        return lambda line: (line.age_months is None, line.age_months or 0, line.ref)
    if sort == "worker":
        return lambda line: ((line.row.worker or "\uffff").casefold(), line.ref)
    if sort == "authority":
        return lambda line: (line.summary.policy_id, line.ref)
    # A case whose deadlines could not be worked out comes first: it needs attention.
    return lambda line: ((-1, date.min) if line.row.error else
                         urgency_key(line.urgent) if line.urgent else _LAST, line.ref)


def _is_empty(line: CaseLine, sort: str) -> bool:
    kinds = [kind for kind, _ in COUNTDOWN_COLUMNS]
    if sort in kinds:
        return line.countdowns[kinds.index(sort)] is None
    if sort == "urgency":
        return line.urgent is None and not line.row.error
    if sort == "other":
        return line.other[0] is None
    if sort == "age":
        return line.age_months is None
    if sort == "worker":
        return not line.row.worker
    return False
