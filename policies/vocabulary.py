"""The words a policy pack may use: rule kinds, units, anchors, conditions and event names.

One list, read by the loader (to validate packs and say what is accepted), by the engine (to
resolve anchors) and by docs/policies.md. Adding an anchor means adding it here and teaching
`policies.anchors` to find its date.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.deadlines import DEADLINE_KINDS
from policies.facts import MEETING_KINDS, STEP_DOWN_SOURCES

KINDS: tuple[str, ...] = DEADLINE_KINDS
UNITS: tuple[str, ...] = ("working_days", "days", "weeks", "months", "hours")
PER_CASE = "per_case"  # the visiting frequency recorded on the case (CaseFacts.visit_every)
DIRECTIONS: tuple[str, ...] = ("after", "before")

# The meetings that make up a Child in Need plan's cycle (a family network meeting comes before
# the plan, so it is not one of them).
CIN_MEETING_KINDS: tuple[str, ...] = ("initial", "review", "progress", "closure", "transfer_in")
REVIEW_MEETING_KINDS: tuple[str, ...] = ("review", "progress", "closure")

# Dated events a pack may count from, recorded in CaseFacts.events under these names.
EVENTS: dict[str, str] = {
    "private_fostering_notified": "private fostering notified",
    "safety_plan_agreed": "the safety plan agreed",
    "transfer_plan_received": "the transfer plan received",
    "supervision": "the last supervision",
    "sswop_oversight": "the last SSWOP oversight",
    "assessment_updated": "the assessment updated",
    # Events that mark a task done (for `met_by_event`).
    "safety_plan_circulated": "the safety plan circulated",
    "step_down_completed": "the step-down completed on the system",
    "genogram_uploaded": "the genogram uploaded",
}


@dataclass(frozen=True, slots=True)
class AnchorSpec:
    """How an anchor finds its date(s) in the case facts."""

    description: str
    # moves on as facts are recorded (last visit, last meeting): never "met"
    rolling: bool = False
    per_item: bool = False    # one date per visit or meeting (circulation, recording, preparation)
    meetings: bool = False    # looks at meetings: `anchor_kinds` says which kinds
    default_kinds: tuple[str, ...] = ()


ANCHORS: dict[str, AnchorSpec] = {
    "allocation": AnchorSpec("the date the case was allocated"),
    "assessment_completed": AnchorSpec("the date the assessment was completed"),
    "plan_started": AnchorSpec("the date the Child in Need plan started"),
    "step_down": AnchorSpec(
        "the date the child stepped down (or across) into Child in Need; "
        "use the `stepped_down_from` condition to say from what"
    ),
    "last_seen_visit": AnchorSpec(
        "the latest visit at which the child was seen (visits where the child was not seen "
        "do not count)", rolling=True,
    ),
    "first_seen_visit": AnchorSpec("the first visit at which the child was seen"),
    "visit": AnchorSpec("each recorded visit, seen or not", per_item=True),
    "last_assessment": AnchorSpec(
        "the latest of the assessment completed and the `assessment_updated` event", rolling=True,
    ),
    "meeting_held": AnchorSpec(
        "each meeting held", per_item=True, meetings=True, default_kinds=MEETING_KINDS,
    ),
    "initial_meeting_held": AnchorSpec(
        "the first meeting held of the anchor kinds", meetings=True,
        default_kinds=("initial", "transfer_in"),
    ),
    "previous_meeting": AnchorSpec(
        "the latest meeting held of the anchor kinds", rolling=True, meetings=True,
        default_kinds=CIN_MEETING_KINDS,
    ),
    "previous_review": AnchorSpec(
        "the latest review held (of the anchor kinds)", rolling=True, meetings=True,
        default_kinds=REVIEW_MEETING_KINDS,
    ),
    "booked_meeting": AnchorSpec(
        "each meeting booked (not yet held or cancelled)", per_item=True, meetings=True,
        default_kinds=MEETING_KINDS,
    ),
    "cancellation": AnchorSpec(
        "each cancelled meeting, from the date it was cancelled (the meeting's date when that "
        "is not recorded)", per_item=True, meetings=True, default_kinds=MEETING_KINDS,
    ),
    "nth_meeting": AnchorSpec(
        "the n-th meeting (held or booked, by date) of the anchor kinds; set `nth`",
        meetings=True, default_kinds=CIN_MEETING_KINDS,
    ),
    **{
        name: AnchorSpec(f"the `{name}` event ({words})",
                         rolling=name in ("supervision", "sswop_oversight"))
        for name, words in EVENTS.items()
    },
}

# Which recorded meetings satisfy a `meeting` or `review` rule when `meeting_kinds` is not set.
DEFAULT_MEETING_KINDS: dict[str, tuple[str, ...]] = {
    "meeting": CIN_MEETING_KINDS,
    "review": REVIEW_MEETING_KINDS,
}

# Who marks a rule done when nothing recorded meets it (a rule's `done_by`).
DONE_BY: dict[str, str] = {
    "worker": "the worker marks it done, with the date (`cin done`, or on the case screen)",
    "manager": "a manager's oversight note clears it",
}
# The kinds each `done_by` may be set on. A worker cannot tick off a visit, a meeting or an
# assessment: those are met by recording them. A rule with `met_by_event` may be done by the
# worker too (the event is what they did).
DONE_BY_KINDS: dict[str, tuple[str, ...]] = {
    "worker": ("preparation", "oversight", "circulation", "visit_recording"),
    "manager": ("preparation", "oversight"),
}

# The stages of a case that overtake a one-off milestone of its first weeks (a rule's
# `overtaken_by`): once one is recorded and the milestone is past due, it is missed.
MILESTONE_STAGES: dict[str, str] = {
    "assessment_completed": "the assessment was completed",
    "plan_started": "the plan started",
    "cin_meeting_held": "a Child in Need meeting was held",
}
# Anchors a milestone may count from: fixed dates of the case's first weeks (not rolling, not
# one per visit or meeting).
MILESTONE_ANCHORS: tuple[str, ...] = (
    "allocation", "assessment_completed", "first_seen_visit", "private_fostering_notified",
)

BOOL_CONDITIONS: dict[str, str] = {
    "disabled": "the child is disabled",
    "private_fostering": "the child is privately fostered",
    "key_worker_led": "the plan is held by a key worker (not a social worker)",
    "complex_plan": "the plan is a complex one (the case is recorded as complex)",
    "stepped_down": "the child stepped down (or across) into Child in Need",
    "assessment_completed": "the assessment has been completed",
}
WINDOW_CONDITIONS: dict[str, str] = {
    "anchor_within": "the anchor date is before `count` `unit` after the event `of`",
    "anchor_beyond": "the anchor date is on or after `count` `unit` after the event `of`",
}
LIST_CONDITIONS: dict[str, tuple[str, ...]] = {"stepped_down_from": STEP_DOWN_SOURCES}
CONDITIONS: tuple[str, ...] = (*BOOL_CONDITIONS, *LIST_CONDITIONS, *WINDOW_CONDITIONS)


def or_list(words: tuple[str, ...] | list[str]) -> str:
    """"a, b or c": the accepted values, as an error message lists them."""
    words = list(words)
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]
