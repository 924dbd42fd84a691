"""The part of the deadline engine that depends on today: planned deadlines in, `Deadline`s out.

`policies.engine.plan_deadlines` works out everything a case's facts, its pack and the calendar
fix (due dates, rule, basis, citation, notes); `deadlines_for_today` adds what moves with the
date: each deadline's status and countdown, the current occurrence of a repeating rule, the
"Nothing is booked" note, then the earliest of each one-per-case kind and the order.
`policies.engine.compute_deadlines` is exactly the two in turn, and stored deadlines
(models/stored_deadlines.py) are planned ones read back through this same function, with a
`policies.calendar.WorkingDays` built from the stored days off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from policies.calendar import WorkingDays
from policies.deadlines import DEADLINE_KINDS, Deadline, Missed, PlannedDeadline, Repeat
from policies.limits import check_in_engine_span
from policies.timescales import amount, countdown, countdown_unit, shift

# A review due within this many working days with no meeting booked is flagged.
BOOKING_WARNING_WORKING_DAYS = 10
# One deadline per case for these kinds: the earliest binds, and one event meets them all.
EARLIEST_ONLY_KINDS = ("visit", "review")
_KIND_ORDER = {kind: i for i, kind in enumerate(DEADLINE_KINDS)}


def deadlines_for_today(
    planned: Iterable[PlannedDeadline],
    today: date,
    calendar: WorkingDays,
    *,
    amber_working_days: int = 5,
) -> list[Deadline]:
    """The case's open deadlines on `today`, sorted by due date. DateOutOfRange when today is
    outside the engine's span; `policies.calendar.OutsideKnownDays` when `calendar` does not
    know the days off that far (a stored table: the caller then takes the full path)."""
    check_in_engine_span("date given as today", today)
    deadlines: list[Deadline] = []
    for plan in planned:
        if is_missed(plan, today):
            continue  # history now (missed_on), not a countdown
        due, basis, flag_id = plan.due, plan.basis, plan.flag_id
        if plan.repeat is not None:
            k, due = current_occurrence(plan.repeat, plan.unit, today, calendar)
            flag_id = f"{plan.rule_id}@{due.isoformat()}"
            if k:
                r = plan.repeat
                basis = (f"{amount(r.count + k * r.step, plan.unit)} after {r.phrase} "
                         f"({amount(r.count, plan.unit)}, then every {amount(r.step, plan.unit)})")
        notes = plan.notes
        if (plan.booking_warning
                and calendar.working_days_between(today, due) <= BOOKING_WARNING_WORKING_DAYS):
            notes = (*notes, f"Nothing is booked, and this is due within "
                             f"{BOOKING_WARNING_WORKING_DAYS} working days."
                     if due >= today else "Nothing is booked.")
        deadlines.append(Deadline(
            kind=plan.kind,
            label=plan.label,
            due=due,
            status=status(today, due, calendar, amber_working_days),
            countdown=countdown(today, due, plan.unit, calendar),
            unit=countdown_unit(plan.unit),
            rule_id=plan.rule_id,
            citation=plan.citation,
            basis=basis,
            notes=notes,
            flag_id=flag_id,
        ))
    deadlines = _earliest_of_kinds(deadlines, EARLIEST_ONLY_KINDS)
    deadlines.sort(key=lambda d: (d.due, _KIND_ORDER.get(d.kind, 99), d.rule_id))
    return deadlines


def is_missed(plan: PlannedDeadline, today: date) -> bool:
    return plan.missed_from is not None and today >= plan.missed_from


def missed_on(planned: Iterable[PlannedDeadline], today: date) -> list[Missed]:
    """The milestones missed by `today` (past due and overtaken by a later stage), by due date."""
    missed = [
        Missed(kind=plan.kind, label=plan.label, due=plan.due, rule_id=plan.rule_id,
               citation=plan.citation, basis=plan.basis, overtaken=plan.overtaken)
        for plan in planned if is_missed(plan, today)
    ]
    missed.sort(key=lambda m: (m.due, m.rule_id))
    return missed


def status(today: date, due: date, calendar: WorkingDays, amber_working_days: int) -> str:
    if today > due:
        return "overdue"
    if calendar.working_days_between(today, due) <= amber_working_days:
        return "due_soon"
    return "ok"


def current_occurrence(repeat: Repeat, unit: str, today: date,
                       calendar: WorkingDays) -> tuple[int, date]:
    """The current occurrence (k, due) of a repeating rule: the latest one due by today
    (earlier ones are overtaken by it), or the first one if none is due yet; an occurrence
    cleared by a manager's note moves on to the next."""
    k = _latest_due_by(repeat, unit, today, calendar)
    due = _due_of(repeat, unit, k, calendar)
    while due.isoformat() in repeat.cleared:
        k += 1
        due = _due_of(repeat, unit, k, calendar)
    return k, due


def occurrence_window(repeat: Repeat, unit: str, today: date,
                      calendar: WorkingDays) -> tuple[date | None, date]:
    """The days around `today` with the same current occurrence: from the due date of the
    latest occurrence due by today (None: since ever, when none is due yet) up to, not
    including, the next one's."""
    k = _latest_due_by(repeat, unit, today, calendar)
    start = _due_of(repeat, unit, k, calendar) if k else None
    return start, _due_of(repeat, unit, k + 1, calendar)


def _due_of(repeat: Repeat, unit: str, k: int, calendar: WorkingDays) -> date:
    return shift(repeat.anchor, repeat.count + k * repeat.step, unit, calendar)


def _latest_due_by(repeat: Repeat, unit: str, today: date, calendar: WorkingDays) -> int:
    k = max(0, (_elapsed(repeat.anchor, today, unit, calendar) - repeat.count) // repeat.step)
    while k > 0 and _due_of(repeat, unit, k, calendar) > today:
        k -= 1
    while _due_of(repeat, unit, k + 1, calendar) <= today:
        k += 1
    return k


def _earliest_of_kinds(deadlines: list[Deadline], kinds: tuple[str, ...]) -> list[Deadline]:
    earliest: dict[str, Deadline] = {}
    for d in deadlines:
        if d.kind in kinds and (d.kind not in earliest or d.due < earliest[d.kind].due):
            earliest[d.kind] = d
    return [d for d in deadlines if d.kind not in kinds or earliest[d.kind] is d]


def _elapsed(start: date, end: date, unit: str, calendar: WorkingDays) -> int:
    """Roughly how many `unit` from start to end (a first guess, corrected by the caller)."""
    if end <= start:
        return 0
    if unit == "months":
        return (end.year - start.year) * 12 + end.month - start.month
    if unit == "working_days":
        return calendar.working_days_between(start, end)
    days = (end - start).days
    return {"weeks": days // 7, "hours": days * 24}.get(unit, days)
