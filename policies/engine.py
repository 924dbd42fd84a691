"""The deadline engine: a case's facts and a policy pack in, explained deadlines out.

Everything an authority decides is in its pack; the engine only knows what each rule kind and
anchor mean (docs/policies.md):

- a rule applies when its conditions hold for the case;
- its anchor gives the date(s) to count from (the last seen visit, each held meeting, ...);
- a rule counting from a fixed event is met once the thing it asks for is recorded (a seen
  visit, a meeting held, the assessment, a circulation or recording date); a rule counting from
  a rolling anchor (last seen visit, last meeting) is never met: the anchor moves on instead;
- oversight and preparation deadlines are cleared by a manager's note (CaseFacts.cleared_flags).

A closed case has no deadlines. Only the earliest `visit` and the earliest `review` deadline
are kept: one seen visit (one review) meets them all, so the earliest is the one that binds.
"""

from __future__ import annotations

from datetime import date

from policies.anchors import (
    Anchor,
    CaseView,
    case_conditions_hold,
    format_date,
    meeting_words,
    resolve,
    window_conditions_hold,
)
from policies.calendar import WorkingCalendar
from policies.dates import format_frequency
from policies.deadlines import DEADLINE_KINDS, Citation, Deadline
from policies.facts import CaseFacts
from policies.limits import ENGINE_FIRST, ENGINE_LAST, CaseDataError, check_in_engine_span
from policies.packs import Policy, Rule, normalise_role
from policies.timescales import amount, countdown, countdown_unit, shift
from policies.vocabulary import ANCHORS, DEFAULT_MEETING_KINDS

# A review due within this many working days with no meeting booked is flagged.
BOOKING_WARNING_WORKING_DAYS = 10
# One deadline per case for these kinds: the earliest binds, and one event meets them all.
EARLIEST_ONLY_KINDS = ("visit", "review")
# Kinds where a rule gives at most one deadline per case (its earliest open one).
ONE_PER_RULE_KINDS = ("visit", "meeting", "review", "assessment")
CLEARABLE_KINDS = ("oversight", "preparation")
_KIND_ORDER = {kind: i for i, kind in enumerate(DEADLINE_KINDS)}

_FALLBACK_REASONS = {
    "last_seen_visit": "no visit where the child was seen is recorded",
    "previous_meeting": "no meeting has been held",
    "previous_review": "no review has been held",
    "last_assessment": "no assessment is recorded",
    "supervision": "no supervision is recorded",
    "sswop_oversight": "no SSWOP oversight is recorded",
}


def compute_deadlines(
    facts: CaseFacts,
    policy: Policy,
    calendar: WorkingCalendar,
    today: date,
    *,
    amber_working_days: int = 5,
) -> list[Deadline]:
    """The case's open deadlines under `policy`, sorted by due date; [] for a closed case.

    Raises `policies.limits.DateOutOfRange` (naming the date) when today or a date of the case
    is outside the span deadlines can be worked out for, or a deadline would fall outside it:
    never OverflowError; `CaseDataError` when part of the record could not be read
    (`facts.unreadable`). The caller shows the case flagged with that reason."""
    if facts.closure is not None:
        return []
    if facts.unreadable:
        raise CaseDataError(facts.unreadable)
    _check_span(facts, today)
    run = _Run(CaseView(facts), calendar, today, amber_working_days)
    deadlines: list[Deadline] = []
    next_meeting_rules: list[Rule] = []
    for rule in policy.rules:
        if not case_conditions_hold(rule.conditions, facts):
            continue
        if rule.kind == "meeting" and rule.anchor == "booked_meeting":
            next_meeting_rules.append(rule)  # "the next booked meeting": see below
            continue
        deadlines.extend(run.rule_deadlines(rule))
    # `meeting` is the first meeting(s) the procedure times until they are held, and after
    # that the next meeting booked, unless that booking is already shown against an open
    # meeting deadline (an initial meeting booked, a cancelled review re-booked).
    covered = {
        kind
        for d in deadlines if d.kind == "meeting"
        for kind in (policy.rule(d.rule_id).meeting_kinds or DEFAULT_MEETING_KINDS["meeting"])
    }
    for rule in next_meeting_rules:
        deadlines.extend(run.rule_deadlines(rule, skip_meeting_kinds=frozenset(covered)))
    deadlines.extend(run.action_deadlines(policy))
    deadlines = _earliest_of_kinds(deadlines, EARLIEST_ONLY_KINDS)
    deadlines.sort(key=lambda d: (d.due, _KIND_ORDER.get(d.kind, 99), d.rule_id))
    return deadlines


