"""The caseload: one line per case with its four countdowns, most urgent first."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from models.service import DEFAULT_AMBER_WORKING_DAYS
from policies.dates import format_date
from screens import heap, keys
from screens.caseload_view import (
    COUNTDOWN_COLUMNS,
    SORT_LABELS,
    STATUS_FILTER_LABELS,
    STATUS_FILTERS,
    CaseLine,
    Counts,
    View,
    apply_view,
    build_lines,
    counts,
    natural_widths,
    next_in,
    with_next_sort,
    workers_in,
)
from screens.cells import (
    STATUS_STYLES,
    countdown_cell,
    display_name,
    no_frequency_cell,
    other_items_cell,
)
from screens.context import CaseloadAccess, cin, follow_app, leave_app
from screens.text import describe_error, shown
from screens.widgets.footer import CinFooter
from screens.widgets.line_table import GUTTER, SEPARATOR, Column, LineTable

EMPTY_MESSAGE = """\
[b]No open cases yet[/b]

This caseload is empty: {path}

To bring in your cases, quit ([b]q[/b]) and run
    [b]cin import cases.json[/b]      (or a .csv file; the README shows the columns)

To look around first with 25 fictional children, run
    [b]cin demo[/b]

Press [b]c[/b] to show closed cases, [b]?[/b] for all keys."""


# What may be narrowed on a small terminal, in order, and how far.
NARROWEST = (("name", 12), ("authority", 8), ("worker", 8), ("circulation", 5))
# What may be left out, least needed first, when narrowing is not enough (80 columns): the
# ref, name, four countdowns and Other always stay (the case screen has the rest).
DROPPABLE = ("authority", "age", "worker")
SHORT_LABELS = {"circulation": "Circ.", "authority": "Auth.", "worker": "Worker"}


@dataclass(frozen=True, slots=True)
class LoadedCaseload:
    # Not in the repr: Textual's @work describes a worker by its arguments' repr, on the UI
    # thread, and 20,000 lines made that a 59 MB string and most of a second after every save.
    lines: list[CaseLine] = field(repr=False)
    widths: dict[str, int] = field(repr=False)
    include_closed: bool
    # The stored-deadline batches the lines hold (models.caseload.load_caseload_changes).
    batches: frozenset[int] = frozenset()


def prepare_lines(rows: Any, today: Any, per_case_frequency: Collection[str] = ()
                  ) -> tuple[list[CaseLine], dict[str, int]]:
    """The table lines of caseload rows and their natural column widths (off the UI thread).
    `per_case_frequency`: see `build_lines` (none before the packs are loaded: the first paint
    from the stored deadlines)."""
    with heap.collector_paused():
        lines = build_lines(rows, today, per_case_frequency)
        return lines, natural_widths(lines)


def per_case_frequency(service: CaseloadAccess) -> frozenset[str]:
    """The installed packs that leave the visiting frequency to each case."""
    return frozenset(pack_id for pack_id, policy in service.policies.items()
                     if policy.visits_per_case)


def read_caseload(service: CaseloadAccess, *, include_closed: bool,
                  since: LoadedCaseload | None = None) -> LoadedCaseload:
    """Read the cases and build their table lines. Blocks on SQLite: call it from a worker.

    Given the caseload read last time (`since`, read with the same closed-cases choice), only
    the cases stored since are read and merged into it (after a save: the cases it changed);
    otherwise every case."""
    known = since.batches if since is not None and since.include_closed == include_closed \
        else frozenset()
    with heap.collector_paused():
        rows, batches = service.caseload_changes(known_batches=known,
                                                 include_closed=include_closed)
    if known and since is not None:
        changed = {row.ref for row in rows}
        new_lines, new_widths = prepare_lines(
            [row for row in rows if include_closed or not row.closed], service.today,
            per_case_frequency(service))
        lines = [line for line in since.lines if line.ref not in changed] + new_lines
        widths = {key: max(since.widths.get(key, 0), new_widths.get(key, 0))
                  for key in since.widths.keys() | new_widths.keys()}
        return LoadedCaseload(lines, widths, include_closed, batches)
    lines, widths = prepare_lines(rows, service.today, per_case_frequency(service))
    del rows  # every case's full deadline list: freed before the UI thread runs
    heap.settle(len(lines))
    return LoadedCaseload(lines, widths, include_closed, batches)


class CaseloadTable(LineTable):
    BINDINGS = keys.bindings(keys.OPEN_CASE)


class SearchInput(Input):
    BINDINGS = keys.bindings(keys.CLEAR_SEARCH)

    def action_clear(self) -> None:
        self.value = ""
        self.screen.query_one(CaseloadTable).focus()


class CaseloadScreen(Screen[None]):
    BINDINGS = keys.bindings(*keys.CASELOAD_COMMANDS)

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[CaseLine] = []
        self.shown: list[CaseLine] = []
        self.view = View()
        self.worker_names: list[str] = []
        self.widths: dict[str, int] = {}
        self.authorities: dict[str, str] = {}
        self.loaded = False
        self._home_done = False  # see _open_on_home_worker
        self.partial = False  # showing only the first screen of cases while the rest load
        self._last_read: LoadedCaseload | None = None  # what the next load merges into
        self._loaded_version = -1
        self.last_calendar_path: Path | None = None  # the calendar key's latest file

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the caseload…", id="summary")
        yield Static("", id="view-state")
        yield SearchInput(
            placeholder="Search by name or ref (Enter: back to the list, Escape: clear)",
            id="search")
        yield CaseloadTable(id="caseload", row_key=lambda line: line.ref)
        yield Static("", id="message")
        yield CinFooter()

    def on_mount(self) -> None:
        self.title = "cin · caseload"
        self.sub_title = format_date(cin(self).today)
        self.query_one(SearchInput).cursor_blink = cin(self).cursor_blink
        self.query_one(CaseloadTable).focus()
        follow_app(self, data=self._data_changed, privacy=self._privacy_changed)
        self.reload()

    def on_unmount(self) -> None:
        leave_app(self)

    # ----- loading ----------------------------------------------------------------------

    def _data_changed(self, version: int) -> None:
        # Under another screen (the case a visit was just saved on), the read waits until this
        # screen is shown again (on_screen_resume), leaving the moment to that screen's own.
        # (Not `is_current`: that is true under any screen whose background lets it show.)
        if version != self._loaded_version and self.app.screen is self:
            self.reload()

    def reload(self) -> None:
        app = cin(self)
        if app.startup_error is not None:
            self._show_message(_problem("cin could not open the caseload", app.startup_error),
                               error=True)
            return
        if app.service is None:
            return  # the app publishes data_signal once it has started
        self._load(app.service, self.view.include_closed, app.data_version, self._last_read)

    @work(thread=True, exclusive=True, group="caseload", exit_on_error=False)
    def _load(self, service: CaseloadAccess, include_closed: bool, version: int,
              since: LoadedCaseload | None) -> None:
        try:
            loaded = read_caseload(service, include_closed=include_closed, since=since)
        except Exception as error:  # shown to the user, never a traceback
            self.app.call_from_thread(self._show_message,
                                      _problem("Could not read the caseload",
                                               describe_error(error)),
                                      error=True)
            return
        self.app.call_from_thread(self.show_loaded, loaded, version)

    def show_loaded(self, loaded: LoadedCaseload, version: int, *,
                    partial: bool = False) -> None:
        """Show a caseload read by `read_caseload` (the app's start-up worker reads the first
        one itself, saving a round trip through the UI thread). `partial`: only the most
        urgent cases, painted from the stored deadlines before the store opened; the full
        read follows and replaces them, and until then the summary says so."""
        if loaded.include_closed != self.view.include_closed:
            self.reload()  # the user toggled closed cases while it was being read
            return
        if version < self._loaded_version:
            return  # an older read finished after a newer one
        if self._loaded_version < 0:
            self.refresh_bindings()  # the settings are read now: offer Sync if they name a server
        self.partial = partial
        if not partial:
            self._last_read = loaded
        lines, widths = loaded.lines, loaded.widths
        self.lines = lines
        self.widths = widths
        self.authorities = {policy_id: self._authority(policy_id)
                            for policy_id in {line.summary.policy_id for line in lines}}
        self.worker_names = workers_in(lines)
        if self.view.worker is not None and self.view.worker not in self.worker_names:
            self.view = replace(self.view, worker=None)
        self._open_on_home_worker(partial)
        self.loaded = not partial  # keys that need every case wait for the full read
        self._loaded_version = version
        self._refresh_view()

    def _open_on_home_worker(self, partial: bool) -> None:
        """"My cases" first: the first time the user's own name is among the workers (their
        settings' `worker`, written in any case), the view shows their cases; once only, so
        the worker key (w) then shows everyone's as usual."""
        if self._home_done:
            return
        home = (cin(self).home_worker or "").casefold()
        mine = next((name for name in self.worker_names if name.casefold() == home), None)
        if mine is not None:
            self._home_done = True
            if self.view.worker is None:
                self.view = replace(self.view, worker=mine)
        elif not partial:
            self._home_done = True  # the whole caseload is in, and none of it is theirs

    def on_screen_resume(self) -> None:
        if self.loaded and self._loaded_version != cin(self).data_version:
            self.reload()

    # ----- showing ----------------------------------------------------------------------

    def _refresh_view(self) -> None:
        if self._loaded_version < 0:
            return  # nothing read yet (or the caseload could not be opened): the view waits
        self.shown = apply_view(self.lines, self.view)
        self._fill_table()
        self._update_summary()
        if not any(not line.closed for line in self.lines) and not self.view.include_closed:
            path = cin(self).database_path
            before, after = EMPTY_MESSAGE.split("{path}")
            self._show_message(Text.assemble(Text.from_markup(before), shown(path),
                                             Text.from_markup(after)))
        elif not self.shown:
            self._show_message(Text.assemble(
                "No cases match. ", self._view_words(), "\nEscape clears the search; ",
                ("f", "bold"), " and ", ("w", "bold"), " change the filters."))
        else:
            self._show_message(None)

    def _fill_table(self) -> None:
        table = self.query_one(CaseloadTable)
        table.set_rows(self._columns(), self.shown,
                       sort_column=None if self.view.sort == "urgency" else self.view.sort,
                       sort_reverse=self.view.reverse)

    def _columns(self) -> list[Column]:
        privacy = cin(self).privacy
        widths = self.widths
        columns = [
            Column("ref", "Ref", widths["ref"], lambda line: shown(line.ref)),
            Column("name", "Name", 8 if privacy else min(widths["name"], 28),
                   lambda line: _name_cell(line, privacy)),
            Column("age", "Age", widths["age"], lambda line: line.age, justify="right"),
        ]
        if len({line.worker for line in self.shown}) > 1:
            columns.append(Column("worker", "Worker", min(widths["worker"], 18),
                                  lambda line: shown(line.worker or "—")))
        authorities = self.authorities
        columns.append(Column("authority", "Authority",
                              min(max([9, *map(len, authorities.values())]), 16),
                              lambda line: authorities.get(line.summary.policy_id,
                                                           line.summary.policy_id)))
        for index, (kind, label) in enumerate(COUNTDOWN_COLUMNS):
            width = widths[kind]
            if index == 0 and any(line.closed or line.error for line in self.shown):
                width = max(width, len(NO_POLICY_MARK))
            columns.append(Column(kind, label, width,
                                  partial(_countdown_column_cell, index=index)))
        columns.append(Column("other", "Other", 5, lambda line: other_items_cell(*line.other)))
        return self._fit(columns)

    def _fit(self, columns: list[Column]) -> list[Column]:
        """On a narrow terminal, narrow the name, authority and worker columns and shorten the
        "Circulation" heading, then leave out authority, age and worker, before anything
        scrolls sideways; a name narrowed more than needed gets the room back (a long one ends
        in "…"). Countdowns are never cut."""
        available = self.query_one(CaseloadTable).scrollable_content_region.width
        if available <= 0:
            return columns
        full_name = next((column.width for column in columns if column.key == "name"), 0)
        for key, narrowest in NARROWEST:
            used = _used_width(columns)
            if used <= available:
                break
            for index, column in enumerate(columns):
                if column.key != key or column.width <= narrowest:
                    continue
                if f"{key}_cells" in self.widths:
                    # A countdown is never cut: only its heading can be shortened.
                    narrowest = max(narrowest, self.widths[f"{key}_cells"])
                width = max(narrowest, column.width - (used - available))
                label = (column.label if width >= len(column.label)
                         else SHORT_LABELS.get(key, column.label))
                columns[index] = replace(column, width=width, label=label)
        for key in DROPPABLE:
            if _used_width(columns) <= available:
                break
            columns = [column for column in columns if column.key != key]
        spare = available - _used_width(columns)
        return [replace(column, width=min(full_name, column.width + spare))
                if column.key == "name" and spare > 0 else column for column in columns]

    def _authority(self, policy_id: str) -> str:
        service = cin(self).service
        policy = service.policy(policy_id) if service else None
        name = getattr(policy, "name", None) or policy_id
        return shown(name if len(name) <= 16 else policy_id.title())

    def _update_summary(self) -> None:
        total = counts(self.lines if self.view.worker is None
                       else [line for line in self.lines if line.worker == self.view.worker])
        if self.partial:
            self.query_one("#summary", Static).update(
                f"Loading the whole caseload… the {len(self.lines)} most urgent cases first")
            self.query_one("#view-state", Static).update("")
            return
        worker = shown(self.view.worker) if self.view.worker is not None else None
        self.query_one("#summary", Static).update(
            summary_text(total, amber_days(cin(self).service), worker))
        self.query_one("#view-state", Static).update(Text(self._view_words()))

    def _view_words(self) -> str:
        view = self.view
        parts = [
            f"Showing {len(self.shown)} of {len(self.lines)}",
            f"worker: {view.worker or 'all'}",
            f"status: {STATUS_FILTER_LABELS[view.status]}",
            f"sort: {SORT_LABELS[view.sort]}{' (reversed)' if view.reverse else ''}",
        ]
        if view.include_closed:
            parts.append("closed cases shown")
        if view.search:
            parts.append(f'search: "{view.search}"')
        return shown(" · ".join(parts))

    def _show_message(self, content: Text | None, *, error: bool = False) -> None:
        """A message instead of (or above) the table; a Text, so nothing in it (a search, a
        path, an error that echoes a name) is read as markup."""
        message = self.query_one("#message", Static)
        table = self.query_one(CaseloadTable)
        message.set_class(error, "error")
        if content is None:
            message.display = False
            if not table.display:
                # The first case of an empty caseload (added in the app): the list takes the
                # keyboard, not the search box Textual gave it while the list was hidden.
                table.display = True
                if not self.query_one(SearchInput).value:
                    table.focus()
            return
        message.update(content)
        message.display = True
        table.display = bool(self.shown)

    def _privacy_changed(self, _on: bool) -> None:
        if self.loaded:
            self._fill_table()

    def on_resize(self) -> None:
        if self.loaded:
            self._fill_table()

    # ----- actions ----------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one(SearchInput)
        search.display = True
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.view = replace(self.view, search=event.value)
        self._refresh_view()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(CaseloadTable).focus()

    @on(LineTable.Selected, "#caseload")
    def _open_case(self, event: LineTable.Selected) -> None:
        from screens.case import CaseScreen

        self.app.push_screen(CaseScreen(event.row.ref))

    def action_next_sort(self) -> None:
        self.view = with_next_sort(self.view)
        self._refresh_view()

    def action_reverse_sort(self) -> None:
        self.view = replace(self.view, reverse=not self.view.reverse)
        self._refresh_view()

    def sort_by(self, key: str) -> None:
        if self.view.sort == key:
            self.view = replace(self.view, reverse=not self.view.reverse)
        else:
            self.view = replace(self.view, sort=key, reverse=False)
        self._refresh_view()

    @on(LineTable.HeaderClicked, "#caseload")
    def _header_clicked(self, event: LineTable.HeaderClicked) -> None:
        self.sort_by(event.column_key)

    def action_next_worker(self) -> None:
        self.view = replace(self.view, worker=next_in([None, *self.worker_names], self.view.worker))
        self._refresh_view()

    def action_next_status(self) -> None:
        self.view = replace(self.view, status=next_in([key for key, _ in STATUS_FILTERS],
                                                      self.view.status))
        self._refresh_view()

    def action_toggle_closed(self) -> None:
        self.view = replace(self.view, include_closed=not self.view.include_closed)
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Sync only where there is a team server to sync with (a laptop's replica)."""
        if action == "sync":
            return cin(self).team_server is not None
        return True

    def action_sync(self) -> None:
        server = cin(self).team_server
        if server is None or cin(self).service is None:
            self.notify("No team server to sync with: settings.toml names none ([team] "
                        "server), or the caseload is still opening.", severity="warning")
            return
        from screens.sync import SyncScreen

        self.app.push_screen(SyncScreen(server))

    def action_new_case(self) -> None:
        context = cin(self)
        service = context.service
        if service is None:
            self.notify("The caseload is still opening; try again in a moment.",
                        severity="warning")
            return
        from screens.forms.case_form import NewCaseForm

        def done(message: str | None) -> None:
            if message:
                self.app.notify(shown(message, multiline=True), markup=False)
                context.data_changed()

        self.app.push_screen(NewCaseForm(today=context.today, policies=service.policies,
                                         worker=context.home_worker or service.actor,
                                         privacy=context.privacy), done)

    def action_log_visit(self) -> None:
        line = self.query_one(CaseloadTable).current_row
        if line is None:
            self.notify("No case is highlighted.", severity="warning")
            return
        from screens.forms.visit import open_visit_form

        open_visit_form(self, line.ref)

    def action_calendar_file(self) -> None:
        """The open deadlines of the worker shown (everyone's when unfiltered) as an .ics file
        beside the database (screens.calendar_file), the same as `cin calendar`."""
        context = cin(self)
        if context.service is None:
            self.notify("The caseload is still opening; try again in a moment.",
                        severity="warning")
            return
        self._write_calendar(context.service, context.database_path.parent, self.view.worker,
                             context.privacy)

    @work(thread=True, exclusive=True, group="calendar-file", exit_on_error=False)
    def _write_calendar(self, service: CaseloadAccess, folder: Path, worker: str | None,
                        privacy: bool) -> None:
        from datetime import UTC, datetime

        from screens.calendar_file import default_calendar_path, write_calendar

        try:
            events = service.calendar_events(worker=worker)
            written = write_calendar(default_calendar_path(folder, worker), events,
                                     stamp=datetime.now(UTC), privacy=privacy)
        except Exception as error:  # shown to the user, never a traceback
            self.app.call_from_thread(self.notify, shown(f"The calendar was not written: "
                                                         f"{describe_error(error)}"),
                                      severity="error", timeout=10, markup=False)
            return
        count = len(events)
        whose = f"{worker}'s cases" if worker else "every open case"
        names = ", names as initials" if privacy else ""
        self.last_calendar_path = written
        self.app.call_from_thread(
            self.notify,
            shown(f"Calendar written ({count} deadline{'s' if count != 1 else ''} of {whose}"
                  f"{names}): {written}\nImport it into Outlook; importing it again later "
                  "updates the same events.", multiline=True),
            timeout=15, markup=False)


def _problem(title: str, message: str) -> Text:
    return Text.assemble((title, "bold"), "\n\n", shown(message, multiline=True))


def _used_width(columns: list[Column]) -> int:
    return GUTTER + sum(column.width + SEPARATOR for column in columns)


def _name_cell(line: CaseLine, privacy: bool) -> Text:
    name = display_name(line.name, privacy)
    return Text(name, style="dim") if line.closed else Text(name)


CLOSED_MARK = "■ closed"
NO_POLICY_MARK = "⚠ no policy"
# Any other reason a case's deadlines could not be worked out (a date out of range): the case
# screen says which (models.caseload.deadlines_error_text). No longer than NO_POLICY_MARK.
NO_DEADLINES_MARK = "⚠ see case"


def amber_days(service: Any) -> int:
    """The amber window the cells were worked out with (settings' amber_working_days)."""
    return int(getattr(service, "amber_working_days", DEFAULT_AMBER_WORKING_DAYS))


def summary_text(total: Counts, amber: int, worker: str | None = None) -> Text:
    """The header, saying what each count counts so it can be checked against the cells, and
    short enough for 80 columns: "✖ 3 children overdue · ▲ 4 items due within 5 working days ·
    5 open cases". Children with a ✖ anywhere, as the team view counts them; the ▲ items the
    cells show; "for Jo King" when one worker's cases are shown (also on the line below, which
    a narrow terminal still shows whole)."""
    text = Text()
    children = "child" if total.children_overdue == 1 else "children"
    text.append(f"✖ {total.children_overdue} {children} overdue", style=STATUS_STYLES["overdue"])
    text.append(" · ")
    items = "item" if total.due_soon == 1 else "items"
    days = "working day" if amber == 1 else "working days"
    text.append(f"▲ {total.due_soon} {items} due within {amber} {days}",
                style=STATUS_STYLES["due_soon"])
    text.append(f" · {total.cases} open case{'s' if total.cases != 1 else ''}")
    if worker is not None:
        text.append(f" for {worker}")
    return text


def _countdown_column_cell(line: CaseLine, index: int) -> Text:
    """The first countdown column also says when a case is closed or has no deadlines at all
    because its policy pack is missing: never an empty cell that looks like "nothing due"."""
    if index == 0 and line.error:
        mark = NO_POLICY_MARK if "is not installed" in line.error else NO_DEADLINES_MARK
        return Text(mark, style=STATUS_STYLES["overdue"])
    if index == 0 and line.closed:
        return Text(CLOSED_MARK, style="dim")
    if index == 0 and line.frequency_missing and line.countdowns[0] is None:
        return no_frequency_cell()
    return countdown_cell(line.countdowns[index])
