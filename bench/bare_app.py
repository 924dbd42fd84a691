"""The yardstick for first paint: a bare Textual app with a Header, a 25-row DataTable and a
Footer. Run by bench_first_paint_tmux.py and bench_memory.py exactly as `cin` is run."""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Ref", "Name", "Age", "Visit", "Meeting", "Circulation", "Review")
        for i in range(25):
            table.add_row(f"B-{i:06d}", f"Bench Child {i}", "9 y", "✔ 12 wd", "· —",
                          "· —", "✔ 35 d")


if __name__ == "__main__":
    BareApp().run()
    sys.exit(0)