def _check_span(facts: CaseFacts, today: date) -> None:
    """DateOutOfRange, naming the first date outside the engine's span, if there is one."""
    check_in_engine_span("date given as today", today)
    dates = [facts.allocated, *(d for d in (facts.dob, facts.assessment_completed,
                                            facts.plan_started, facts.stepped_down_on) if d)]
    dates += [d for v in facts.visits for d in (v.date, v.recorded) if d]
    dates += [d for m in facts.meetings for d in (m.date, m.circulated, m.cancelled_on) if d]
    dates += facts.events.values()
    dates += [d for a in facts.oversight_actions for d in (a.due, a.done) if d]
    if min(dates) < ENGINE_FIRST or max(dates) > ENGINE_LAST:
        for what, when in _dated_facts(facts):  # words only when one is out of range
            check_in_engine_span(what, when)


def _dated_facts(facts: CaseFacts) -> list[tuple[str, date]]:
    """Every date of a case the engine may count from, each with the words that name it."""
    dated: list[tuple[str, date | None]] = [
        ("allocation date", facts.allocated),
        ("date of birth", facts.dob),
        ("assessment completion date", facts.assessment_completed),
        ("plan start date", facts.plan_started),
        ("step-down date", facts.stepped_down_on),
    ]
    for visit in facts.visits:
        dated += [("visit date", visit.date), ("visit's recorded date", visit.recorded)]
    for meeting in facts.meetings:
        what = f"{meeting.status} {meeting_words(meeting.kind)}"
        dated += [(f"date of the {what}", meeting.date),
                  (f"circulation date of the {what}", meeting.circulated),
                  (f"cancellation date of the {what}", meeting.cancelled_on)]
    dated += [(f"{event.replace('_', ' ')} date", when) for event, when in facts.events.items()]
    for action in facts.oversight_actions:
        dated += [("oversight action's due date", action.due), ("oversight action's done date", action.done)]
    return [(what, when) for what, when in dated if when is not None]


def _earliest_of_kinds(deadlines: list[Deadline], kinds: tuple[str, ...]) -> list[Deadline]:
    earliest: dict[str, Deadline] = {}
    for d in deadlines:
        if d.kind in kinds and (d.kind not in earliest or d.due < earliest[d.kind].due):
            earliest[d.kind] = d
    return [d for d in deadlines if d.kind not in kinds or earliest[d.kind] is d]


