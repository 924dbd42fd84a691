"""`?`: the keys of the screen underneath, as they are bound now (after the user's keymap)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens import keys
from screens.text import user_text
from screens.widgets.footer import CinFooter

ALWAYS = (
    ("↑ ↓  PgUp PgDn  Home End", "Move through the list"),
    ("Tab  Shift+Tab", "Next / previous field in a form"),
    ("Space", "Tick or untick a box; open a drop-down"),
    ("ctrl+p", "Command palette: every command by name"),
    ("ctrl+q", "Quit from anywhere"),
)

DUE_THIS_WEEK = ("The caseload's header counts what its cells show: \"✖ N children overdue\" "
                 "counts the cases with a ✖ anywhere (as the team view and the f filter do); "
                 "\"▲ N items due within 5 working days\" counts the ▲ countdowns, amber within "
                 "amber_working_days of settings.toml (5 unless set).")


class HelpScreen(ModalScreen[None]):
    BINDINGS = keys.bindings(keys.CLOSE_HELP)

    def __init__(self, underneath: Screen) -> None:
        super().__init__()
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
                yield Static(Text(DUE_THIS_WEEK), id="help-due-this-week", classes="dialog-note")
            yield Static(
                Text("Keys can be moved in settings.toml (the keymap ids above), e.g.\n"
                     "  [keymap]\n  log_visit = \"ctrl+v\""),
                classes="dialog-note",
            )
        yield CinFooter()

    def _table(self) -> Table:
        table = Table(box=None, show_header=True, header_style="bold", expand=True)
        table.add_column("Key", no_wrap=True)
        table.add_column("Does", ratio=1)
        table.add_column("Keymap id", style="dim", no_wrap=True)
        seen: set[str] = set()
        for active in self.underneath.active_bindings.values():
            binding = active.binding
            if binding.id not in keys.COMMANDS_BY_ID or binding.id in seen:
                continue
            seen.add(binding.id)
            # Text, not str: a key or id from the user's keymap is never read as markup.
            table.add_row(user_text(self.app.get_key_display(binding)), user_text(binding.tooltip),
                          user_text(binding.id))
        for key, does in ALWAYS:
            table.add_row(key, does, "")
        return table

    def action_close(self) -> None:
        self.dismiss(None)
