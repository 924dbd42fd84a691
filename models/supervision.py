"""Supervision reads for team managers: a team's worker lines, one worker's walkthrough pages,
and the notes a supervision record is written from.

Deadlines come from the one path (`models.caseload.load_caseload`). The timeliness measures
replay the same engine on the case as it stood before each event (`policies.replay`: a visit,
a meeting held, notes circulated in time). The team view counts the seen visits dated in the
3 months to today (from the same day 3 months before, to today, both included).

The team view's measures (and its monthly trends) count every case open at some time in the
window or the months: the open cases, and the cases closed since the first of them, each up to
its closure (`models.trends.CaseHistory`), under the worker the case is allocated to now (for a
closed case, the worker who held it when it closed, unless it was moved since) and that
worker's team. The audit trail does not make the worker of each past month cheap to know, so a
reallocated case's whole history moves with it. Its other columns (overdue, flags, actions, not
seen alone) are of the open cases only. `read_team` reads once into a `TeamFacts`, whose
`overview()` is the table and `with_trends()` the months after, from the same facts.

A **flag** is an open `oversight` deadline of the authority's procedure (one a manager's note
can clear: it has a `flag_id`) or an open `assessment` deadline (such as Rochdale's assessment
older than 12 months, met by recording the new assessment, not by a note). A case is **past an
oversight point** when one of its flags is due today or overdue. Actions from oversight notes
are deadlines too, but they are the manager's own and are counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from models.caseload import CaseloadRow, load_caseload
from models.errors import CaseNotFound
from models.queries import (
    CaseDetail,
    MeetingRecord,
    OversightActionRecord,
    OversightNoteRecord,
    VisitRecord,
    case_facts,
    case_facts_by_id,
    get_case_detail,
    list_workers,
)
from models.rows import CaseSummary
from models.tables import Closure
from models.trends import (
    CaseHistory,
    Measures,
    Period,
    closed_case_missed,
    months_inside,
    months_to,
    over_window,
    total,
)
from policies.ages import expected_to_be_seen_alone
from policies.dates import format_date
from policies.deadlines import Deadline, Missed, something_overdue
from policies.facts import CaseFacts
from policies.packs.types import visit_frequency_missing
from policies.replay import MEETING_DUE_KINDS, Replay, Timeliness
from policies.timescales import add_months
from policies.vocabulary import CIN_MEETING_KINDS

VISIT_WINDOW_MONTHS = 3
OVERDUE_KINDS = ("visit", "meeting", "circulation", "review")
LATEST_VOICES = 3
NO_TEAM = "No team recorded"
ACTION_RULE_SUFFIX = ".oversight_action"


class UnknownWorker(LookupError):
    """No worker of that name holds cases; the message lists those who do."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        listed = ", ".join(known) if known else "none yet"
        super().__init__(f"no worker called {name!r} holds any cases; workers: {listed}")


# ---------------------------------------------------------------------------------------------
# Timeliness (the replay itself is policies.replay)


def visit_window(today: date) -> tuple[date, date]:
    """The 3 months to today, both ends included: (23 Aug 2026, 23 Nov 2026) for 23 Nov 2026."""
    return add_months(today, -VISIT_WINDOW_MONTHS), today


# ---------------------------------------------------------------------------------------------
# Flags and the other facts a manager looks at


def is_flag(deadline: Deadline) -> bool:
    return ((deadline.kind == "oversight" and bool(deadline.flag_id))
            or deadline.kind == "assessment")


def is_action(deadline: Deadline) -> bool:
    return deadline.kind == "oversight" and deadline.rule_id.endswith(ACTION_RULE_SUFFIX)


def flags_of(deadlines: Iterable[Deadline]) -> tuple[Deadline, ...]:
    return tuple(d for d in deadlines if is_flag(d))


def clearable(deadline: Deadline) -> bool:
    """Whether a manager's note clears this flag (an assessment flag needs the assessment)."""
    return deadline.kind == "oversight" and bool(deadline.flag_id)


def due_by(deadline: Deadline, today: date) -> bool:
    return deadline.due <= today


def describe_flag(policies: Mapping[str, Any], flag_id: str) -> str:
    """The words for a cleared flag id: "Plan in place 16 weeks: ... (due 29 Mar 2027)"."""
    rule_id, _, on = flag_id.partition("@")
    policy_id = rule_id.split(".", 1)[0]
    policy = policies.get(policy_id)
    try:
        label = policy.rule(rule_id).label if policy is not None else rule_id
    except KeyError:
        label = rule_id
    if on:
        try:
            label += f" (due {format_date(date.fromisoformat(on))})"
        except ValueError:
            label += f" ({on})"
    return label


