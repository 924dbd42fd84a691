"""The cin Textual app: opens the caseload and wires settings, policies and the database.

`make_app(...)` is the one way to build it, used by `cin`, `cin demo` and the tests. The App
does no SQLite work on the UI thread: the database, policy packs, calendar and settings are
loaded in a thread worker at start, and every screen reads and writes through the `CaseStore`
from thread workers of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from screens import keys
from screens.caseload import CaseloadScreen, LoadedCaseload, read_caseload
from screens.help import HelpScreen
from screens.store import CaseStore, describe_error


# How many of the most urgent cases are painted from the stored deadlines before the whole
# caseload has loaded: more than any screen shows.
FIRST_SCREEN_ROWS = 120


class CinApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "cin"
    SUB_TITLE = "Child in Need caseload"
    BINDINGS = [*keys.bindings(keys.HELP), keys.PRIVACY.binding(show=False)]

    def __init__(
        self,
        *,
        database_path: Path,
        today: date,
        settings_dir: Path | None = None,
        privacy: bool = False,
        actor: str | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.database_path = Path(database_path)
        self.today = today
        self.settings_dir = settings_dir
        self.privacy = privacy
        self.cursor_blink = cursor_blink
        self._actor = actor
        self.store: CaseStore | None = None
        self.startup_error: str | None = None
        self.settings: Any = None
        # Bumped after every save, so screens know their copy of the data is stale.
        self.data_version = 0

    def on_mount(self) -> None:
        self.push_screen(CaseloadScreen())
        self._start()

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def _start(self) -> None:
        try:
            settings = self._settings()
            self._show_stored_caseload(settings)
            store = self._open(settings)
        except Exception as error:  # every start-up failure is shown, never a traceback
            self.call_from_thread(self._start_failed, describe_error(error))
            return
        try:
            # Read the first caseload here too, rather than wait for the UI thread to ask.
            first = read_caseload(store, include_closed=False)
        except Exception:  # the caseload screen reads it again and shows what went wrong
            first = None
        self.call_from_thread(self._started, settings, store, first)

    def _settings(self) -> Any:
        from cin_tui.settings import Settings, load_settings

        if self.settings_dir is not None:
            return load_settings(self.settings_dir)
        return Settings(worker=self._actor or "cin user")

    def _show_stored_caseload(self, settings: Any) -> None:
        """Paint the caseload from the stored deadlines when they are current for today and
        these settings (plain sqlite3, before SQLAlchemy, Alembic or holidays are imported).
        The full store opened next reloads it, so the screen ends on the one path's answer."""
        from models.stored_deadlines import fast_caseload
        from screens.caseload import prepare_lines

        rows = fast_caseload(self.database_path, self.settings_dir, today=self.today,
                             amber_working_days=settings.amber_working_days,
                             limit=FIRST_SCREEN_ROWS)
        if rows is None:
            return
        lines, widths = prepare_lines(rows, self.today)
        partial = len(rows) >= FIRST_SCREEN_ROWS
        self.call_from_thread(self._stored_caseload_ready, lines, widths, partial)

    def _stored_caseload_ready(self, lines: Any, widths: Any, partial: bool) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, CaseloadScreen) and not screen.loaded:
                screen.show_loaded(LoadedCaseload(lines, widths, include_closed=False), -1,
                                   partial=partial)

    def _open(self, settings: Any) -> CaseStore:
        from models.db import open_database
        from models.stored_deadlines import settings_inputs_key
        from policies.calendar import load_calendar
        from policies.packs import load_policies

        policies = load_policies(self.settings_dir)
        calendar = load_calendar(self.settings_dir)
        engine = open_database(self.database_path)
        return CaseStore(
            engine=engine,
            policies=policies,
            calendar=calendar,
            today=self.today,
            actor=self._actor or settings.worker,
            amber_working_days=settings.amber_working_days,
            settings_inputs=settings_inputs_key(
                self.settings_dir, today=self.today,
                amber_working_days=settings.amber_working_days),
        )

    def _started(self, settings: Any, store: CaseStore, first: LoadedCaseload | None) -> None:
        self.settings = settings
        self.store = store
        if settings.keymap:
            self.set_keymap(settings.keymap)
        self.data_version += 1
        for screen in self.screen_stack:
            if isinstance(screen, CaseloadScreen) and first is not None:
                screen.show_loaded(first, self.data_version)
            elif (reload := getattr(screen, "reload", None)) is not None:
                reload()

    def _start_failed(self, message: str) -> None:
        self.startup_error = message
        self.data_changed()

    def data_changed(self) -> None:
        """After a save (or at start): every screen that shows data reloads it in a worker."""
        self.data_version += 1
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if reload is not None:
                reload()

    # ----- keys -------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_team_view(self) -> None:
        """The team view for supervision (screens/team.py)."""
        from screens.team import TeamScreen

        if not isinstance(self.screen, TeamScreen):
            self.push_screen(TeamScreen())

    def action_toggle_privacy(self) -> None:
        self.privacy = not self.privacy
        for screen in self.screen_stack:
            screen.refresh(recompose=False)
            redraw = getattr(screen, "privacy_changed", None)
            if redraw is not None:
                redraw()
        self.notify("Privacy mode on: names shown as initials" if self.privacy
                    else "Privacy mode off: names shown in full")

    def write_supervision_record(self, worker: str, *, privacy: bool) -> tuple[Path, Any]:
        """Write the walkthrough notes of `worker` as Markdown in the database's folder.

        Blocks on SQLite and the file system: the walkthrough calls it from a thread worker.
        Returns the file written and the notes it holds."""
        from cin_tui.supervision_record import default_record_path, write_supervision_record
        from models.supervision import supervision_notes
        from screens.team import supervision_read

        store = self.store
        notes = supervision_read(store, supervision_notes, worker=worker)
        path = default_record_path(self.database_path.parent, worker, self.today)
        written = write_supervision_record(path, notes, policies=store.policies,
                                           privacy=privacy, make_folder=True)
        return written, notes

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette lists the same commands as the footer and the help screen."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id not in keys.COMMANDS_BY_ID or binding.id in seen or not active.enabled:
                continue
            seen.add(binding.id)
            key = self.get_key_display(binding)
            yield SystemCommand(
                f"{binding.description} ({key})",
                binding.tooltip,
                _runner(self, binding.action, active.node),
            )
        yield from super().get_system_commands(screen)


def _runner(app: App, action: str, node: Any):
    async def run() -> None:
        await app.run_action(action, node)

    return run


def make_app(
    *,
    database_path: Path,
    today: date,
    settings_dir: Path | None = None,
    privacy: bool = False,
    actor: str | None = None,
    cursor_blink: bool = True,
) -> CinApp:
    """Build the app. `settings_dir=None` means built-in defaults only: the shipped policy
    packs, England & Wales bank holidays and the default keys (what tests want); the CLI passes
    the user's settings folder. `actor` overrides the settings' worker name in the audit trail."""
    return CinApp(
        database_path=database_path,
        today=today,
        settings_dir=settings_dir,
        privacy=privacy,
        actor=actor,
        cursor_blink=cursor_blink,
    )
