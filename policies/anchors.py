"""Finding the dates a rule counts from, and whether a rule applies to a case.

`CaseView` sorts a case's visits and meetings once per case, so the many rules of a pack can
look them up without sorting again. Each anchor name of `policies.vocabulary.ANCHORS` has a
resolver here that returns the dated `Anchor`s it finds, each with the words that explain it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from policies.calendar import WorkingCalendar
from policies.dates import format_date as _format_date
from policies.facts import CaseFacts, MeetingFact, VisitFact
from policies.packs import Conditions, Rule, Window
from policies.timescales import shift
from policies.vocabulary import EVENTS

# The same few hundred dates are formatted for every case of a caseload.
format_date = lru_cache(maxsize=1 << 14)(_format_date)

MEETING_WORDS = {
    "family_network": "family network meeting",
    "initial": "initial meeting",
    "review": "review meeting",
    "progress": "progress meeting",
    "closure": "closure meeting",
    "transfer_in": "transfer-in meeting",
}
STEP_DOWN_WORDS = {
    "cp_plan": "a child protection plan",
    "care": "care",
    "supervision_order": "a supervision order",
    "cp_conference": "a child protection conference that decided on no plan",
}


def meeting_words(kind: str) -> str:
    return MEETING_WORDS.get(kind, f"{kind.replace('_', ' ')} meeting")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True, slots=True)
class Anchor:
    date: date
    phrase: str                        # "the visit of 18 Dec 2026, when the child was last seen"
    meeting: MeetingFact | None = None
    visit: VisitFact | None = None
    note: str | None = None            # shown with the deadline, e.g. a date that was assumed


class CaseView:
    """One case's facts, sorted once for all the rules that read them."""

    __slots__ = ("booked", "cancelled", "facts", "held", "seen_dates", "visits")

    def __init__(self, facts: CaseFacts) -> None:
        self.facts = facts
        self.visits: list[VisitFact] = sorted(facts.visits, key=lambda v: v.date)
        self.seen_dates: list[date] = [v.date for v in self.visits if v.seen]
        meetings = sorted(facts.meetings, key=lambda m: m.date)
        self.held = [m for m in meetings if m.status == "held"]
        self.booked = [m for m in meetings if m.status == "booked"]
        self.cancelled = [m for m in meetings if m.status == "cancelled"]

    def seen_on_or_after(self, d: date) -> bool:
        return bisect_left(self.seen_dates, d) < len(self.seen_dates)

    def held_after(self, d: date, kinds: tuple[str, ...], *, inclusive: bool) -> MeetingFact | None:
        return next(
            (m for m in self.held
             if m.kind in kinds and (m.date >= d if inclusive else m.date > d)),
            None,
        )

    def first_booked(self, kinds: tuple[str, ...], on_or_after: date) -> MeetingFact | None:
        return next((m for m in self.booked if m.kind in kinds and m.date >= on_or_after), None)

    def event(self, name: str) -> date | None:
        return self.facts.events.get(name)


# ---------------------------------------------------------------------------------------------
# Resolvers: one per anchor name


def _one(d: date | None, phrase: str) -> list[Anchor]:
    return [Anchor(d, phrase.format(date=format_date(d)))] if d is not None else []


def _allocation(case: CaseView, rule: Rule) -> list[Anchor]:
    return _one(case.facts.allocated, "allocation on {date}")


def _assessment_completed(case: CaseView, rule: Rule) -> list[Anchor]:
    return _one(case.facts.assessment_completed, "the assessment completed on {date}")


def counted_plan_start(facts: CaseFacts) -> tuple[date, bool] | None:
    """The date plan-based deadlines count from, and whether it is the recorded plan start:
    else the first initial CIN meeting held, as the plan starts at that meeting (an import or
    an older record may hold the meeting but no plan start). None: neither."""
    if facts.plan_started is not None:
        return facts.plan_started, True
    initial = min((m.date for m in facts.meetings if m.kind == "initial" and m.status == "held"),
                  default=None)
    return None if initial is None else (initial, False)


def _plan_started(case: CaseView, rule: Rule) -> list[Anchor]:
    found = counted_plan_start(case.facts)
    if found is None:
        return []
    started, recorded = found
    why = "" if recorded else " (the initial CIN meeting's date; no plan start was recorded)"
    return [Anchor(started, f"the plan starting on {format_date(started)}{why}")]


def _step_down(case: CaseView, rule: Rule) -> list[Anchor]:
    source = case.facts.stepped_down_from
    words = STEP_DOWN_WORDS.get(source or "", "another plan")
    return _one(case.facts.stepped_down_on, f"the step-down from {words} on {{date}}")


def _last_seen_visit(case: CaseView, rule: Rule) -> list[Anchor]:
    if not case.seen_dates:
        return []
    return _one(case.seen_dates[-1], "the visit of {date}, when the child was last seen")


def _first_seen_visit(case: CaseView, rule: Rule) -> list[Anchor]:
    first = next((v for v in case.visits if v.seen), None)
    if first is None:
        return []
    return [Anchor(first.date,
                   f"the first visit where the child was seen, on {format_date(first.date)}",
                   visit=first)]


def _each_visit(case: CaseView, rule: Rule) -> list[Anchor]:
    return [Anchor(v.date, f"the visit of {format_date(v.date)}", visit=v) for v in case.visits]


def _last_assessment(case: CaseView, rule: Rule) -> list[Anchor]:
    dates = [d for d in (case.facts.assessment_completed, case.event("assessment_updated")) if d]
    return _one(max(dates), "the assessment of {date}") if dates else []


