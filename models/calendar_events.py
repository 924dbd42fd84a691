"""The open deadlines as calendar events, for `cin calendar` and the caseload screen's calendar
key (the file itself is written by screens/calendar_file.py).

The events are exactly the items `cin due --json` lists for the same worker and window: open
deadlines of open cases, due on or before today + `within_days` calendar days (so anything
overdue is always kept), soonest first, taken from the same caseload rows.

Each event's identity (its iCalendar UID) comes from the case's reference and the rule, never
the date: when a deadline moves (a visit is logged, a meeting rebooked), exporting again gives
the same UID with the new date, so a calendar updates the event it already holds instead of
adding a second one. Should one case have two open deadlines of the same rule at once (two
held meetings waiting for their minutes, say), the later ones are told apart by their place
among them, soonest first.

The reminder falls `amber_working_days` working days before the due date on the England &
Wales working-day calendar (with the council's own closure days), the day the deadline turns
amber ("due soon") in the caseload. Working days are not a fixed duration, so it is a day, not
an offset: the writer gives it as an absolute time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.rows import CaseloadRow, CaseSummary
    from policies.calendar import WorkingDays
    from policies.deadlines import Deadline

# A fixed namespace: the same case and rule give the same UID on every machine, every export.
UID_NAMESPACE = uuid.UUID("5a0f3d4e-16c1-4c1e-9d1a-1c5e0ad1ce16")
UID_DOMAIN = "cin-tui"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One open deadline of one case, as a calendar shows it."""

    uid: str
    summary: CaseSummary
    deadline: Deadline
    reminder: date  # the day it turns amber: `amber_working_days` working days before the due

    @property
    def ref(self) -> str:
        return self.summary.ref

    @property
    def due(self) -> date:
        return self.deadline.due


def open_deadlines(
    rows: Iterable[CaseloadRow], *, today: date, within_days: int | None = None
) -> list[tuple[CaseSummary, Deadline]]:
    """The open deadlines of the open cases among `rows`, due on or before today +
    `within_days` (all if None), in `cin due`'s order: due date, ref, kind, rule."""
    last_day = today + timedelta(days=within_days) if within_days is not None else None
    found = [
        (row.summary, deadline)
        for row in rows
        if not row.closed
        for deadline in row.deadlines
        if last_day is None or deadline.due <= last_day
    ]
    found.sort(key=lambda pair: (pair[1].due, pair[0].ref, pair[1].kind, pair[1].rule_id))
    return found


def event_uid(ref: str, rule_id: str, occurrence: int = 0) -> str:
    """"<uuid5 of the ref and rule>@cin-tui": stable, and free of whatever characters a ref
    holds. `occurrence` > 0 names the second, third... open deadline of the rule on the case."""
    key = f"{ref}\x1f{rule_id}" + (f"\x1f{occurrence}" if occurrence else "")
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@{UID_DOMAIN}"


def reminder_day(due: date, calendar: WorkingDays, amber_working_days: int) -> date:
    """`amber_working_days` working days before `due` (the due day itself for 0): from that
    day on, `policies.today.status` calls the deadline due soon."""
    return calendar.add_working_days(due, -amber_working_days)


def calendar_events(
    rows: Iterable[CaseloadRow], *, today: date, within_days: int | None,
    calendar: WorkingDays, amber_working_days: int,
) -> list[CalendarEvent]:
    """One event per open deadline (`open_deadlines`), in the same order."""
    seen: dict[tuple[str, str], int] = {}
    events = []
    # The occurrence count goes by due date within a case and rule, which is the list's order.
    for summary, deadline in open_deadlines(rows, today=today, within_days=within_days):
        key = (summary.ref, deadline.rule_id)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        events.append(CalendarEvent(
            uid=event_uid(summary.ref, deadline.rule_id, occurrence),
            summary=summary,
            deadline=deadline,
            reminder=reminder_day(deadline.due, calendar, amber_working_days),
        ))
    return events
