"""A list of census codes to tick, each shown with its words (disability codes, assessment
factors): keyboard-only (up/down to move, space to tick), and readable without colour (an
unticked code shows an empty box, as `screens.widgets.toggles.Tick` does)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

from policies.census_codes import CodeList
from screens.text import user_text


class CodeChoices(SelectionList[str]):
    DEFAULT_CSS = """
    CodeChoices { height: 6; width: 1fr; }
    """

    def __init__(self, codes: CodeList, chosen: Iterable[str] = (), *,
                 id: str | None = None) -> None:
        picked = set(chosen)
        super().__init__(*[(user_text(f"{code} {words}"), code, code in picked)
                           for code, words in codes.codes.items()], id=id, compact=True)
        self.code_list = codes

    def chosen_codes(self) -> list[str]:
        """The ticked codes, in the list's own order."""
        return self.code_list.ordered(self.selected)

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        _, scroll_y = self.scroll_offset
        try:
            option = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if option.value in self.selected or len(segments) < 2:
            return line
        inner = segments[1]
        segments[1] = Segment(" " * len(inner.text), inner.style)
        return Strip(segments, line.cell_length)