def last_seen(visits: Iterable[Any]) -> Any | None:
    seen = [v for v in visits if v.seen]
    return max(seen, key=lambda v: v.date) if seen else None


def last_seen_alone(visits: Iterable[Any]) -> Any | None:
    alone = [v for v in visits if v.seen and v.seen_alone]
    return max(alone, key=lambda v: v.date) if alone else None


def not_seen_alone_over_3(dob: date | None, visits: Iterable[Any]) -> bool:
    """A child old enough at their last visit where they were seen to be expected to be seen
    alone (`policies.ages`: 3 or more), who was not seen alone then (or it was not recorded).
    A child never seen is not counted here: the overdue visit shows instead."""
    last = last_seen(visits)
    if last is None or dob is None or not expected_to_be_seen_alone(dob, last.date):
        return False
    return last.seen_alone is not True


# ---------------------------------------------------------------------------------------------
# The team view


@dataclass(frozen=True, slots=True)
class WorkerLine:
    team: str
    worker: str | None  # None: cases not allocated to a named worker
    refs: tuple[str, ...]
    overdue: dict[str, int] = field(default_factory=dict)  # deadline kind -> overdue deadlines
    visits: Timeliness = Timeliness()
    not_seen_alone: tuple[str, ...] = ()    # refs: over 3, not seen alone at the last visit
    past_oversight: tuple[str, ...] = ()    # refs with a flag due today or overdue
    actions_overdue: int = 0
    no_policy: tuple[str, ...] = ()         # refs whose policy pack is missing
    # refs whose pack leaves the visiting frequency to each case and that have none recorded
    # (policies.packs.visit_frequency_missing): they have no visit deadline at all.
    no_frequency: tuple[str, ...] = ()
    # One-off milestones missed (policies.today.missed_on) that fell due in the 3 months to
    # today: (ref, milestone). A missed visit milestone also counts in `visits`, as not in time.
    missed: tuple[tuple[str, Missed], ...] = ()
    # refs with something overdue (policies.deadlines.something_overdue), as the caseload counts
    overdue_children: tuple[str, ...] = ()
    # Meetings and notes circulation in the same window as `visits` (models.trends).
    meetings: Timeliness = Timeliness()
    circulation: Timeliness = Timeliness()
    # One per `TeamOverview.periods` (the monthly trends), oldest first; empty when not asked
    # (and until `TeamFacts.with_trends` fills them).
    months: tuple[Measures, ...] = ()
    # refs of the cases closed in the months counted, whose history up to their closure
    # counts in the measures (visits, meetings, circulation, missed) and the months.
    closed: tuple[str, ...] = ()

    @property
    def current(self) -> Measures:
        """The three measures over the team view's window."""
        return Measures(self.visits, self.meetings, self.circulation)

    @property
    def cases(self) -> int:
        return len(self.refs)


@dataclass(frozen=True, slots=True)
class TeamOverview:
    today: date
    window: tuple[date, date]
    lines: tuple[WorkerLine, ...]  # by team, then worker name (unallocated last)
    periods: tuple[Period, ...] = ()  # the months of the trends, oldest first

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.team for line in self.lines))

    def of_team(self, team: str | None) -> tuple[WorkerLine, ...]:
        return self.lines if team is None else tuple(
            line for line in self.lines if line.team == team)


def team_overview(
    session: Session,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    amber_working_days: int = 5,
    store: bool = True,
    trend_months: int = 0,
    window: tuple[date, date] | None = None,
) -> TeamOverview:
    """One line per worker of every team, over the open cases, with the measures over `window`
    (default `visit_window`) and, when `trend_months` is given, over each of those months
    (`models.trends.months_to`); the measures count the cases closed in those months too."""
    facts = read_team(session, policies=policies, calendar=calendar, today=today,
                      amber_working_days=amber_working_days, store=store,
                      trend_months=trend_months, window=window)
    overview = facts.overview()
    return facts.with_trends(overview) if trend_months else overview


@dataclass(frozen=True, slots=True)
class _Group:
    team: str
    worker: str | None
    rows: tuple[CaseloadRow, ...]     # the open cases, by ref
    cases: tuple[CaseHistory, ...]    # the cases measured: the open ones, and the closed, by ref
    no_frequency: tuple[str, ...]


