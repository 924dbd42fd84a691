"""The team view: one line per worker, for a team manager's supervision.

Each line shows the worker's open cases, their overdue deadlines by kind, the share of visits in
time over the last 3 months, the children over 3 not seen alone at their last visit and the
cases past an oversight point of their authority (the measures are defined in
`models.supervision`, and in words under the table). Enter walks through a worker's cases.
"""

from __future__ import annotations

import threading
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from models.supervision import (
    OVERDUE_KINDS,
    TeamOverview,
    Timeliness,
    WorkerLine,
)
from models.trends import total
from policies.dates import format_date
from screens import keys
from screens.caseload_view import next_in
from screens.cells import GLYPHS, NO_FREQUENCY_MARK, STATUS_STYLES
from screens.context import CaseloadAccess, cin, follow_app, leave_app
from screens.text import describe_error, shown, user_text
from screens.widgets.footer import CinFooter
from screens.widgets.line_table import GUTTER, SEPARATOR, Column, LineTable
from screens.widgets.trends import TrendPanel, TrendRow

NOT_ALLOCATED = "Not allocated"
# Short headings, so every column fits 80 columns (the definitions below say them in full).
KIND_LABELS = {"visit": "Visit", "meeting": "Mtg", "circulation": "Circ", "review": "Rev"}
NARROWEST_WORKER = 9
DRAW_PATIENCE_SECONDS = 1.0

DEFINITIONS = """\
[b]✖ Visit, Mtg, Circ, Rev[/b]: open deadlines past their date, by kind (visits, meetings, \
circulation of notes, reviews); "children overdue" above counts the children with anything \
overdue, as the caseload does.   \
[b]Flags[/b]: cases with an oversight point of their authority (or an assessment) due today or \
overdue, not cleared by a management note.   [b]Actions[/b]: oversight actions past their due \
date.   [b]Not alone[/b]: children aged 3 or more who were not seen alone (or it was not \
recorded) at their last visit.   \
[b]In time[/b]: of the visits from {start} to {end} where the child was seen, those made \
on or before the visit deadline that applied on the day (worked out from what was recorded \
before it); visits under a procedure with no visiting timescale are not counted; a first visit \
never made whose moment has passed (missed) counts as a visit not in time.   \
[b]Milestones missed[/b]: one-off milestones of a case's first weeks due from {start} to {end}, \
never recorded and overtaken by a later stage (docs/policies.md).   \
[b]Trends[/b], per calendar month (the last to today; "·" or "n/a": nothing to count that \
month, never 0%): [b]visits in time[/b] as above, of the visits made in the month and the first \
visits missed that were due in it; [b]meetings on time[/b]: the meetings held in the month, \
judged against the meeting or review deadline that applied on the day, and the first meetings \
missed that were due in it; [b]notes on time[/b]: the notes of the meetings held in the month, \
late when circulated after their deadline or not circulated once it has passed.   \
[b]Closed cases[/b]: "In time", the milestones missed and the trends count the cases closed \
in those months too, up to their closure (nothing is due after it), under the worker the case \
is allocated to (the one who held it when it closed, unless it was moved since); "Cases" and \
the other columns are of the open cases."""


class WorkerTable(LineTable):
    BINDINGS = keys.bindings(keys.WALKTHROUGH)


