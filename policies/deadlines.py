"""What the deadline engine produces: deadlines that explain themselves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

DeadlineKind = Literal[
    "visit", "visit_recording", "meeting", "preparation",
    "circulation", "review", "assessment", "oversight",
]
DeadlineStatus = Literal["overdue", "due_soon", "ok"]

DEADLINE_KINDS: tuple[str, ...] = (
    "visit", "visit_recording", "meeting", "preparation",
    "circulation", "review", "assessment", "oversight",
)
STATUSES: tuple[str, ...] = ("overdue", "due_soon", "ok")


@dataclass(frozen=True, slots=True)
class Citation:
    procedure: str  # e.g. "Wirral Child in Need procedure (April 2017)"
    section: str    # e.g. "2.11"
    quote: str      # the short phrase the rule rests on

    def __str__(self) -> str:
        return f"{self.procedure}, section {self.section}: \u201c{self.quote}\u201d"


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: str             # one of DEADLINE_KINDS
    label: str            # e.g. "Child seen (every 20 working days)"
    due: date
    status: str           # one of STATUSES
    countdown: int        # in `unit`: positive = left, 0 = due today, negative = late
    unit: str             # "working_days", "days", "weeks", "months" (rules in hours count in days)
    rule_id: str          # e.g. "wirral.visit"
    citation: Citation
    # e.g. "20 working days after the visit of 18 Dec 2026, when the child was last seen"
    basis: str
    notes: tuple[str, ...] = field(default=())  # warnings and the other reading of a contradiction
    # What a manager's note records in CaseFacts.cleared_flags to clear this deadline (oversight
    # and preparation deadlines only): the rule id, or "rule_id@YYYY-MM-DD" for one occurrence
    # of a repeating rule or one meeting's preparation. Empty when it cannot be cleared.
    flag_id: str = ""


def something_overdue(deadlines: Iterable[Deadline]) -> bool:
    """Whether a child counts as overdue: at least one of their open deadlines is past its
    date. The one definition behind the caseload header's and the team view's "children with
    something overdue", and the caseload's "something overdue" filter."""
    return any(deadline.status == "overdue" for deadline in deadlines)


# --- what is fixed by a case's facts, its pack and the calendar ------------------------------


@dataclass(frozen=True, slots=True)
class Repeat:
    """What finds the current occurrence of a repeating rule on a given day: occurrence k is
    due `count + k * step` `unit` after `anchor`; `cleared` holds the ISO due dates of the
    occurrences a manager's note cleared; `phrase` names the anchor in the basis."""

    anchor: date
    count: int
    step: int
    phrase: str
    cleared: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PlannedDeadline:
    """A deadline as far as it does not depend on today (policies.engine.plan_deadlines).

    `due` and `basis` are those of a rule that does not repeat (for a repeating rule, its first
    occurrence's; `repeat` then finds the current one). `unit` is the rule's own unit (the
    countdown's is `policies.timescales.countdown_unit` of it). `booking_warning`: no meeting
    is booked, so "Nothing is booked ..." is added when the due date is near today.
    `policies.today.deadlines_for_today` turns these into `Deadline`s for a given day."""

    kind: str
    label: str
    due: date
    unit: str
    rule_id: str
    citation: Citation
    basis: str
    notes: tuple[str, ...] = ()
    flag_id: str = ""
    booking_warning: bool = False
    repeat: Repeat | None = None
    # A one-off milestone overtaken by a later stage (`Rule.overtaken_by`): from this day on
    # it is missed (history, policies.today.missed_on), no longer an open deadline; `overtaken`
    # names the stage, e.g. "the plan started on 14 Apr 2026".
    missed_from: date | None = None
    overtaken: str = ""


@dataclass(frozen=True, slots=True)
class Missed:
    """A one-off milestone never recorded whose moment has clearly passed: its due date is
    past and a later stage of the case (`overtaken`) is reached. Shown as history."""

    kind: str
    label: str
    due: date
    rule_id: str
    citation: Citation
    basis: str
    overtaken: str  # "the plan started on 14 Apr 2026"