class TeamFacts:
    """Everything the team view is worked out from, read in one transaction (`read_team`), so
    the table (`overview`, the cheap part) can be shown before the months of the trends
    (`with_trends`, most of the replay) are worked out from the same facts, without reading
    the caseload twice. The months worked out for the table's window are kept and reused."""

    def __init__(self, today: date, window: Period, periods: tuple[Period, ...],
                 groups: list[_Group], replay: Replay) -> None:
        self.today = today
        self.window = window
        self.periods = periods
        self.groups = groups
        self.replay = replay
        self._months: dict[tuple[str, int], Measures] = {}

    def _month(self, case: CaseHistory, index: int) -> Measures:
        key = (case.ref, index)
        if key not in self._months:
            self._months[key] = case.measures(self.replay, self.periods[index], self.today)
        return self._months[key]

    def overview(self) -> TeamOverview:
        """The table's lines, with the measures over the window and no months yet."""
        lines = [self._line(group) for group in self.groups]
        lines.sort(key=lambda line: (line.team == NO_TEAM, line.team, line.worker is None,
                                     line.worker or ""))
        return TeamOverview(today=self.today, window=(self.window.start, self.window.end),
                            lines=tuple(lines), periods=self.periods)

    def with_trends(self, overview: TeamOverview) -> TeamOverview:
        """`overview` (from `overview()`) with each line's months filled."""
        by_key = {(g.team, g.worker): g for g in self.groups}
        lines = []
        for line in overview.lines:
            cases = by_key[(line.team, line.worker)].cases
            months = tuple(total(self._month(case, i) for case in cases)
                           for i in range(len(self.periods)))
            lines.append(replace(line, months=months))
        return replace(overview, lines=tuple(lines))

    def _line(self, group: _Group) -> WorkerLine:
        window, periods, today = self.window, self.periods, self.today
        inside = set(months_inside(window, periods))
        current = Measures()
        missed: list[tuple[str, Missed]] = []
        for case in group.cases:
            def measure(period: Period, case: CaseHistory = case) -> Measures:
                return case.measures(self.replay, period, today)

            months = [self._month(case, i) if i in inside else Measures()
                      for i in range(len(periods))]
            current += over_window(window, periods, months, measure)
            missed.extend((case.ref, m) for m in case.missed
                          if window.start <= m.due <= window.end)
        facts = {case.ref: case.facts for case in group.cases}
        overdue = dict.fromkeys(OVERDUE_KINDS, 0)
        not_alone: list[str] = []
        past: list[str] = []
        actions_overdue = 0
        for row in group.rows:
            for d in row.deadlines:
                if d.status == "overdue" and d.kind in overdue:
                    overdue[d.kind] += 1
                if is_action(d) and d.status == "overdue":
                    actions_overdue += 1
            if any(due_by(d, today) for d in flags_of(row.deadlines)):
                past.append(row.ref)
            now = facts.get(row.ref)
            if now is not None and not_seen_alone_over_3(now.dob, now.visits):
                not_alone.append(row.ref)
        rows = group.rows
        return WorkerLine(
            team=group.team, worker=group.worker, refs=tuple(r.ref for r in rows),
            overdue=overdue, visits=current.visits, meetings=current.meetings,
            circulation=current.circulation, not_seen_alone=tuple(not_alone),
            past_oversight=tuple(past), actions_overdue=actions_overdue,
            no_policy=tuple(r.ref for r in rows if r.error),
            no_frequency=group.no_frequency, missed=tuple(missed),
            overdue_children=tuple(r.ref for r in rows if something_overdue(r.deadlines)),
            closed=tuple(c.ref for c in group.cases if c.closed is not None),
        )