class TeamScreen(Screen[None]):
    BINDINGS = keys.bindings(*keys.TEAM_COMMANDS)
    DEFAULT_CSS = """
    #team-lower {
        height: 1fr;
        margin-top: 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.overview: TeamOverview | None = None
        self.team: str | None = None  # None: every team
        self._loaded_version = -1
        # The overview with its months (the trends), once worked out after the table; until
        # then the previous one (after a change), or None (a line says they are coming).
        self.trends: TeamOverview | None = None
        self._trends_problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the team…", id="team-summary")
        yield WorkerTable(id="team-table", row_key=lambda line: (line.team, line.worker))
        # The rest of the screen: the trends, then what every figure means; Tab gives it the
        # keyboard, to scroll it where it is longer than the screen.
        with VerticalScroll(id="team-lower"):
            yield TrendPanel(id="team-trends", key=keys.TREND_FIGURES.key)
            yield Static("", id="team-definitions")
        yield CinFooter()

    def on_mount(self) -> None:
        self.title = "cin · team"
        self.sub_title = format_date(cin(self).today)
        self.query_one(WorkerTable).focus()
        # Under another screen (a walkthrough), reloaded when shown again (on_screen_resume).
        follow_app(self, data=lambda _version: self.reload() if self.app.screen is self else None)
        self.reload()

    def on_unmount(self) -> None:
        leave_app(self)

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        app = cin(self)
        if app.service is not None:
            self._load(app.service, app.data_version)

    @work(thread=True, exclusive=True, group="team", exit_on_error=False)
    def _load(self, service: CaseloadAccess, version: int) -> None:
        """One read; the table is shown as soon as its figures are worked out, the months of
        the trends (most of the work) after, from the same facts."""
        worker = get_current_worker()
        try:
            facts = service.team_facts()
            overview = facts.overview()
        except Exception as error:  # shown to the user, never a traceback
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, describe_error(error))
            return
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._loaded, overview, version)
        # The table on screen before the months take the interpreter: drawing it while they
        # are worked out would leave both waiting on each other. (A screen under another one
        # is not drawn: the wait is bounded.)
        drawn = threading.Event()
        self.app.call_from_thread(self.call_after_refresh, drawn.set)
        drawn.wait(DRAW_PATIENCE_SECONDS)
        try:
            with_trends = facts.with_trends(overview)
        except Exception as error:  # the table stays; the panel says why there are no trends
            if not worker.is_cancelled:
                self.app.call_from_thread(self._trends_failed, describe_error(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._trends_loaded, with_trends)

    def _failed(self, message: str) -> None:
        self.query_one("#team-summary", Static).update(
            user_text(f"Could not read the team: {message}", STATUS_STYLES["overdue"]))
        if self.trends is None:
            self.query_one(TrendPanel).show((), ())  # no "working out" line: nothing is coming

    def _loaded(self, overview: TeamOverview, version: int) -> None:
        self.overview = overview
        self._loaded_version = version
        if self.team is not None and self.team not in overview.teams:
            self.team = None
        self._draw()

    def _trends_failed(self, message: str) -> None:
        self.trends = None
        self._trends_problem = message
        self._draw_trends()

    def _trends_loaded(self, overview: TeamOverview) -> None:
        """The same overview with the months filled: only the trends panel changes."""
        self.trends = overview
        self._trends_problem = None
        self._draw_trends()

    def on_screen_resume(self) -> None:
        if self.overview is not None and self._loaded_version != cin(self).data_version:
            self.reload()

    # ----- showing ----------------------------------------------------------------------

    @property
    def lines(self) -> tuple[WorkerLine, ...]:
        return self.overview.of_team(self.team) if self.overview else ()

    def _draw(self) -> None:
        overview = self.overview
        assert overview is not None
        lines = self.lines
        self.query_one(WorkerTable).set_rows(self._columns(lines), list(lines))
        self.query_one("#team-summary", Static).update(self._summary(lines))
        self._draw_trends()
        start, end = overview.window
        self.query_one("#team-definitions", Static).update(
            DEFINITIONS.format(start=format_date(start), end=format_date(end)))

    def _draw_trends(self) -> None:
        panel = self.query_one(TrendPanel)
        panel.key = self._key_of(keys.TREND_FIGURES)
        if self.trends is None:
            if self._trends_problem is not None:
                panel.failed(self._trends_problem)
            else:
                panel.waiting()
            return
        team = self.team if self.team in self.trends.teams else None
        panel.show(self.trends.periods, _trend_rows(self.trends.of_team(team), team))

    def _summary(self, lines: tuple[WorkerLine, ...]) -> Text:
        cases = sum(line.cases for line in lines)
        overdue = sum(len(line.overdue_children) for line in lines)
        visits = sum((line.visits for line in lines), Timeliness())
        workers = sum(line.worker is not None for line in lines)
        text = Text()
        text.append(shown(self.team or "All teams"), style="bold")
        text.append(f" · {workers} worker{'s' if workers != 1 else ''}"
                    f" · {cases} open case{'s' if cases != 1 else ''} · ")
        text.append(f"{GLYPHS['overdue']} {overdue} {'child' if overdue == 1 else 'children'} "
                    "overdue",
                    style=STATUS_STYLES["overdue"] if overdue else STATUS_STYLES[None])
        text.append(f" · visits in time (3 months): {visits.words()}")
        missed = sum(len(line.missed) for line in lines)
        text.append(f" · {missed} milestone{'s' if missed != 1 else ''} missed",
                    style=STATUS_STYLES["overdue"] if missed else STATUS_STYLES[None])
        no_frequency = sum(len(line.no_frequency) for line in lines)
        if no_frequency:
            text.append(f" · {NO_FREQUENCY_MARK[0]} {no_frequency} "
                        f"case{'s' if no_frequency != 1 else ''} with no visiting frequency "
                        "recorded (no visit deadline until one is set)",
                        style=STATUS_STYLES["due_soon"])
        if self.overview and len(self.overview.teams) > 1:
            text.append("   (t: next team)", style="dim")
        return text

    def _columns(self, lines: tuple[WorkerLine, ...]) -> list[Column]:
        """The most important first (a column added later goes at the end, and on a narrow
        terminal scrolls before these), headings short enough that all fit 80 columns; the
        worker column takes the room left, at least NARROWEST_WORKER."""
        columns = [Column("cases", "Cases", 5, lambda line: str(line.cases), justify="right")]
        for kind in OVERDUE_KINDS:
            label = f"✖ {KIND_LABELS[kind]}"
            columns.append(Column(kind, label, len(label),
                                  partial(_overdue_cell, kind=kind), justify="right"))
        columns.append(Column("oversight", "Flags", 5,
                              lambda line: _count_cell(len(line.past_oversight), "overdue"),
                              justify="right"))
        columns.append(Column("actions", "Actions", 7,
                              lambda line: _count_cell(line.actions_overdue, "overdue"),
                              justify="right"))
        columns.append(Column("not_alone", "Not alone", 9,
                              lambda line: _count_cell(len(line.not_seen_alone), "due_soon"),
                              justify="right"))
        # Two spaces before "4/6 67%" (the separator and one more), so it never reads on from
        # the count before it, even where ▲ is drawn two cells wide (East Asian "ambiguous"
        # width), which takes one of them; no more, so "11/20 55%" still fits 80 columns.
        in_time = max([7, *(len(_timeliness_cell(line.visits)) for line in lines)]) + 1
        columns.append(Column("visits_in_time", "In time", in_time,
                              lambda line: _timeliness_cell(line.visits), justify="right"))
        if self.team is None and self.overview and len(self.overview.teams) > 1:
            team_width = min(max([4, *(len(line.team) for line in lines)]), 20)
            columns.append(Column("team", "Team", team_width, lambda line: line.team))
        natural = min(max([6, *(len(_worker(line)) for line in lines)]), 24)
        available = self.query_one(WorkerTable).scrollable_content_region.width
        room = available - _used_width(columns) - SEPARATOR if available > 0 else natural
        worker_width = max(NARROWEST_WORKER, min(natural, room))
        return [Column("worker", "Worker", worker_width, _worker), *columns]

    def _key_of(self, command: keys.Command) -> str:
        """The key that runs `command` here now (the user's keymap may have moved it)."""
        for active in self.active_bindings.values():
            if active.binding.id == command.id:
                return self.app.get_key_display(active.binding)
        return command.key

    def on_resize(self) -> None:
        if self.overview is not None:
            self._draw()

    # ----- actions ----------------------------------------------------------------------

    @on(LineTable.Selected, "#team-table")
    def _walk(self, event: LineTable.Selected) -> None:
        line: WorkerLine = event.row
        if line.worker is None:
            self.notify("These cases are not allocated to a named worker, so there is no "
                        "walkthrough for them.", severity="warning")
            return
        from screens.walkthrough import WalkthroughScreen

        self.app.push_screen(WalkthroughScreen(line.worker))

    def action_next_team(self) -> None:
        if self.overview is None:
            return
        self.team = next_in([None, *self.overview.teams], self.team)
        self._draw()

    def action_toggle_figures(self) -> None:
        self.query_one(TrendPanel).toggle_figures()

    def action_back(self) -> None:
        self.dismiss(None)


def _trend_rows(lines: tuple[WorkerLine, ...], team: str | None) -> list[TrendRow]:
    """One row per worker shown, then their total (the team's, or every team's)."""
    rows = [TrendRow(_worker(line), line.months) for line in lines]
    if lines:
        months = tuple(total(line.months[i] for line in lines)
                       for i in range(len(lines[0].months)))
        rows.append(TrendRow(team or "All teams", months, total=True))
    return rows


def _used_width(columns: list[Column]) -> int:
    return GUTTER + sum(column.width + SEPARATOR for column in columns)


def _worker(line: WorkerLine) -> str:
    return line.worker or NOT_ALLOCATED


def _overdue_cell(line: WorkerLine, kind: str) -> Text:
    return _count_cell(line.overdue.get(kind, 0), "overdue")


def _count_cell(count: int, status: str) -> Text:
    """A count that reads without colour: "✖ 3" when there is something, "· 0" when not."""
    if not count:
        return Text(f"{GLYPHS[None]} 0", style=STATUS_STYLES[None])
    return Text(f"{GLYPHS[status]} {count}", style=STATUS_STYLES[status])


def _timeliness_cell(timeliness: Timeliness) -> Text:
    """"6/17 35%", or "—" when no visit could be judged (right-justified: the % align)."""
    if not timeliness.counted:
        return Text("—", style=STATUS_STYLES[None])
    share = round(100 * timeliness.in_time / timeliness.counted)
    return Text(f"{timeliness.in_time}/{timeliness.counted} {share}%")
