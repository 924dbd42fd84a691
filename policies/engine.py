"""The deadline engine: a case's facts and a policy pack in, explained deadlines out.

Everything an authority decides is in its pack; the engine only knows what each rule kind and
anchor mean (docs/policies.md):

- a rule applies when its conditions hold for the case;
- its anchor gives the date(s) to count from (the last seen visit, each held meeting, ...);
- a rule counting from a fixed event is met once the thing it asks for is recorded (a seen
  visit, a meeting held, the assessment, a circulation or recording date); a rule counting from
  a rolling anchor (last seen visit, last meeting) is never met: the anchor moves on instead;
- oversight and preparation deadlines are cleared by a manager's note (CaseFacts.cleared_flags);
- a task marked done (CaseFacts.tasks_done) meets its rule's deadline: the one occurrence it
  names (its due date), or, with no due date, the rule's one-off deadline;
- a one-off milestone (`Rule.overtaken_by`) past due once a later stage is reached is missed
  from then on (PlannedDeadline.missed_from): history, not a countdown (policies.today).

A closed case has no deadlines. Only the earliest `visit` and the earliest `review` deadline
are kept: one seen visit (one review) meets them all, so the earliest is the one that binds.

Two parts: `plan_deadlines` works out everything the facts, the pack and the calendar fix
(what is stored for a case, models/stored_deadlines.py), and `policies.today.deadlines_for_today`
what depends on today. `compute_deadlines` is the one followed by the other.
"""

from __future__ import annotations

from datetime import date, timedelta

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
from policies.deadlines import Citation, Deadline, PlannedDeadline, Repeat
from policies.facts import CaseFacts, VisitFact
from policies.limits import ENGINE_FIRST, ENGINE_LAST, CaseDataError, check_in_engine_span
from policies.packs import Policy, Rule, normalise_role
from policies.timescales import amount, shift
from policies.today import (
    BOOKING_WARNING_WORKING_DAYS,
    EARLIEST_ONLY_KINDS,
    deadlines_for_today,
)
from policies.vocabulary import ANCHORS, CIN_MEETING_KINDS, DEFAULT_MEETING_KINDS

__all__ = ["BOOKING_WARNING_WORKING_DAYS", "EARLIEST_ONLY_KINDS", "compute_deadlines",
           "plan_deadlines"]

# Kinds where a rule gives at most one deadline per case (its earliest open one).
ONE_PER_RULE_KINDS = ("visit", "meeting", "review", "assessment")
CLEARABLE_KINDS = ("oversight", "preparation")
_PER_CASE_BASIS = "(the visiting frequency recorded on the case)"

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
    (`facts.unreadable`). The caller shows the case flagged with that reason.

    Exactly `plan_deadlines` and then `policies.today.deadlines_for_today`."""
    planned = plan_deadlines(facts, policy, calendar)
    if planned is None:
        return []
    return deadlines_for_today(planned, today, calendar, amber_working_days=amber_working_days)


def plan_deadlines(
    facts: CaseFacts, policy: Policy, calendar: WorkingCalendar
) -> list[PlannedDeadline] | None:
    """What the case's facts, `policy` and `calendar` fix of its open deadlines, whatever the
    day (policies.deadlines.PlannedDeadline); None for a closed case. Raises as
    `compute_deadlines` does for the case's own dates and data."""
    if facts.closure is not None:
        return None
    if facts.unreadable:
        raise CaseDataError(facts.unreadable)
    _check_span(facts)
    run = _Run(CaseView(facts), calendar)
    deadlines: list[PlannedDeadline] = []
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
    return deadlines


def _check_span(facts: CaseFacts) -> None:
    """DateOutOfRange, naming the first date of the case outside the engine's span, if there
    is one (today is checked by policies.today.deadlines_for_today)."""
    dates = [facts.allocated, *(d for d in (facts.dob, facts.assessment_completed,
                                            facts.plan_started, facts.stepped_down_on) if d)]
    dates += [d for v in facts.visits for d in (v.date, v.recorded) if d]
    dates += [d for m in facts.meetings for d in (m.date, m.circulated, m.cancelled_on) if d]
    dates += facts.events.values()
    dates += [d for a in facts.oversight_actions for d in (a.due, a.done) if d]
    dates += [d for t in facts.tasks_done for d in (t.due, t.done) if d]
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
        dated += [("oversight action's due date", action.due),
                  ("oversight action's done date", action.done)]
    for task in facts.tasks_done:
        dated += [("task's due date", task.due), ("task's done date", task.done)]
    return [(what, when) for what, when in dated if when is not None]


