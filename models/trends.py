"""The three timeliness measures of the team view, over any period: the team view's current
figures (the 3 months to today) and the monthly trends come from `case_measures`, one piece of
logic, so the latest month of a trend is what the team view would show for that month.

What counts "in" a period, for each measure (the replay itself is `policies.replay`; it reads
the case as recorded, corrections applied, withdrawn records left out, `models.queries`):

- **visits within timescale**: the visits where the child was seen, *dated* in the period,
  each judged against the visit deadline that applied on its day; and each one-off visit
  milestone missed (`policies.today.missed_on`) whose *due date* is in the period, as a visit not
  in time (as the team view counts it);
- **meetings on time**: the meetings *held* in the period, judged against the meeting or review
  deadline that applied on the day; and each one-off meeting or review milestone missed whose
  due date is in the period, as a meeting not on time;
- **circulation on time**: the notes of the meetings *held* in the period: on time when
  circulated by their deadline; late when circulated after it, or not circulated while their
  deadline has passed (before today). Notes not circulated and not due yet are not counted.

A period with nothing counted has no share ("n/a"), never 0%.

**Closed cases** count too (`CaseHistory`): a case closed in the months counted keeps its
visits, meetings and notes up to its closure date, and its milestones missed by then; nothing is
due after the closure, so a month after it has nothing of that case (a case closed in March
counts from its start to its closure date in March, and in no month after). Notes not
circulated count as late only when their deadline passed before the closure.

Months are calendar months, the latest running from its first day to today: on Mon 23 Nov 2026
the 12 months are 1 Dec 2025 - 31 Dec 2025, ..., 1 Nov 2026 - 23 Nov 2026.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from policies.deadlines import Missed
from policies.engine import plan_deadlines
from policies.facts import CaseFacts
from policies.replay import MEETING_DUE_KINDS, Late, Replay, Timeliness
from policies.today import missed_on

TREND_MONTHS = 12
MEASURES = ("visits", "meetings", "circulation")
MEASURE_TITLES = {"visits": "Visits within timescale", "meetings": "Meetings on time",
                  "circulation": "Notes circulated on time"}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # included

    @property
    def month(self) -> str:
        """"Nov", the month it starts in (a trend's column heading)."""
        return MONTH_NAMES[self.start.month - 1]

    @property
    def label(self) -> str:
        """"Nov 2026"."""
        return f"{self.month} {self.start.year}"


@dataclass(frozen=True, slots=True)
class Measures:
    visits: Timeliness = Timeliness()
    meetings: Timeliness = Timeliness()
    circulation: Timeliness = Timeliness()

    def __add__(self, other: Measures) -> Measures:
        return Measures(self.visits + other.visits, self.meetings + other.meetings,
                        self.circulation + other.circulation)

    def of(self, measure: str) -> Timeliness:
        """One measure by its name in MEASURES."""
        timeliness: Timeliness = getattr(self, measure)
        return timeliness


def total(measures: Iterable[Measures]) -> Measures:
    return sum(measures, Measures())


def months_to(today: date, count: int = TREND_MONTHS) -> tuple[Period, ...]:
    """The `count` calendar months to today, oldest first; the last ends today."""
    periods: list[Period] = []
    end = today
    for _ in range(count):
        start = end.replace(day=1)
        periods.append(Period(start, end))
        end = start - timedelta(days=1)
    return tuple(reversed(periods))


def case_measures(case: CaseFacts | None, missed: Sequence[Missed], replay: Replay,
                  period: Period, today: date, ref: str = "") -> Measures:
    """One case's three measures over `period` (definitions above). `case` None: its facts
    could not be read (only its missed milestones count)."""
    visits = meetings = Timeliness()
    for m in missed:
        if not period.start <= m.due <= period.end:
            continue
        missed_one = Timeliness(1, 0, (Late(ref, m.label, m.due, m.due),))
        if m.kind == "visit":
            visits += missed_one
        elif m.kind in MEETING_DUE_KINDS:
            meetings += missed_one
    if case is None:
        return Measures(visits, meetings)
    return Measures(
        visits + replay.visits(case, period.start, period.end),
        meetings + replay.meetings(case, period.start, period.end),
        replay.circulation(case, period.start, period.end, overdue_on=today),
    )


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """One case as the measures count it: open now (`closed` None), or closed on `closed`."""

    ref: str
    facts: CaseFacts | None  # None: its facts could not be read
    missed: tuple[Missed, ...]  # its one-off milestones missed (by today, or by its closure)
    closed: date | None = None

    def measures(self, replay: Replay, period: Period, today: date) -> Measures:
        """`case_measures` over `period`, cut at the closure: nothing after it."""
        if self.closed is not None:
            if period.start > self.closed:
                return Measures()
            period = Period(period.start, min(period.end, self.closed))
            today = min(today, self.closed)
        return case_measures(self.facts, self.missed, replay, period, today, self.ref)


def closed_case_missed(facts: CaseFacts, policies: Mapping[str, Any],
                       calendar: Any) -> tuple[Missed, ...]:
    """The one-off milestones a closed case had missed by its closure date (the caseload gives
    a closed case none: it has no deadlines now). None when its pack is missing or its data
    cannot be used (the caseload says why while it is open)."""
    if facts.closure is None:
        return ()
    policy = policies.get(facts.policy_id)
    if policy is None:
        return ()
    try:
        planned = plan_deadlines(replace(facts, closure=None), policy, calendar)
    except Exception:  # one case's problem never stops the others (as models.caseload)
        return ()
    return tuple(missed_on(planned or (), facts.closure.date))


def months_inside(window: Period, periods: Sequence[Period]) -> list[int]:
    """The indexes of the `periods` wholly inside `window`."""
    return [i for i, p in enumerate(periods) if window.start <= p.start and p.end <= window.end]


def over_window(window: Period, periods: Sequence[Period], months: Sequence[Measures],
                measure: Callable[[Period], Measures]) -> Measures:
    """The measures over `window`, reusing `months` (those of `periods`, contiguous, oldest
    first) for the months wholly inside it and `measure` for the rest: the same figures as
    `measure(window)`, since every measure counts each event in the one period holding its date,
    without judging the events of those months twice."""
    inside = months_inside(window, periods)
    if not inside:
        return measure(window)
    first, last = periods[inside[0]], periods[inside[-1]]
    result = total(months[i] for i in inside)
    if window.start < first.start:
        result = measure(Period(window.start, first.start - timedelta(days=1))) + result
    if last.end < window.end:
        result += measure(Period(last.end + timedelta(days=1), window.end))
    return result


def share_words(timeliness: Timeliness) -> str:
    """"67%", or "n/a" when nothing was counted (never a fake 0%)."""
    share = timeliness.share
    return "n/a" if share is None else f"{round(100 * share)}%"


def count_words(timeliness: Timeliness) -> str:
    """"2/3 67%", or "n/a"."""
    if not timeliness.counted:
        return "n/a"
    return f"{timeliness.in_time}/{timeliness.counted} {share_words(timeliness)}"