def _held_phrase(m: MeetingFact, extra: str = "") -> str:
    return f"the {meeting_words(m.kind)} held on {format_date(m.date)}{extra}"


def _meeting_held(case: CaseView, rule: Rule) -> list[Anchor]:
    return [Anchor(m.date, _held_phrase(m), meeting=m)
            for m in case.held if m.kind in rule.anchor_kinds]


def _initial_meeting_held(case: CaseView, rule: Rule) -> list[Anchor]:
    first = next((m for m in case.held if m.kind in rule.anchor_kinds), None)
    return [Anchor(first.date, _held_phrase(first), meeting=first)] if first else []


def _latest_held(case: CaseView, rule: Rule, what: str) -> list[Anchor]:
    last = next((m for m in reversed(case.held) if m.kind in rule.anchor_kinds), None)
    if last is None:
        return []
    return [Anchor(last.date, _held_phrase(last, f", the last {what} held"), meeting=last)]


def _previous_meeting(case: CaseView, rule: Rule) -> list[Anchor]:
    return _latest_held(case, rule, "meeting")


def _previous_review(case: CaseView, rule: Rule) -> list[Anchor]:
    return _latest_held(case, rule, "review")


def _booked_meeting(case: CaseView, rule: Rule) -> list[Anchor]:
    return [
        Anchor(m.date, f"the {meeting_words(m.kind)} booked for {format_date(m.date)}", meeting=m)
        for m in case.booked if m.kind in rule.anchor_kinds
    ]


def _cancellation(case: CaseView, rule: Rule) -> list[Anchor]:
    anchors = []
    for m in case.cancelled:
        if m.kind not in rule.anchor_kinds:
            continue
        words = f"the {meeting_words(m.kind)} booked for {format_date(m.date)}"
        if m.cancelled_on is not None:
            anchors.append(Anchor(
                m.cancelled_on, f"the cancellation on {format_date(m.cancelled_on)} of {words}",
                meeting=m,
            ))
        else:
            anchors.append(Anchor(
                m.date, f"the cancellation of {words}", meeting=m,
                note="The date it was cancelled is not recorded, so this counts from the "
                     "meeting's date.",
            ))
    return anchors


def _nth_meeting(case: CaseView, rule: Rule) -> list[Anchor]:
    meetings = sorted(
        (m for m in (*case.held, *case.booked) if m.kind in rule.anchor_kinds), key=lambda m: m.date
    )
    n = rule.nth or 1
    if len(meetings) < n:
        return []
    m = meetings[n - 1]
    state = "held on" if m.status == "held" else "booked for"
    phrase = f"the {ordinal(n)} meeting, the {meeting_words(m.kind)} {state} {format_date(m.date)}"
    return [Anchor(m.date, phrase, meeting=m)]


def _event(name: str) -> Callable[[CaseView, Rule], list[Anchor]]:
    def resolve(case: CaseView, rule: Rule) -> list[Anchor]:
        return _one(case.event(name), f"{EVENTS[name]} on {{date}}")
    return resolve


RESOLVERS: dict[str, Callable[[CaseView, Rule], list[Anchor]]] = {
    "allocation": _allocation,
    "assessment_completed": _assessment_completed,
    "plan_started": _plan_started,
    "step_down": _step_down,
    "last_seen_visit": _last_seen_visit,
    "first_seen_visit": _first_seen_visit,
    "visit": _each_visit,
    "last_assessment": _last_assessment,
    "meeting_held": _meeting_held,
    "initial_meeting_held": _initial_meeting_held,
    "previous_meeting": _previous_meeting,
    "previous_review": _previous_review,
    "booked_meeting": _booked_meeting,
    "cancellation": _cancellation,
    "nth_meeting": _nth_meeting,
    **{name: _event(name) for name in EVENTS},
}


def resolve(anchor: str, case: CaseView, rule: Rule) -> list[Anchor]:
    return RESOLVERS[anchor](case, rule)


# ---------------------------------------------------------------------------------------------
# Conditions


def case_conditions_hold(conditions: Conditions, facts: CaseFacts) -> bool:
    """The conditions that depend on the case alone (not on the anchor date)."""
    c = conditions
    if c.disabled is not None and c.disabled != facts.disabled:
        return False
    if c.private_fostering is not None and c.private_fostering != facts.private_fostering:
        return False
    if c.key_worker_led is not None and c.key_worker_led != facts.key_worker_led:
        return False
    if c.complex_plan is not None and c.complex_plan != facts.complex_plan:
        return False
    if c.stepped_down is not None and c.stepped_down != (facts.stepped_down_from is not None):
        return False
    if (c.assessment_completed is not None
            and c.assessment_completed != (facts.assessment_completed is not None)):
        return False
    return c.stepped_down_from is None or facts.stepped_down_from in c.stepped_down_from


def window_conditions_hold(
    conditions: Conditions, anchor_date: date, case: CaseView, rule: Rule, calendar: WorkingCalendar
) -> bool:
    """`anchor_within` / `anchor_beyond`. With the event unrecorded, the case counts as within
    the window (the earlier, stricter timescale applies) and not beyond it."""
    within, beyond = conditions.anchor_within, conditions.anchor_beyond
    if within is not None:
        end = _window_end(within, case, rule, calendar)
        if end is not None and anchor_date >= end:
            return False
    if beyond is not None:
        end = _window_end(beyond, case, rule, calendar)
        if end is None or anchor_date < end:
            return False
    return True


def _window_end(window: Window, case: CaseView, rule: Rule,
                calendar: WorkingCalendar) -> date | None:
    found = resolve(window.of, case, rule)
    if not found:
        return None
    return shift(found[0].date, window.count, window.unit, calendar)