class _Run:
    """One case under one policy: the shared inputs of every rule's evaluation."""

    def __init__(self, case: CaseView, calendar: WorkingCalendar) -> None:
        self.case = case
        self.facts = case.facts
        self.calendar = calendar
        # rule id -> the due dates of its occurrences marked done (None: a one-off, or any)
        self.done: dict[str, list[date | None]] = {}
        for task in self.facts.tasks_done:
            self.done.setdefault(task.rule_id, []).append(task.due)

    # -- one rule ---------------------------------------------------------------------------

    def rule_deadlines(self, rule: Rule,
                       skip_meeting_kinds: frozenset[str] = frozenset()) -> list[PlannedDeadline]:
        anchor_name = rule.anchor
        anchors = resolve(anchor_name, self.case, rule)
        if skip_meeting_kinds:
            anchors = [a for a in anchors
                       if a.meeting is None or a.meeting.kind not in skip_meeting_kinds]
        fallback_reason = None
        if not anchors and rule.fallback_anchor:
            fallback_reason = _FALLBACK_REASONS.get(anchor_name,
                                                    f"nothing is recorded for {anchor_name}")
            anchor_name = rule.fallback_anchor
            anchors = resolve(anchor_name, self.case, rule)
        found: list[PlannedDeadline] = []
        for anchor in anchors:
            if not window_conditions_hold(rule.conditions, anchor.date, self.case, rule,
                                          self.calendar):
                continue
            if self._met(rule, anchor_name, anchor):
                continue
            deadline = self._deadline(rule, anchor_name, anchor, fallback_reason)
            if deadline is not None:
                found.append(deadline)
        if len(found) > 1 and rule.kind in ONE_PER_RULE_KINDS:
            # (Dues fixed by the facts: only oversight and preparation rules repeat.)
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

    def _first_visit_from(self, d: date) -> VisitFact | None:
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

    def _deadline(
        self, rule: Rule, anchor_name: str, anchor: Anchor, fallback_reason: str | None
    ) -> PlannedDeadline | None:
        timescale = rule.timescale
        before = timescale.direction == "before"
        phrase = anchor.phrase + (f", as {fallback_reason}" if fallback_reason else "")
        notes = list(rule.notes)
        if anchor.note:
            notes.append(anchor.note)
        frequency = self.facts.visit_every
        count: int
        unit: str
        if timescale.per_case:
            if frequency is None:
                return None  # the procedure sets no timescale and the case records none
            count, unit = frequency.count, frequency.unit
            due = shift(anchor.date, count, unit, self.calendar)
            basis = f"{amount(count, unit)} after {phrase} {_PER_CASE_BASIS}"
        else:
            count, unit = timescale.count or 0, timescale.unit
            due = shift(anchor.date, count, unit, self.calendar, before=before)
            basis = _basis(count, unit, phrase, before)
            if rule.kind == "visit" and frequency is not None and ANCHORS[anchor_name].rolling:
                case_due = shift(anchor.date, frequency.count, frequency.unit, self.calendar)
                if case_due < due:
                    notes.append(
                        "The visiting frequency recorded on the case "
                        f"({format_frequency(frequency)}) is sooner than the procedure's "
                        f"{amount(count, unit)}, so it is used."
                    )
                    count, unit, due = frequency.count, frequency.unit, case_due
                    basis = f"{amount(count, unit)} after {phrase} {_PER_CASE_BASIS}"
        done_dues = self.done.get(rule.qualified_id, ())
        if rule.repeat is None and any(d is None or d == due for d in done_dues):
            return None  # marked done
        flag_id = ""
        repeat = None
        if rule.kind in CLEARABLE_KINDS:
            flag_id = rule.qualified_id
            item = anchor.meeting or anchor.visit
            if item is not None and ANCHORS[anchor_name].per_item:
                flag_id = f"{rule.qualified_id}@{item.date.isoformat()}"
            if rule.repeat is not None:
                # The current occurrence depends on today (policies.today.current_occurrence):
                # here only what finds it. None if the whole rule is cleared.
                cleared = self.facts.cleared_flags
                if rule.qualified_id in cleared or rule.id in cleared:
                    return None
                prefix = f"{rule.qualified_id}@"
                step = rule.repeat.count
                assert step is not None, "the loader gives every repeat a count"
                repeat = Repeat(anchor=anchor.date, count=count, step=step,
                                phrase=phrase,
                                cleared=frozenset(flag[len(prefix):] for flag in cleared
                                                  if flag.startswith(prefix))
                                | {d.isoformat() for d in done_dues if d is not None})
            elif self._cleared(rule, flag_id):
                return None
        notes.extend(self._other_readings(rule, anchor, before))
        booking_warning = False
        if rule.kind in ("meeting", "review") and anchor_name != "booked_meeting":
            booked_notes = self._booking_notes(rule, anchor, due)
            notes.extend(booked_notes)
            booking_warning = not booked_notes
        missed_from, overtaken = None, ""
        stage = self._overtaken(rule, anchor.date)
        if stage is not None and repeat is None:
            # Missed once past due and overtaken, whichever comes later.
            missed_from, overtaken = max(due + timedelta(days=1), stage[0]), stage[1]
        return PlannedDeadline(
            kind=rule.kind,
            label=rule.label,
            due=due,
            unit=unit,
            rule_id=rule.qualified_id,
            citation=rule.citation,
            basis=basis,
            notes=tuple(notes),
            flag_id=flag_id,
            booking_warning=booking_warning,
            repeat=repeat,
            missed_from=missed_from,
            overtaken=overtaken,
        )

    def _overtaken(self, rule: Rule, since: date) -> tuple[date, str] | None:
        """The earliest stage of `rule.overtaken_by` recorded on or after `since` (the rule's
        anchor: a stage reached before the milestone's own start does not overtake it), with
        words that name it."""
        stages: list[tuple[date, str]] = []
        facts = self.facts
        if "assessment_completed" in rule.overtaken_by and facts.assessment_completed:
            stages.append((facts.assessment_completed,
                           f"the assessment was completed on "
                           f"{format_date(facts.assessment_completed)}"))
        if "plan_started" in rule.overtaken_by and facts.plan_started:
            stages.append((facts.plan_started,
                           f"the plan started on {format_date(facts.plan_started)}"))
        if "cin_meeting_held" in rule.overtaken_by:
            held = next((m for m in self.case.held
                         if m.kind in CIN_MEETING_KINDS and m.date >= since), None)
            if held is not None:
                stages.append((held.date, f"the {meeting_words(held.kind)} was held on "
                                          f"{format_date(held.date)}"))
        return min((stage for stage in stages if stage[0] >= since), default=None,
                   key=lambda stage: stage[0])

    def _other_readings(self, rule: Rule, anchor: Anchor, before: bool) -> list[str]:
        notes = []
        for other in rule.other_readings:
            other_due = shift(anchor.date, other.count, other.unit, self.calendar, before=before)
            note = (f"Other reading: {amount(other.count, other.unit)} (section {other.section}: "
                    f"\u201c{other.quote}\u201d) would give {format_date(other_due)}.")
            notes.append(f"{note} {other.note}" if other.note else note)
        return notes

    def _booking_notes(self, rule: Rule, anchor: Anchor, due: date) -> list[str]:
        """What is booked against a meeting or review deadline; [] when nothing is (then
        policies.today adds "Nothing is booked" when the due date is near)."""
        kinds = rule.meeting_kinds or DEFAULT_MEETING_KINDS[rule.kind]
        booked = self.case.first_booked(kinds, anchor.date)
        if booked is None:
            return []
        if booked.date > due:
            return [f"The {meeting_words(booked.kind)} booked for {format_date(booked.date)} "
                    f"is later than this deadline ({format_date(due)})."]
        return [f"Booked: the {meeting_words(booked.kind)} on {format_date(booked.date)}."]

    # -- actions from management oversight notes --------------------------------------------

    def action_deadlines(self, policy: Policy) -> list[PlannedDeadline]:
        return [
            PlannedDeadline(
                kind="oversight",
                label=f"Oversight action: {action.description}",
                due=action.due,
                unit="days",
                rule_id=f"{policy.id}.oversight_action",
                citation=Citation("Management oversight note", "action", action.description),
                basis=f"set by a management oversight note for {action.owner}, "
                      f"due {format_date(action.due)}",
            )
            for action in self.facts.oversight_actions
            if action.done is None
        ]


def _basis(count: int, unit: str, phrase: str, before: bool) -> str:
    if count == 0:
        return f"the date of {phrase}"
    return f"{amount(count, unit)} {'before' if before else 'after'} {phrase}"