class _Run:
    """One case under one policy: the shared inputs of every rule's evaluation."""

    def __init__(self, case: CaseView, calendar: WorkingCalendar, today: date, amber: int) -> None:
        self.case = case
        self.facts = case.facts
        self.calendar = calendar
        self.today = today
        self.amber = amber

    # -- one rule ---------------------------------------------------------------------------

    def rule_deadlines(self, rule: Rule, skip_meeting_kinds: frozenset[str] = frozenset()) -> list[Deadline]:
        anchor_name = rule.anchor
        anchors = resolve(anchor_name, self.case, rule)
        if skip_meeting_kinds:
            anchors = [a for a in anchors if a.meeting is None or a.meeting.kind not in skip_meeting_kinds]
        fallback_reason = None
        if not anchors and rule.fallback_anchor:
            fallback_reason = _FALLBACK_REASONS.get(anchor_name, f"nothing is recorded for {anchor_name}")
            anchor_name = rule.fallback_anchor
            anchors = resolve(anchor_name, self.case, rule)
        found: list[Deadline] = []
        for anchor in anchors:
            if not window_conditions_hold(rule.conditions, anchor.date, self.case, rule, self.calendar):
                continue
            if self._met(rule, anchor_name, anchor):
                continue
            deadline = self._deadline(rule, anchor_name, anchor, fallback_reason)
            if deadline is not None:
                found.append(deadline)
        if len(found) > 1 and rule.kind in ONE_PER_RULE_KINDS:
            return [min(found, key=lambda d: d.due)]
        return found

    def _met(self, rule: Rule, anchor_name: str, anchor: Anchor) -> bool:
        """Whether what the rule asks for is already recorded for this anchor."""
        if rule.met_by_event:
            done = self.case.event(rule.met_by_event)
            if done is not None and done >= anchor.date:
                return True
        spec = ANCHORS[anchor_name]
        kind = rule.kind
        if kind == "circulation":
            return anchor.meeting is not None and anchor.meeting.circulated is not None
        if kind == "visit_recording":
            visit = anchor.visit or self._first_visit_from(anchor.date)
            return visit is None or visit.recorded is not None
        if kind == "oversight":
            return self._chaired_as_required(rule)
        if spec.rolling or kind == "preparation" or anchor_name == "booked_meeting":
            return False
        if kind == "visit":
            return self.case.seen_on_or_after(anchor.date)
        if kind in ("meeting", "review"):
            kinds = rule.meeting_kinds or DEFAULT_MEETING_KINDS[kind]
            # A meeting held does not meet a rule that counts from itself.
            inclusive = anchor.meeting is None
            return self.case.held_after(anchor.date, kinds, inclusive=inclusive) is not None
        if kind == "assessment":
            return self.facts.assessment_completed is not None
        return False

    def _first_visit_from(self, d: date):
        return next((v for v in self.case.visits if v.date >= d), None)

    def _chaired_as_required(self, rule: Rule) -> bool:
        chaired = rule.chaired_by
        if chaired is None:
            return False
        meetings = [m for m in self.case.held if m.kind in chaired.kinds]
        if len(meetings) < chaired.meeting:
            return False
        role = meetings[chaired.meeting - 1].chair_role
        return role is not None and normalise_role(role) in chaired.roles

    def _cleared(self, rule: Rule, flag_id: str) -> bool:
        cleared = self.facts.cleared_flags
        return rule.qualified_id in cleared or rule.id in cleared or flag_id in cleared

    # -- the deadline -----------------------------------------------------------------------

    def _deadline(self, rule: Rule, anchor_name: str, anchor: Anchor, fallback_reason: str | None) -> Deadline | None:
        timescale = rule.timescale
        before = timescale.direction == "before"
        phrase = anchor.phrase + (f", as {fallback_reason}" if fallback_reason else "")
        notes = list(rule.notes)
        if anchor.note:
            notes.append(anchor.note)
        frequency = self.facts.visit_every
        if timescale.per_case:
            if frequency is None:
                return None  # the procedure sets no timescale and the case records none
            count, unit = frequency.count, frequency.unit
            due = shift(anchor.date, count, unit, self.calendar)
            basis = f"{amount(count, unit)} after {phrase} (the visiting frequency recorded on the case)"
        else:
            count, unit = timescale.count or 0, timescale.unit
            due = shift(anchor.date, count, unit, self.calendar, before=before)
            basis = _basis(count, unit, phrase, before)
            if rule.kind == "visit" and frequency is not None and ANCHORS[anchor_name].rolling:
                case_due = shift(anchor.date, frequency.count, frequency.unit, self.calendar)
                if case_due < due:
                    notes.append(
                        f"The visiting frequency recorded on the case ({format_frequency(frequency)}) "
                        f"is sooner than the procedure's {amount(count, unit)}, so it is used."
                    )
                    count, unit, due = frequency.count, frequency.unit, case_due
                    basis = f"{amount(count, unit)} after {phrase} (the visiting frequency recorded on the case)"
        flag_id = ""
        if rule.kind in CLEARABLE_KINDS:
            flag_id = rule.qualified_id
            item = anchor.meeting or anchor.visit
            if item is not None and ANCHORS[anchor_name].per_item:
                flag_id = f"{rule.qualified_id}@{item.date.isoformat()}"
            if rule.repeat is not None:
                occurrence = self._occurrence(rule, anchor, count, unit)
                if occurrence is None:
                    return None
                k, due = occurrence
                flag_id = f"{rule.qualified_id}@{due.isoformat()}"
                if k:
                    basis = (f"{amount(count + k * rule.repeat.count, unit)} after {phrase} "
                             f"({amount(count, unit)}, then every {amount(rule.repeat.count, unit)})")
            elif self._cleared(rule, flag_id):
                return None
        notes.extend(self._other_readings(rule, anchor, before))
        if rule.kind in ("meeting", "review") and anchor_name != "booked_meeting":
            notes.extend(self._booking_warnings(rule, anchor, due))
        return Deadline(
            kind=rule.kind,
            label=rule.label,
            due=due,
            status=self._status(due),
            countdown=countdown(self.today, due, unit, self.calendar),
            unit=countdown_unit(unit),
            rule_id=rule.qualified_id,
            citation=rule.citation,
            basis=basis,
            notes=tuple(notes),
            flag_id=flag_id,
        )

    def _occurrence(self, rule: Rule, anchor: Anchor, count: int, unit: str) -> tuple[int, date] | None:
        """The current occurrence of a repeating rule: the latest one due by today (earlier
        ones are overtaken by it), or the first one if none is due yet; an occurrence cleared
        by a manager's note moves on to the next. None if the whole rule is cleared."""
        if rule.qualified_id in self.facts.cleared_flags or rule.id in self.facts.cleared_flags:
            return None
        step = rule.repeat.count  # type: ignore[union-attr]

        def due_of(k: int) -> date:
            return shift(anchor.date, count + k * step, unit, self.calendar)

        k = max(0, (_elapsed(anchor.date, self.today, unit, self.calendar) - count) // step)
        while k > 0 and due_of(k) > self.today:
            k -= 1
        while due_of(k + 1) <= self.today:
            k += 1
        due = due_of(k)
        while f"{rule.qualified_id}@{due.isoformat()}" in self.facts.cleared_flags:
            k += 1
            due = due_of(k)
        return k, due

    def _other_readings(self, rule: Rule, anchor: Anchor, before: bool) -> list[str]:
        notes = []
        for other in rule.other_readings:
            other_due = shift(anchor.date, other.count, other.unit, self.calendar, before=before)
            note = (f"Other reading: {amount(other.count, other.unit)} (section {other.section}: "
                    f"\u201c{other.quote}\u201d) would give {format_date(other_due)}.")
            notes.append(f"{note} {other.note}" if other.note else note)
        return notes

    def _booking_warnings(self, rule: Rule, anchor: Anchor, due: date) -> list[str]:
        kinds = rule.meeting_kinds or DEFAULT_MEETING_KINDS[rule.kind]
        booked = self.case.first_booked(kinds, anchor.date)
        if booked is not None:
            if booked.date > due:
                return [f"The {meeting_words(booked.kind)} booked for {format_date(booked.date)} "
                        f"is later than this deadline ({format_date(due)})."]
            return [f"Booked: the {meeting_words(booked.kind)} on {format_date(booked.date)}."]
        if self.calendar.working_days_between(self.today, due) <= BOOKING_WARNING_WORKING_DAYS:
            return [f"Nothing is booked, and this is due within {BOOKING_WARNING_WORKING_DAYS} working days."
                    if due >= self.today else "Nothing is booked."]
        return []

    def _status(self, due: date) -> str:
        if self.today > due:
            return "overdue"
        if self.calendar.working_days_between(self.today, due) <= self.amber:
            return "due_soon"
        return "ok"

    # -- actions from management oversight notes --------------------------------------------

    def action_deadlines(self, policy: Policy) -> list[Deadline]:
        return [
            Deadline(
                kind="oversight",
                label=f"Oversight action: {action.description}",
                due=action.due,
                status=self._status(action.due),
                countdown=countdown(self.today, action.due, "days", self.calendar),
                unit="days",
                rule_id=f"{policy.id}.oversight_action",
                citation=Citation("Management oversight note", "action", action.description),
                basis=f"set by a management oversight note for {action.owner}, due {format_date(action.due)}",
            )
            for action in self.facts.oversight_actions
            if action.done is None
        ]


def _basis(count: int, unit: str, phrase: str, before: bool) -> str:
    if count == 0:
        return f"the date of {phrase}"
    return f"{amount(count, unit)} {'before' if before else 'after'} {phrase}"


def _elapsed(start: date, end: date, unit: str, calendar: WorkingCalendar) -> int:
    """Roughly how many `unit` from start to end (a first guess, corrected by the caller)."""
    if end <= start:
        return 0
    if unit == "months":
        return (end.year - start.year) * 12 + end.month - start.month
    if unit == "working_days":
        return calendar.working_days_between(start, end)
    days = (end - start).days
    return {"weeks": days // 7, "hours": days * 24}.get(unit, days)
