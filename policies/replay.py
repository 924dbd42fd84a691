"""Replaying the deadline engine on a case as it stood before each event, to judge whether the
event happened in time (the supervision measures of models/supervision.py).

- a **visit in time** is a visit where the child was seen, made on or before the visit deadline
  that applied on its day: the deadline the engine gives for the case's facts recorded before
  that day, with "today" set to the visit's date. Visits under a procedure (or a case) with no
  visiting timescale are not counted;
- a **meeting held in time** is judged the same way, against the earliest meeting or review
  deadline that a meeting of its kind would have met (the "next meeting booked" deadline is
  not a timescale and is left out);
- **notes circulated in time** compare the circulation date with the circulation deadline of
  that meeting.

Pure: case facts, packs and a calendar in, counts out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from policies.calendar import WorkingCalendar
from policies.dates import format_date
from policies.engine import compute_deadlines, plan_deadlines
from policies.facts import CaseFacts, MeetingFact
from policies.limits import CaseDataError, check_in_engine_span
from policies.packs import Policy
from policies.today import EARLIEST_ONLY_KINDS, current_occurrence, is_missed
from policies.vocabulary import DEFAULT_MEETING_KINDS

# The deadline kinds a held meeting can meet.
MEETING_DUE_KINDS = ("meeting", "review")

Judged = Literal["visit", "meeting", "circulation"]


@dataclass(frozen=True, slots=True)
class Late:
    """Something that happened after the deadline that applied to it."""

    ref: str
    what: str  # "visit", "review meeting", "notes of the initial meeting"
    on: date   # when it happened
    due: date


@dataclass(frozen=True, slots=True)
class Timeliness:
    """How many dated events happened on or before the deadline that applied to them."""

    counted: int = 0
    in_time: int = 0
    late: tuple[Late, ...] = ()

    @property
    def share(self) -> float | None:
        return self.in_time / self.counted if self.counted else None

    def __add__(self, other: Timeliness) -> Timeliness:
        return Timeliness(self.counted + other.counted, self.in_time + other.in_time,
                          self.late + other.late)

    def words(self) -> str:
        """"7 of 9 (78%)", or "none counted"."""
        if not self.counted:
            return "none counted"
        return f"{self.in_time} of {self.counted} ({round(100 * self.in_time / self.counted)}%)"


def facts_before(facts: CaseFacts, day: date,
                 meetings: tuple[MeetingFact, ...] | None = None) -> CaseFacts:
    """The case as it stood at the start of `day`: only what had happened before it; with
    `meetings`, those instead of the meetings before `day` (one copy of the facts, not two)."""

    def kept(d: date | None) -> date | None:
        return d if d is not None and d < day else None

    stepped_down = facts.stepped_down_on is not None and facts.stepped_down_on < day
    return replace(
        facts,
        visits=tuple(v for v in facts.visits if v.date < day),
        meetings=(tuple(m for m in facts.meetings if m.date < day) if meetings is None
                  else meetings),
        assessment_completed=kept(facts.assessment_completed),
        plan_started=kept(facts.plan_started),
        stepped_down_from=facts.stepped_down_from if stepped_down else None,
        stepped_down_on=facts.stepped_down_on if stepped_down else None,
        events={name: d for name, d in facts.events.items() if d < day},
        closure=None,
        cleared_flags=frozenset(),
        oversight_actions=(),
        tasks_done=tuple(t for t in facts.tasks_done if t.done < day),
    )


@dataclass(frozen=True, slots=True)
class Due:
    """What the replay reads of a deadline that applied on a day: its kind, due date and rule."""

    kind: str
    due: date
    rule_id: str


class Replay:
    """Judges past events against the deadlines that applied to them (one per policy set).

    `reference=True` takes the long way, the whole `compute_deadlines` (status, countdown,
    notes) for each event; the default works out only the due dates the judgements read, with
    the same rules (`_dues`): tests/supervision/test_replay_equivalence.py holds them equal."""

    def __init__(self, policies: Mapping[str, Policy], calendar: WorkingCalendar, *,
                 reference: bool = False) -> None:
        self.policies = policies
        self.calendar = calendar
        self.reference = reference
        self._narrowed: dict[tuple[str, Judged], Policy | None] = {}

    def _deadlines(self, facts: CaseFacts, policy: Policy, day: date) -> list[Due]:
        """The deadlines that applied on `day`; none when the case's data cannot be used (a
        date out of range: the caseload flags that case with the reason; the replay just
        leaves it out)."""
        try:
            if self.reference:
                return [Due(d.kind, d.due, d.rule_id)
                        for d in compute_deadlines(facts, policy, self.calendar, day)]
            return self._dues(facts, policy, day)
        except CaseDataError:
            return []

    def _dues(self, facts: CaseFacts, policy: Policy, day: date) -> list[Due]:
        """`compute_deadlines(facts, policy, calendar, day)` as far as the replay reads it
        (kind, due date, rule; not the status, countdown or notes, most of its cost): the same
        plan, the same missed milestones left out, the same current occurrence of a repeating
        rule, and the same earliest-only kinds (`policies.today.deadlines_for_today`)."""
        planned = plan_deadlines(facts, policy, self.calendar)
        if planned is None:
            return []
        check_in_engine_span("date given as today", day)
        dues: list[Due] = []
        for plan in planned:
            if is_missed(plan, day):
                continue
            due = plan.due
            if plan.repeat is not None:
                due = current_occurrence(plan.repeat, plan.unit, day, self.calendar)[1]
            dues.append(Due(plan.kind, due, plan.rule_id))
        # as policies.today._earliest_of_kinds: the first of the earliest of each such kind
        earliest: dict[str, Due] = {}
        for d in dues:
            if d.kind in EARLIEST_ONLY_KINDS and (d.kind not in earliest
                                                  or d.due < earliest[d.kind].due):
                earliest[d.kind] = d
        return [d for d in dues if d.kind not in EARLIEST_ONLY_KINDS or earliest[d.kind] is d]

    def _policy(self, policy_id: str, what: Judged) -> Policy | None:
        """The case's policy with only the rules that time `what` (visits, meetings,
        circulation)."""
        key = (policy_id, what)
        if key not in self._narrowed:
            policy = self.policies.get(policy_id)
            if policy is None:
                self._narrowed[key] = None
            else:
                if what == "visit":
                    keep = [r for r in policy.rules if r.kind == "visit"]
                elif what == "meeting":
                    keep = [r for r in policy.rules
                            if r.kind in MEETING_DUE_KINDS and r.anchor != "booked_meeting"]
                else:
                    keep = [r for r in policy.rules if r.kind == "circulation"]
                self._narrowed[key] = replace(policy, rules=tuple(keep))
        return self._narrowed[key]

    def visits(self, facts: CaseFacts, start: date, end: date) -> Timeliness:
        """Seen visits dated from `start` to `end` (both included)."""
        policy = self._policy(facts.policy_id, "visit")
        if policy is None:
            return Timeliness()
        counted = in_time = 0
        late: list[Late] = []
        for visit in facts.visits:
            if not visit.seen or not start <= visit.date <= end:
                continue
            due = min((d.due for d in self._deadlines(
                facts_before(facts, visit.date), policy, visit.date)
                if d.kind == "visit"), default=None)
            if due is None:
                continue  # no visiting timescale applied that day
            counted += 1
            if visit.date <= due:
                in_time += 1
            else:
                late.append(Late(facts.ref, "visit", visit.date, due))
        return Timeliness(counted, in_time, tuple(late))

    def meetings(self, facts: CaseFacts, start: date | None = None,
                 end: date | None = None) -> Timeliness:
        """Every held meeting of the Child in Need cycle (and family network meetings); only
        those held from `start` to `end` (both included) when given."""
        policy = self._policy(facts.policy_id, "meeting")
        if policy is None:
            return Timeliness()
        counted = in_time = 0
        late: list[Late] = []
        for meeting in facts.meetings:
            if meeting.status != "held" or not _within(meeting.date, start, end):
                continue
            deadlines = self._deadlines(facts_before(facts, meeting.date), policy,
                                        meeting.date)
            due = min((d.due for d in deadlines if d.kind in MEETING_DUE_KINDS
                       and meeting.kind in _kinds_meeting(policy, d)), default=None)
            if due is None:
                continue
            counted += 1
            if meeting.date <= due:
                in_time += 1
            else:
                late.append(Late(facts.ref, _meeting_words(meeting.kind), meeting.date, due))
        return Timeliness(counted, in_time, tuple(late))

    def circulation(self, facts: CaseFacts, start: date | None = None,
                    end: date | None = None, *, overdue_on: date | None = None) -> Timeliness:
        """Held meetings whose notes have been circulated: on time or late; only the meetings
        held from `start` to `end` (both included) when given. With `overdue_on` (today),
        notes not circulated whose deadline is before that day count as late too."""
        policy = self._policy(facts.policy_id, "circulation")
        if policy is None:
            return Timeliness()
        counted = in_time = 0
        late: list[Late] = []
        for meeting in facts.meetings:
            if meeting.status != "held" or not _within(meeting.date, start, end):
                continue
            if meeting.circulated is None and overdue_on is None:
                continue
            alone = facts_before(facts, meeting.date, (replace(meeting, circulated=None),))
            due = min((d.due for d in self._deadlines(alone, policy, meeting.date)
                       if d.kind == "circulation"), default=None)
            if due is None:
                continue
            if meeting.circulated is None:
                assert overdue_on is not None
                if overdue_on <= due:
                    continue  # not due yet: nothing to judge
                counted += 1
                late.append(Late(facts.ref, f"notes of the {_meeting_words(meeting.kind)} of "
                                 f"{format_date(meeting.date)} (not circulated)", overdue_on,
                                 due))
                continue
            counted += 1
            if meeting.circulated <= due:
                in_time += 1
            else:
                late.append(Late(facts.ref, f"notes of the {_meeting_words(meeting.kind)} of "
                                 f"{format_date(meeting.date)}", meeting.circulated, due))
        return Timeliness(counted, in_time, tuple(late))


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _kinds_meeting(policy: Policy, deadline: Due) -> tuple[str, ...]:
    """The meeting kinds that meet a meeting or review deadline."""
    rule = policy.rule(deadline.rule_id)
    return rule.meeting_kinds or DEFAULT_MEETING_KINDS[deadline.kind]


def _meeting_words(kind: str) -> str:
    return f"{kind.replace('_', ' ')} meeting"