def read_team(
    session: Session,
    *,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    amber_working_days: int = 5,
    store: bool = True,
    trend_months: int = 0,
    window: tuple[date, date] | None = None,
) -> TeamFacts:
    """Read what `team_overview` works from: the open cases with their deadlines, and the cases
    closed from the start of the window or of the first month, whichever is earlier (each
    counted under the worker it is allocated to now, and that worker's team)."""
    rows = load_caseload(session, policies=policies, calendar=calendar, today=today,
                         amber_working_days=amber_working_days, store=store)
    facts = {summary.ref: f for summary, f in case_facts(session)}
    worker_teams = {w.name: w.team for w in list_workers(session)}
    window_period = Period(*(window or visit_window(today)))
    periods = months_to(today, trend_months) if trend_months else ()
    since = min([window_period.start, *(p.start for p in periods[:1])])

    def team_of(summary_team: str | None, worker: str | None) -> str:
        return summary_team or worker_teams.get(worker or "") or NO_TEAM

    groups: dict[tuple[str, str | None], tuple[list[CaseloadRow], list[CaseHistory]]] = {}
    for row in rows:
        rows_of, cases = groups.setdefault((team_of(row.summary.team, row.worker), row.worker),
                                           ([], []))
        rows_of.append(row)
        cases.append(CaseHistory(row.ref, facts.get(row.ref), row.missed))
    for summary, closed_facts in _closed_since(session, since):
        assert closed_facts.closure is not None
        _rows, cases = groups.setdefault((team_of(summary.team, summary.worker),
                                          summary.worker), ([], []))
        cases.append(CaseHistory(summary.ref, closed_facts,
                                 closed_case_missed(closed_facts, policies, calendar),
                                 closed=closed_facts.closure.date))
    return TeamFacts(today, window_period, periods, [
        _Group(team, worker, tuple(sorted(rows_of, key=lambda r: r.ref)),
               tuple(sorted(cases, key=lambda c: c.ref)),
               tuple(sorted(r.ref for r in rows_of if not r.error and visit_frequency_missing(
                   policies.get(r.summary.policy_id), r.summary.visit_every))))
        for (team, worker), (rows_of, cases) in groups.items()
    ], Replay(policies, calendar))


CLOSED_READ_BATCH = 300  # case ids per read (each one SQL parameter)


def _closed_since(session: Session, since: date) -> list[tuple[CaseSummary, CaseFacts]]:
    """The cases closed on or after `since`, with their facts, by ref."""
    ids = list(session.exec(select(Closure.case_id).where(col(Closure.date) >= since)).all())
    found: list[tuple[CaseSummary, CaseFacts]] = []
    for start in range(0, len(ids), CLOSED_READ_BATCH):
        found.extend((summary, facts) for _id, summary, facts in
                     case_facts_by_id(session, case_ids=ids[start:start + CLOSED_READ_BATCH]))
    return sorted(found, key=lambda pair: pair[0].ref)


# ---------------------------------------------------------------------------------------------
# The walkthrough: one page per case


@dataclass(frozen=True, slots=True)
class OpenAction:
    action: OversightActionRecord
    note: OversightNoteRecord
    deadline: Deadline | None  # the deadline it shows as (None for a closed case)


@dataclass(frozen=True, slots=True)
class CasePage:
    row: CaseloadRow
    detail: CaseDetail
    last_seen: VisitRecord | None
    last_seen_alone: VisitRecord | None
    over_3_not_seen_alone: bool
    visits: Timeliness               # seen visits of the last 3 months against their deadlines
    voices: tuple[VisitRecord, ...]  # the latest visits with the child's voice, newest first
    meetings_held: tuple[MeetingRecord, ...]
    meetings: Timeliness                     # held meetings against their deadlines
    meetings_due: tuple[Deadline, ...]       # open meeting and review deadlines
    cancelled: int
    circulation: Timeliness                  # circulated notes against their deadlines
    circulation_due: tuple[Deadline, ...]    # notes not circulated yet (open deadlines)
    flags: tuple[Deadline, ...]
    open_actions: tuple[OpenAction, ...]
    notes: tuple[OversightNoteRecord, ...]   # newest first

    @property
    def ref(self) -> str:
        return self.row.ref

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def plan_started(self) -> date | None:
        return self.detail.plan_started

    def plan_age_days(self, today: date) -> int | None:
        started = self.detail.plan_started
        return (today - started).days if started is not None else None

    @property
    def circulation_misses(self) -> int:
        return len(self.circulation.late) + sum(d.status == "overdue" for d in self.circulation_due)


def walkthrough_pages(
    session: Session,
    *,
    worker: str,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    amber_working_days: int = 5,
    include_closed: bool = False,
    store: bool = True,
) -> list[CasePage]:
    """One page per case of `worker`, by ref. Raises `UnknownWorker`."""
    rows = load_caseload(session, policies=policies, calendar=calendar, today=today,
                         worker=worker, include_closed=include_closed,
                         amber_working_days=amber_working_days, store=store)
    if not rows:
        workers = list_workers(session)
        if worker not in {w.name for w in workers}:
            raise UnknownWorker(worker, [w.name for w in workers if w.open_cases])
    facts = {summary.ref: f for summary, f in
             case_facts(session, worker=worker, include_closed=include_closed)}
    replay = Replay(policies, calendar)
    pages = []
    for row in sorted(rows, key=lambda r: r.ref):
        try:
            detail = get_case_detail(session, row.ref)
        except CaseNotFound:  # removed since the caseload was read: nothing to show
            continue
        pages.append(_page(row, detail, facts.get(row.ref, detail.facts), replay, today))
    return pages


