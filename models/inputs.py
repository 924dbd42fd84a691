"""Typed inputs to the write commands, shared by the importer and the forms.

The importer turns a JSON or CSV record into a `CaseInput`; `models.commands.upsert_cases`
validates and writes it. The forms build `VisitInput` / `MeetingInput` / `ClosureInput`.
Field names follow the JSON import format in the README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date

from policies.facts import Frequency


@dataclass(slots=True)
class VisitInput:
    date: Date
    seen: bool = True
    seen_alone: bool | None = None
    not_alone_reason: str | None = None
    childs_voice: str | None = None
    location: str | None = None  # "home", "school" or "other"
    recorded: Date | None = None
    # Its identity (a JSON export's "id"); None: matched by date and `seen` instead.
    uid: str | None = None
    # The fields the source gave; on re-import the others keep their stored values. None: all.
    fields_given: frozenset[str] | None = None
    # Withdrawn (kept, no longer counted): the day and why (models/corrections.py).
    withdrawn_on: Date | None = None
    withdrawn_reason: str | None = None


@dataclass(slots=True)
class MeetingInput:
    kind: str    # policies.facts.MEETING_KINDS
    status: str  # "booked", "held" or "cancelled"
    date: Date
    chair: str | None = None
    chair_role: str | None = None
    family_attended: bool | None = None
    circulated: Date | None = None
    cancelled_on: Date | None = None
    cancel_reason: str | None = None
    uid: str | None = None  # as VisitInput.uid; None: matched by kind and date
    fields_given: frozenset[str] | None = None
    withdrawn_on: Date | None = None  # as VisitInput.withdrawn_on
    withdrawn_reason: str | None = None


@dataclass(slots=True)
class ClosureInput:
    date: Date
    reason: str  # census code RC1-RC9 or one of the pack's own reasons
    note: str | None = None
    step_down_to_early_help: bool = False
    lead_professional: str | None = None
    checklist: dict[str, bool] = field(default_factory=dict)  # pack checklist item id -> done
    fields_given: frozenset[str] | None = None  # as VisitInput.fields_given


@dataclass(slots=True)
class TaskDoneInput:
    """A task or one-off milestone recorded as done (the JSON `tasks_done`; models/tasks.py)."""

    rule: str  # the pack's rule id ("checkpoint_1") or qualified ("rochdale.checkpoint_1")
    done: Date
    due: Date | None = None  # the occurrence, for a task repeated per meeting or period
    note: str | None = None


@dataclass(slots=True)
class CaseInput:
    ref: str
    name: str
    allocated: Date
    policy: str
    dob: Date | None = None
    worker: str | None = None
    team: str | None = None
    family: str | None = None
    disabled: bool = False
    private_fostering: bool = False
    visit_every: Frequency | None = None
    assessment_completed: Date | None = None
    plan_started: Date | None = None
    stepped_down_from: str | None = None
    stepped_down_on: Date | None = None
    complex_plan: bool = False  # Wirral 3.1: the 6-month review applies to a complex plan only
    key_worker_led: bool = False  # Leicestershire's SSWOP oversight: a key-worker-held plan
    # DfE Children in Need census fields: codes from policies/census_codes.toml, checked by
    # models/census_checks.py. An empty list is none recorded.
    referral_date: Date | None = None
    referral_source: str | None = None
    primary_need: str | None = None
    assessment_started: Date | None = None
    assessment_factors: list[str] = field(default_factory=list)
    plan_ended: Date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    upn: str | None = None
    upn_unknown: str | None = None
    disabilities: list[str] = field(default_factory=list)
    visits: list[VisitInput] = field(default_factory=list)
    meetings: list[MeetingInput] = field(default_factory=list)
    closure: ClosureInput | None = None
    # Which record this came from, for error messages: "cases.json:3" or "cases.csv:row 7".
    source: str | None = None
    # Other dated anchor events named by pack rules (policies.facts.CaseFacts.events).
    events: dict[str, Date] = field(default_factory=dict)
    # The case fields the source actually gave (a JSON record's keys, a CSV row's non-blank
    # cells). None means all of them. On re-import, fields not given keep their stored values.
    fields_given: frozenset[str] | None = None
    # Fields filled from --policy / --worker because the record named none: on re-import they
    # fill an empty stored value but never replace one.
    defaulted: frozenset[str] = frozenset()
    # Event names given as null (cleared); `events` holds the ones given with a date.
    cleared_events: frozenset[str] = frozenset()
    # The history is a case list's summary (CSV: last visit, next meeting...), not the record
    # itself: it may add a visit or meeting, fill what was not recorded, or move a booked
    # meeting to held, but never changes or blanks a recorded value.
    summary_history: bool = False
    # Tasks and one-off milestones done (models/tasks.py); an import adds them, never removes.
    tasks_done: list[TaskDoneInput] = field(default_factory=list)
