"""Plain case facts: the only input the deadline engine reads.

`models/` turns database rows into these; tests build them by hand. Adding a field is fine as
long as it has a default, so every producer of facts keeps working.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

MeetingKind = Literal[
    "family_network", "initial", "review", "progress", "closure", "transfer_in"
]
MeetingStatus = Literal["booked", "held", "cancelled"]
FrequencyUnit = Literal["working_days", "days", "weeks", "months"]

MEETING_KINDS: tuple[str, ...] = (
    "family_network", "initial", "review", "progress", "closure", "transfer_in",
)
MEETING_STATUSES: tuple[str, ...] = ("booked", "held", "cancelled")

# What a child can step down (or across) into Child in Need from.
STEP_DOWN_SOURCES: tuple[str, ...] = (
    "cp_plan",           # a child protection plan ended
    "care",              # ceased to be looked after / returned home from care
    "supervision_order", # a supervision order ended
    "cp_conference",     # an initial or review conference decided on no CP plan
)


@dataclass(frozen=True, slots=True)
class Frequency:
    """A per-case visiting frequency, e.g. "10wd", "4w", "28d", "1m"."""

    count: int
    unit: FrequencyUnit


# In VisitFact and MeetingFact the field `date` hides the type below it, so the later fields
# spell the type `datetime.date`.
@dataclass(frozen=True, slots=True)
class VisitFact:
    date: date
    seen: bool = True
    seen_alone: bool | None = None
    recorded: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class MeetingFact:
    kind: str
    status: str
    date: date
    chair_role: str | None = None
    circulated: datetime.date | None = None
    cancelled_on: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class ClosureFact:
    date: date
    reason: str


@dataclass(frozen=True, slots=True)
class OversightActionFact:
    """An action from a management oversight note: open until done."""

    description: str
    owner: str
    due: date
    done: date | None = None


@dataclass(frozen=True, slots=True)
class TaskDoneFact:
    """A rule's task marked done (by the worker, or a milestone an import records as met):
    `rule_id` qualified ("camden.invitations"); `due` the occurrence done (its due date) of a
    rule repeated per meeting or per period, None for a one-off (or any occurrence)."""

    rule_id: str
    done: date
    due: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    ref: str
    policy_id: str
    allocated: date
    dob: date | None = None
    disabled: bool = False
    private_fostering: bool = False
    visit_every: Frequency | None = None
    assessment_completed: date | None = None
    plan_started: date | None = None
    stepped_down_from: str | None = None
    stepped_down_on: date | None = None
    visits: tuple[VisitFact, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()
    closure: ClosureFact | None = None
    # Other dated anchor events named by pack rules (e.g. "private_fostering_notified",
    # "safety_plan_agreed", "transfer_plan_received"), keyed by event name.
    events: dict[str, date] = field(default_factory=dict)
    # Oversight flags (rule ids) cleared by a recorded management note.
    cleared_flags: frozenset[str] = frozenset()
    oversight_actions: tuple[OversightActionFact, ...] = ()
    # Tasks marked done (models: the task_completions not withdrawn).
    tasks_done: tuple[TaskDoneFact, ...] = ()
    # The plan is held by a key worker rather than a social worker (Leicestershire's SSWOP
    # oversight applies only then).
    key_worker_led: bool = False
    # The plan is recorded as complex (Wirral 3.1's 6-month review applies only then).
    complex_plan: bool = False
    # Why part of the stored record could not be read (e.g. a visiting frequency or an event
    # date written by another program). The engine then refuses to work out deadlines
    # (policies.limits.CaseDataError) rather than work them out without it.
    unreadable: str | None = None
