"""A case's chronology on screen (the case screen's chronology key): every recorded event,
oldest first, scrollable; the same chronology (models.chronology) `cin chronology` writes.

In privacy mode the child's name is shown as initials and the family's names are masked in
the recorded words, as on the case screen. Every recorded word is shown as typed, never as
markup or a control sequence (screens.text.user_text).
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from models.chronology import Chronology
from policies.dates import format_date
from screens import keys
from screens.cells import STATUS_STYLES, display_name, mask_names
from screens.context import CaseloadAccess, cin, follow_app, leave_app
from screens.text import describe_error, user_text
from screens.widgets.footer import CinFooter


class ChronologyScreen(Screen[None]):
    BINDINGS = keys.bindings(*keys.CHRONOLOGY_COMMANDS)
    DEFAULT_CSS = """
    #chronology-body { padding: 0 1; }
    #chronology-facts, #chronology-entries { height: auto; }
    #chronology-entries { margin-top: 1; }
    """

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.chronology: Chronology | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="chronology-body"):
            yield Static("Loading…", id="chronology-facts")
            yield Static("", id="chronology-entries")
        yield CinFooter()

    def on_mount(self) -> None:
        self.title = f"cin · chronology of {self.ref}"
        self.sub_title = format_date(cin(self).today)
        self.query_one("#chronology-body").focus()
        follow_app(self, data=lambda _version: self.reload(),
                   privacy=lambda _on: self._show())
        self.reload()

    def on_unmount(self) -> None:
        leave_app(self)

    def reload(self) -> None:
        service = cin(self).service
        if service is not None:
            self._load(service)

    @work(thread=True, exclusive=True, group="chronology", exit_on_error=False)
    def _load(self, service: CaseloadAccess) -> None:
        try:
            found = service.chronology(self.ref)
        except Exception as error:  # shown to the user, never a traceback
            self.app.call_from_thread(self._failed, describe_error(error))
            return
        self.app.call_from_thread(self._loaded, found)

    def _failed(self, message: str) -> None:
        self.query_one("#chronology-facts", Static).update(
            user_text(f"Could not read the chronology of {self.ref}: {message}",
                      STATUS_STYLES["overdue"]))

    def _loaded(self, found: Chronology) -> None:
        self.chronology = found
        self._show()

    def _show(self) -> None:
        found = self.chronology
        if found is None:
            return
        privacy = cin(self).privacy
        self.query_one("#chronology-facts", Static).update(facts_text(found, privacy))
        self.query_one("#chronology-entries", Static).update(entries_table(found, privacy))

    def action_back(self) -> None:
        self.dismiss(None)


def facts_text(found: Chronology, privacy: bool) -> Group:
    heading = user_text(f"{found.ref} {display_name(found.name, privacy)}", "bold")
    count = len(found.entries)
    line = user_text(
        f"Worker {found.worker or 'not allocated'} · {found.authority} · "
        f"{'closed' if found.closed else 'open'} · {count} event{'s' if count != 1 else ''}, "
        "oldest first" + (" · names as initials" if privacy else ""), "dim")
    return Group(heading, line)


def entries_table(found: Chronology, privacy: bool) -> Text | Table:
    if not found.entries:
        return Text("Nothing is recorded on this case yet.", style="dim")
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(no_wrap=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for entry in found.entries:
        words = user_text(mask_names(entry.words, found.names, privacy), multiline=True)
        if entry.withdrawn is not None:
            # Struck through, and said in words too (a monochrome terminal may not strike).
            words.stylize("strike dim")
            words.append("\n")
            words.append_text(user_text(mask_names(entry.withdrawn, found.names, privacy),
                                        "bold", multiline=True))
        table.add_row(format_date(entry.when), user_text(entry.what), words)
    return table
