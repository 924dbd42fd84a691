"""`y` on the caseload: sync this laptop with the team server (issue 14).

The sync runs in a thread worker (it blocks on the network and the database) and reports each
step here as it happens. Then the screen lists what waits for the worker: each conflict with
both values (`s` keeps the server's, `l` this laptop's) and each change the server refused,
with the reason (`d` lets it go). Every choice goes through the caseload service, audited; the
caseload is told the data changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens import keys
from screens.context import cin, service_of
from screens.text import describe_error, shown, user_text
from screens.widgets.footer import CinFooter

if TYPE_CHECKING:
    from models.location import ServerUrl
    from models.sync_local import ConflictView, RefusalView
    from models.sync_run import SyncReport
    from screens.context import CaseloadAccess

Keep = Literal["server", "laptop"]
_SHOWN_POINTS = ("connected", "sent", "refused", "fetched", "finished")  # worth a line


class SyncScreen(ModalScreen[None]):
    """The sync's progress and result, and the conflicts and refusals to settle."""

    BINDINGS = keys.bindings(*keys.SYNC_COMMANDS)

    def __init__(self, server: ServerUrl) -> None:
        super().__init__()
        self.server = server
        self.running = False
        self.conflicts: list[ConflictView] = []
        self.refusals: list[RefusalView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="sync-dialog", classes="dialog"):
            yield Static("Sync with the team server", classes="dialog-title")
            yield Static(user_text(str(self.server)), classes="dialog-subtitle")
            yield Static("", id="sync-progress")
            yield Static("", id="sync-result")
            yield Static("Waiting for you", classes="dialog-title", id="sync-waiting-title")
            yield OptionList(id="sync-waiting")
            yield Static(Text("s keeps the team server's value, l keeps this laptop's (sent at "
                              "the next sync); d lets a refused change go. Each choice is "
                              "kept in the audit trail."), classes="dialog-note")
        yield CinFooter()

    def on_mount(self) -> None:
        self.run_sync()

    # ----- the sync -------------------------------------------------------------------------

    def action_sync(self) -> None:
        if not self.running:
            self.run_sync()

    def run_sync(self) -> None:
        self.running = True
        progress = self.query_one("#sync-progress", Static)
        progress.update(Text("Connecting…"))
        progress.display = True
        self.query_one("#sync-result", Static).update("")
        self._sync()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync(self) -> None:
        # Both taken while the screen is shown: a screen closed while its sync runs on can no
        # longer find the app from this thread.
        app, service = self.app, service_of(self)
        steps: list[str] = []

        def checkpoint(point: str, words: str) -> None:
            if point in _SHOWN_POINTS and words:
                steps.append(words)
                app.call_from_thread(self._progress, steps[-6:])

        try:
            report = service.sync_with(self.server, checkpoint=checkpoint)
        except Exception as error:  # shown, never a traceback; nothing was lost
            problem = describe_error(error)
            waiting = _waiting_now(service)
            app.call_from_thread(self._failed, problem, *waiting)
            return
        app.call_from_thread(self._done, report)

    def _progress(self, steps: list[str]) -> None:
        if not self.is_attached:  # closed while the sync runs on
            return
        self.query_one("#sync-progress", Static).update(user_text("\n".join(steps),
                                                                  multiline=True))

    def _done(self, report: SyncReport) -> None:
        from models.sync_words import report_lines, tls_warning

        self.running = False
        cin(self).data_changed()
        if not self.is_attached:  # closed while the sync ran: the caseload shows the result
            return
        self.query_one("#sync-progress", Static).display = False
        warning = tls_warning(report.server)
        lines = report_lines(report, waiting=False) + ([warning] if warning else [])
        self.query_one("#sync-result", Static).update(user_text("\n".join(lines),
                                                                multiline=True))
        self._show_waiting(report.conflicts, report.refusals)

    def _failed(self, problem: str, conflicts: list[ConflictView],
                refusals: list[RefusalView]) -> None:
        self.running = False
        if not self.is_attached:
            self.app.notify(shown(f"Not synced: {problem}", multiline=True), markup=False,
                            severity="error")
            return
        self.query_one("#sync-progress", Static).display = False
        self.query_one("#sync-result", Static).update(user_text(
            f"Not synced: {problem}\nPress y to try again.",
            "bold", multiline=True))
        self._show_waiting(conflicts, refusals)

    # ----- what waits for the worker --------------------------------------------------------

    def _show_waiting(self, conflicts: list[ConflictView], refusals: list[RefusalView]) -> None:
        from models.sync_words import conflict_line

        self.conflicts, self.refusals = conflicts, refusals
        options = self.query_one("#sync-waiting", OptionList)
        options.clear_options()
        for conflict in conflicts:
            prompt = Text.assemble(("Conflict ", "bold"), shown(conflict_line(conflict)))
            options.add_option(Option(prompt, id=f"conflict-{conflict.id}"))
        for refusal in refusals:
            prompt = Text.assemble(("Refused ", "bold"), shown(refusal.summary), "\n  why: ",
                                   shown(refusal.reason))
            options.add_option(Option(prompt, id=f"refusal-{refusal.id}"))
        if not conflicts and not refusals:
            options.add_option(Option(Text("Nothing: no conflicts, no refused changes."),
                                      disabled=True))
        self.query_one("#sync-waiting-title", Static).update(
            f"Waiting for you: {len(conflicts)} conflict{'' if len(conflicts) == 1 else 's'}, "
            f"{len(refusals)} refused change{'' if len(refusals) == 1 else 's'}")
        if conflicts or refusals:
            options.highlighted = 0
        options.focus()

    def _highlighted(self) -> tuple[str, int] | None:
        options = self.query_one("#sync-waiting", OptionList)
        if options.highlighted is None:
            return None
        option_id = options.get_option_at_index(options.highlighted).id or ""
        kind, _, number = option_id.rpartition("-")
        return (kind, int(number)) if number.isdigit() else None

    def action_keep(self, keep: Keep) -> None:
        chosen = self._highlighted()
        if chosen is None or chosen[0] != "conflict":
            self.notify("Highlight a conflict first.", severity="warning")
            return
        self._choose(keep, chosen[1])

    def action_discard(self) -> None:
        chosen = self._highlighted()
        if chosen is None or chosen[0] != "refusal":
            self.notify("Highlight a refused change first.", severity="warning")
            return
        self._choose(None, chosen[1])

    @work(thread=True, exclusive=True, group="sync-choice", exit_on_error=False)
    def _choose(self, keep: Keep | None, number: int) -> None:
        from models.sync_words import choice_words

        app, service = self.app, service_of(self)  # as in _sync
        try:
            if keep is None:
                refusal = service.discard_refusal(number)
                message = f"Let go of: {refusal.summary}. It stays in the audit trail."
            else:
                message = choice_words(service.resolve_conflict(number, keep=keep), keep)
        except Exception as error:
            app.call_from_thread(app.notify, shown(describe_error(error)),
                                 severity="error", markup=False)
            return
        waiting = _waiting_now(service)
        app.call_from_thread(self._chosen, message, *waiting)

    def _chosen(self, message: str, conflicts: list[ConflictView],
                refusals: list[RefusalView]) -> None:
        self.app.notify(shown(message, multiline=True), markup=False)
        cin(self).data_changed()
        if self.is_attached:
            self._show_waiting(conflicts, refusals)

    def action_close(self) -> None:
        if self.running:
            self.app.notify("The sync carries on; the caseload shows what it brings when it "
                            "ends.")
        self.dismiss(None)


def _waiting_now(service: CaseloadAccess) -> tuple[list[ConflictView], list[RefusalView]]:
    try:
        return service.sync_conflicts(), service.sync_refusals()
    except Exception:
        return [], []
