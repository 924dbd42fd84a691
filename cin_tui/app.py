"""The cin Textual app: opens the caseload and wires settings, policies and the database.

`make_app(...)` is the one way to build it, used by `cin`, `cin demo` and the tests. The App
does no SQLite work on the UI thread: the database, policy packs, calendar and settings are
loaded in a thread worker at start into one `models.service.CaseloadService`, and every
screen reads and writes through it (typed as screens.context.CaseloadAccess) from thread workers
of its own.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.signal import Signal

from policies.safe_text import safe_text
from screens import keys
from screens.caseload import CaseloadScreen, LoadedCaseload, read_caseload
from screens.cells import few_colours, use_few_colours
from screens.help import HelpScreen
from screens.text import describe_error
from screens.watchers import prune_removed_watchers

if TYPE_CHECKING:
    from models.location import ServerUrl
    from models.service import CaseloadService
    from screens.context import CinContext


# How many of the most urgent cases are painted from the stored deadlines before the whole
# caseload has loaded: more than any screen shows.
FIRST_SCREEN_ROWS = 120
# How often the App asks whether anyone else saved to the database (docs/architecture.md,
# "Other people's changes"): one primary-key lookup each time.
CHANGE_CHECK_SECONDS = 2.0
# At most this long, the start-up worker waits for them to be drawn before opening the database.
FIRST_PAINT_WAIT_SECONDS = 0.5


class CinApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "cin"
    SUB_TITLE = "Child in Need caseload"
    BINDINGS: ClassVar[list[BindingType]] = [
        *keys.bindings(keys.HELP), keys.PRIVACY.binding(show=False)
    ]

    def __init__(
        self,
        *,
        database_path: Path | ServerUrl,
        today: date,
        settings_dir: Path | None = None,
        privacy: bool = False,
        actor: str | None = None,
        cursor_blink: bool = True,
        log_folder: Path | None = None,
    ) -> None:
        super().__init__()
        # Overdue the most visible cell in monochrome too (Textual has read NO_COLOR by now).
        use_few_colours(few_colours(self.no_color, os.environ))
        from models.location import ServerUrl, location_of

        # Where the caseload is (a file or a team server), and the local file whose folder
        # holds what the screens write (walkthrough records): for a server, the user's own
        # data folder.
        self.database = location_of(database_path)
        if isinstance(self.database, ServerUrl):
            from models.db import default_database_path

            self.database_path = default_database_path()
        else:
            self.database_path = self.database
        self.today = today
        self.settings_dir = settings_dir
        self.privacy = privacy
        self.cursor_blink = cursor_blink
        self._actor = actor
        self.service: CaseloadService | None = None
        self.startup_error: str | None = None
        self.settings: Any = None
        # Bumped after every save, so screens know their copy of the data is stale; published
        # with data_signal. Screens follow both signals through screens.context.follow_app.
        self.data_version = 0
        self.data_signal: Signal[int] = Signal(self, "data-changed")
        self.privacy_signal: Signal[bool] = Signal(self, "privacy-changed")
        self._log_folder = log_folder
        # Set when an unexpected error stopped the app (see _handle_exception): the CLI then
        # exits 70, and the message printed says where the details were written.
        self.unexpected_error: str | None = None
        self._exit_message: str | None = None
        # The database's change marker when last looked at (CaseloadService.change_marker).
        self._change_marker: int | None = None

    def on_mount(self) -> None:
        self.push_screen(CaseloadScreen())
        self._start()

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def _start(self) -> None:
        try:
            service = self._service(self._settings())
            self._show_stored_caseload(service)
            service.open()
        except Exception as error:  # every start-up failure is shown, never a traceback
            self.call_from_thread(self._start_failed, describe_error(error))
            return
        try:
            # Read the first caseload here too, rather than wait for the UI thread to ask.
            first = read_caseload(service, include_closed=False)
        except Exception:  # the caseload screen reads it again and shows what went wrong
            first = None
        try:
            marker: int | None = service.change_marker()
        except Exception:
            marker = None  # the first check for changes takes it instead
        self.call_from_thread(self._started, service, first, marker)

    def _settings(self) -> Any:
        from cin_tui.settings import Settings, load_settings

        if self.settings_dir is not None:
            return load_settings(self.settings_dir)
        return Settings(worker=self._actor or "cin user")

    def _service(self, settings: Any) -> CaseloadService:
        from models.service import CaseloadService

        self.settings = settings
        return CaseloadService(
            database=self.database, settings_dir=self.settings_dir, today=self.today,
            actor=self._actor or settings.worker,
            amber_working_days=settings.amber_working_days,
            backups_to_keep=settings.backups_to_keep,
        )

    def _show_stored_caseload(self, service: CaseloadService) -> None:
        """Paint the most urgent cases from the stored deadlines when they are current for
        these settings (the service's first rung: plain sqlite3, before SQLAlchemy, Alembic or
        holidays are imported). The service then opens and the screen ends on its answer."""
        from screens.caseload import prepare_lines

        rows = service.stored_caseload(limit=FIRST_SCREEN_ROWS)
        if rows is None:
            return
        lines, widths = prepare_lines(rows, self.today)
        partial = len(rows) >= FIRST_SCREEN_ROWS
        painted = threading.Event()
        self.call_from_thread(self._stored_caseload_ready, lines, widths, partial, painted)
        # Opening the service next imports SQLAlchemy, Alembic and holidays, holding the GIL
        # for a good part of a second: let the UI thread draw these rows first.
        painted.wait(timeout=FIRST_PAINT_WAIT_SECONDS)

    def _stored_caseload_ready(self, lines: Any, widths: Any, partial: bool,
                               painted: threading.Event) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, CaseloadScreen) and not screen.loaded:
                screen.show_loaded(LoadedCaseload(lines, widths, include_closed=False), -1,
                                   partial=partial)
        self.call_after_refresh(painted.set)

    def _started(self, service: CaseloadService, first: LoadedCaseload | None,
                 marker: int | None = None) -> None:
        self.service = service
        self._change_marker = marker
        self.set_interval(CHANGE_CHECK_SECONDS, self._check_for_changes)
        if self.settings.keymap:
            self._use_keymap(self.settings)
        self.data_version += 1
        for screen in self.screen_stack:
            if isinstance(screen, CaseloadScreen) and first is not None:
                screen.show_loaded(first, self.data_version)
        self.data_signal.publish(self.data_version)
        # What is alive now (Textual's and the App's own objects, the caseload screen that
        # stays for the whole session) lasts the session: out of the cyclic collector's full
        # passes, which otherwise hold the interpreter for 0.1-0.7 s while the user types.
        self.call_after_refresh(gc.freeze)

    def _use_keymap(self, settings: Any) -> None:
        """The user's keymap, checked first: every mistake is said (file, line, what would be
        accepted), and a keymap that leaves Quit or Help without a key is not used."""
        from screens.keymap import check_keymap

        checked = check_keymap(settings.keymap, file=str(settings.file or "settings.toml"),
                               lines=settings.keymap_lines)
        if checked.keymap:
            self.set_keymap(checked.keymap)
        for problem in checked.problems:
            self.notify(safe_text(problem), title="Your keymap", severity="warning", timeout=30,
                        markup=False)

    def on_unmount(self) -> None:
        gc.unfreeze()  # a process that goes on after the App (tests) collects it as usual
        if self.service is not None:
            self.service.close()

    async def _replace_screen(self, screen: Screen) -> Screen:
        """Textual's one place for a screen leaving the stack (removed unless installed). Its
        widgets' watchers on the App (Header: `title`, `sub_title`; TextArea: `theme`) would
        otherwise stay registered, holding the whole screen, until the App's value changes:
        Textual issue #6666, worked around in screens/watchers.py. A private hook: should a
        Textual upgrade stop calling it, tests/screens/test_no_growth.py fails."""
        replaced = await super()._replace_screen(screen)
        prune_removed_watchers(self)
        return replaced

    def _start_failed(self, message: str) -> None:
        self.startup_error = message
        self.data_changed()

    def data_changed(self) -> None:
        """After a save (or a failed start): every screen that shows data reloads it."""
        self.data_version += 1
        self.data_signal.publish(self.data_version)
        if self.service is not None:  # this save is read now: the next check need not
            self._read_change_marker(self.service, quietly=True)

    # ----- other people's changes (docs/architecture.md) ----------------------------------

    def _check_for_changes(self) -> None:
        if self.service is not None:
            self._read_change_marker(self.service)

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def _read_change_marker(self, service: CaseloadService, *, quietly: bool = False) -> None:
        try:
            marker = service.change_marker()
        except Exception:  # busy or unreachable for a moment: the next check asks again
            return
        self.call_from_thread(self._change_marker_read, marker, quietly)

    def _change_marker_read(self, marker: int, quietly: bool) -> None:
        """Someone else saved (another copy of cin, a script): the screens showing data read
        it again, as after a save here. `quietly`: read just as this App's own save was
        published (its screens are reading everything up to it already), only noted."""
        moved = self._change_marker is not None and marker != self._change_marker
        self._change_marker = marker
        if moved and not quietly:
            self.data_changed()

    # ----- text, errors and screenshots -------------------------------------------------

    def format_title(self, title: str, sub_title: str) -> Content:
        """Screen titles name children and workers: shown as typed, never as control codes."""
        return super().format_title(safe_text(title), safe_text(sub_title))

    async def on_event(self, event: events.Event) -> None:
        # Pasted text reaches a field as it will be drawn: a control character (an escape
        # sequence copied from somewhere) is written as its escape, never sent to the terminal.
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = safe_text(event.text, multiline=True)
        await super().on_event(event)

    def _handle_exception(self, error: Exception) -> None:
        """An error nothing else caught (a bug): stop with a plain message that says what to do,
        never Textual's traceback (its locals would print a child's name on the terminal, and
        on any screen share). Every save is one transaction, so the data is as it was after the
        last completed save. The details go to a log file readable by the user only."""
        self._return_code = 1
        if self._exception is None:  # run_test() re-raises it, so tests see the real error
            self._exception = error
            self._exception_event.set()
        log = write_error_log(error, self._log_folder)
        self.unexpected_error = type(error).__name__
        message = unexpected_error_message(error, log)
        if os.environ.get("CIN_DEBUG", "").strip() not in ("", "0"):  # as `cin` does
            import traceback

            message += "\n\n" + safe_text("".join(traceback.format_exception(error)),
                                         multiline=True)
        self._exit_message = message
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """After the terminal is restored: the plain message of _handle_exception, as is (not
        wrapped, so the log's path can be copied whole); Textual's own otherwise."""
        if self._exit_message is None:
            super()._print_error_renderables()
            return
        self._exit_renderables.clear()
        sys.stderr.write(self._exit_message + "\n")
        sys.stderr.flush()
        self._exit_message = None

    @property
    def home_worker(self) -> str | None:
        """Whose cases the caseload opens on: the user's own name (the settings' `worker`, or
        the name given instead), when they hold cases."""
        if self.settings is None:
            return None
        return str(self._actor or self.settings.worker)

    @property
    def team_server(self) -> ServerUrl | None:
        """The team server this laptop syncs with (`[team] server` in settings.toml), when the
        caseload is a file here (a replica); None before the settings are read."""
        from models.location import ServerUrl, parse_location

        if self.settings is None or not isinstance(self.database, Path):
            return None
        server = getattr(self.settings, "team_server", None)
        location = parse_location(server) if server else None
        return location if isinstance(location, ServerUrl) else None

    @property
    def screenshots_folder(self) -> Path:
        from cin_tui.settings import screenshots_folder

        return screenshots_folder(self.settings)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.deliver_screenshot(filename, path)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """The command palette's "Save screenshot": saved (readable by the user only) in the
        screenshots folder, and the user told where; never to ~/Downloads."""
        try:
            saved = self.save_screenshot(filename, path, time_format)
        except OSError as error:
            self.notify(safe_text(f"The screenshot was not saved: {error.strerror or error} "
                                  f"({error.filename or self.screenshots_folder})."),
                        title="Screenshot", severity="error", markup=False)
            return None
        self.notify(safe_text(f"Screenshot saved to {saved} (readable by you only: it shows "
                              "children's names)."), title="Screenshot", markup=False, timeout=8)
        return None

    def save_screenshot(self, filename: str | None = None, path: str | None = None,
                        time_format: str | None = None) -> str:
        """Write an SVG of the screen into `path` (default: the screenshots folder, created
        0700 if missing), mode 0600. Returns the file's path."""
        import time

        from models.private_files import write_private_file

        folder = Path(path).expanduser() if path else self.screenshots_folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = time.strftime(time_format or "%Y-%m-%d-%H%M%S")  # the clock, for a unique name
        name = Path(filename or f"cin-screenshot-{stamp}.svg").name
        target = folder / name
        write_private_file(target, self.export_screenshot().encode("utf-8"))
        return str(target)

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
        self.privacy_signal.publish(self.privacy)
        self.notify("Privacy mode on: names shown as initials" if self.privacy
                    else "Privacy mode off: names shown in full")

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