def _page(row: CaseloadRow, detail: CaseDetail, facts: CaseFacts, replay: Replay,
          today: date) -> CasePage:
    visits = detail.visits
    voices = tuple(sorted((v for v in visits if v.childs_voice), key=lambda v: v.date,
                          reverse=True)[:LATEST_VOICES])
    actions_due = {(d.label, d.due): d for d in row.deadlines if is_action(d)}
    open_actions = tuple(
        OpenAction(a, note, actions_due.get((f"Oversight action: {a.description}", a.due)))
        for note in detail.oversight_notes for a in note.actions if a.done is None
    )
    held = tuple(m for m in detail.meetings
                 if m.status == "held" and m.kind in (*CIN_MEETING_KINDS, "family_network"))
    return CasePage(
        row=row,
        detail=detail,
        last_seen=last_seen(visits),
        last_seen_alone=last_seen_alone(visits),
        over_3_not_seen_alone=not_seen_alone_over_3(detail.summary.dob, visits),
        visits=replay.visits(facts, *visit_window(today)),
        voices=voices,
        meetings_held=held,
        meetings=replay.meetings(facts),
        meetings_due=tuple(d for d in row.deadlines if d.kind in MEETING_DUE_KINDS),
        cancelled=sum(m.status == "cancelled" for m in detail.meetings),
        circulation=replay.circulation(facts),
        circulation_due=tuple(d for d in row.deadlines if d.kind == "circulation"),
        flags=flags_of(row.deadlines),
        open_actions=tuple(sorted(open_actions, key=lambda a: (a.action.due, a.action.id))),
        notes=tuple(sorted(detail.oversight_notes, key=lambda n: (n.recorded, n.id), reverse=True)),
    )


# ---------------------------------------------------------------------------------------------
# The supervision record


@dataclass(frozen=True, slots=True)
class RecordSection:
    page: CasePage
    notes: tuple[OversightNoteRecord, ...]  # the notes recorded in the period, oldest first


@dataclass(frozen=True, slots=True)
class SupervisionNotes:
    worker: str
    team: str | None
    since: date | None  # None: no note has ever been recorded on this worker's cases
    today: date
    sections: tuple[RecordSection, ...]    # cases with a note in the period, by ref
    without_notes: tuple[CasePage, ...]     # open cases with no note in the period

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.author for s in self.sections for n in s.notes))


def supervision_notes(
    session: Session,
    *,
    worker: str,
    policies: Mapping[str, Any],
    calendar: Any,
    today: date,
    since: date | None = None,
    amber_working_days: int = 5,
    store: bool = True,
) -> SupervisionNotes:
    """The oversight notes recorded on `worker`'s cases from `since` to today; without `since`,
    those of the latest day a note was recorded (the last walkthrough). Closed cases are
    included when a note was recorded on them in the period. Raises `UnknownWorker`."""
    pages = walkthrough_pages(session, worker=worker, policies=policies, calendar=calendar,
                              today=today, amber_working_days=amber_working_days,
                              include_closed=True, store=store)
    if since is None:
        since = max((n.recorded for p in pages for n in p.notes), default=None)
    sections = []
    without = []
    for page in pages:
        notes = tuple(sorted(
            (n for n in page.notes if since is not None and since <= n.recorded <= today),
            key=lambda n: (n.recorded, n.id)))
        if notes:
            sections.append(RecordSection(page, notes))
        elif not page.row.closed:
            without.append(page)
    team = next((p.row.summary.team for p in pages if p.row.summary.team), None)
    if team is None:
        team = next((w.team for w in list_workers(session) if w.name == worker), None)
    return SupervisionNotes(worker=worker, team=team, since=since, today=today,
                            sections=tuple(sections), without_notes=tuple(without))


def family_names(page: CasePage, pages: Iterable[CasePage]) -> tuple[str, ...]:
    """The child's name and their siblings' (same family) among `pages`."""
    family = page.row.summary.family
    siblings = [p.name for p in pages if family and p.row.summary.family == family]
    return tuple(dict.fromkeys([page.name, *siblings]))