def write_error_log(error: BaseException, folder: Path | None = None) -> Path | None:
    """The error's traceback (no local variables) in a new file readable by the user only, in
    `folder` (default: the user's log folder); None if it cannot be written."""
    import tempfile
    import traceback

    try:
        if folder is None:
            from platformdirs import user_log_dir

            from cin_tui.settings import APP_NAME

            folder = Path(user_log_dir(APP_NAME, appauthor=False))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix="cin-error-", suffix=".log", dir=folder)  # 0600
        with open(handle, "w", encoding="utf-8", errors="backslashreplace") as out:
            out.write("".join(traceback.format_exception(error)))
        return Path(name)
    except Exception:  # the message still says what to do
        return None


def unexpected_error_message(error: BaseException, log: Path | None) -> str:
    """What the terminal shows after a bug stopped the app: plain words, no user data."""
    where = (f"The details are in this file (readable by you only); please send it with a "
             f"report:\n    {safe_text(str(log))}" if log is not None
             else "Run `cin` again with CIN_DEBUG=1 to see the details, and please report them.")
    return (f"cin stopped: something unexpected went wrong ({type(error).__name__}).\n"
            "Your cases are safe: everything you saved before this is kept (each save is "
            "complete or not made at all); only a form that was open and not yet saved is lost.\n"
            f"{where}\nStart cin again to carry on.")


def _runner(app: App, action: str, node: Any):
    async def run() -> None:
        await app.run_action(action, node)

    return run


def make_app(
    *,
    database_path: Path | ServerUrl,
    today: date,
    settings_dir: Path | None = None,
    privacy: bool = False,
    actor: str | None = None,
    cursor_blink: bool = True,
    log_folder: Path | None = None,
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
        log_folder=log_folder,
    )


if TYPE_CHECKING:
    def _is_a_cin_context(app: CinApp) -> CinContext:  # mypy: the App is what screens expect
        return app
