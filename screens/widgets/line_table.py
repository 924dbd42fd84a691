"""A read-only table that draws only the rows on screen (Textual's Line API).

Textual's DataTable measures every cell when rows are added, which takes seconds for a
20,000-case import. This table is given column widths up front and renders a row only when it
scrolls into view, so its cost does not grow with the number of rows. It has a fixed header
line, a cursor row, keyboard and mouse navigation, and posts `Highlighted`, `Selected` and
`HeaderClicked` messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from policies.safe_text import safe_text

CURSOR_MARK = "▶ "
GUTTER = len(CURSOR_MARK)
SEPARATOR = 1


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key, header label, width in cells and how to draw a row's cell."""

    key: str
    label: str
    width: int
    render: Callable[[Any], Text | str]
    justify: Literal["left", "right"] = "left"


class LineTable(ScrollView, can_focus=True):
    """Rows of any type, drawn through `Column.render`, one screen line per row."""

    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        background: $surface;
    }
    LineTable > .line-table--header {
        text-style: bold;
        background: $panel;
    }
    LineTable > .line-table--cursor {
        background: $block-cursor-blurred-background;
    }
    LineTable:focus > .line-table--cursor {
        background: $block-cursor-background;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-table--header", "line-table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
        Binding("enter", "select_row", "Open", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, table: LineTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> LineTable:
            return self.table

    class Selected(Highlighted):
        """Enter (or a click on the cursor row) chose a row."""

    class HeaderClicked(Message):
        def __init__(self, table: LineTable, column_key: str) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(
        self,
        *,
        row_key: Callable[[Any], Any] = id,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._row_key = row_key
        self._columns: tuple[Column, ...] = ()
        self._rows: Sequence[Any] = ()
        self.sort_column: str | None = None
        self.sort_reverse = False

    # ----- data -------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def rows(self) -> Sequence[Any]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def current_row(self) -> Any | None:
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row]
        return None

    def set_rows(
        self,
        columns: Sequence[Column],
        rows: Sequence[Any],
        *,
        sort_column: str | None = None,
        sort_reverse: bool = False,
    ) -> None:
        """Replace the table's contents, keeping the cursor on the same row key if it is still
        there."""
        current = self.current_row
        keep = self._row_key(current) if current is not None else None
        self._columns = tuple(columns)
        self._rows = rows
        self.sort_column = sort_column
        self.sort_reverse = sort_reverse
        width = GUTTER + sum(column.width + SEPARATOR for column in self._columns)
        self.virtual_size = Size(width, len(rows) + 1)
        new_cursor = 0
        if keep is not None:
            for index, row in enumerate(rows):
                if self._row_key(row) == keep:
                    new_cursor = index
                    break
        self.cursor_row = min(new_cursor, max(len(rows) - 1, 0))
        self.refresh()

    # ----- cursor -----------------------------------------------------------------------

    @property
    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        row = self.current_row
        if row is not None:
            self.post_message(self.Highlighted(self, row))

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row > top + self._body_height - 1:
            self.scroll_to(y=self.cursor_row - self._body_height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._body_height

    def action_page_down(self) -> None:
        self.cursor_row += self._body_height

    def action_first_row(self) -> None:
        self.cursor_row = 0

    def action_last_row(self) -> None:
        self.cursor_row = len(self._rows) - 1

    def action_select_row(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    async def _on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x + round(self.scroll_x))
            if key is not None:
                self.post_message(self.HeaderClicked(self, key))
            return
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._rows):
            if index == self.cursor_row:
                self.action_select_row()
            else:
                self.cursor_row = index

    def _column_at(self, x: int) -> str | None:
        left = GUTTER
        for column in self._columns:
            if left <= x < left + column.width + SEPARATOR:
                return column.key
            left += column.width + SEPARATOR
        return None

    # ----- drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            strip = self._header_strip(base)
        else:
            index = scroll_y + y - 1
            if index >= len(self._rows):
                return Strip.blank(self.size.width, base)
            strip = self._row_strip(index, base)
        return strip.crop_extend(scroll_x, scroll_x + self.size.width, base)

    def _header_strip(self, base: Style) -> Strip:
        style = base + self.get_component_rich_style("line-table--header")
        cells = []
        for column in self._columns:
            label = column.label
            if column.key == self.sort_column:
                label += " ▲" if self.sort_reverse else " ▼"
            cells.append(Text(label))
        return self._line(" " * GUTTER, cells, style)

    def _row_strip(self, index: int, base: Style) -> Strip:
        row = self._rows[index]
        is_cursor = index == self.cursor_row
        style = base + self.get_component_rich_style("line-table--cursor") if is_cursor else base
        cells = []
        for column in self._columns:
            cell = column.render(row)
            # A plain str cell is shown as typed: never markup, never a control sequence.
            cells.append(cell if isinstance(cell, Text) else Text(safe_text(cell)))
        strip = self._line(CURSOR_MARK if is_cursor else " " * GUTTER, cells, style)
        if is_cursor:
            # The cursor's background wins; each cell keeps its own colour and glyph.
            background = Style(bgcolor=style.bgcolor, bold=style.bold)
            strip = Strip(Segment.apply_style(strip, post_style=background), strip.cell_length)
        return strip

    def _line(self, gutter: str, cells: list[Text], style: Style) -> Strip:
        line = Text(gutter, style=style, no_wrap=True, end="")
        for column, cell in zip(self._columns, cells, strict=True):
            cell = cell.copy()
            cell.no_wrap = True
            cell.truncate(column.width, overflow="ellipsis")
            padding = " " * (column.width - cell.cell_len)
            if column.justify == "right":
                line.append(padding)
                line.append_text(cell)
            else:
                line.append_text(cell)
                line.append(padding)
            line.append(" " * SEPARATOR)
        # Every segment needs a style: Textual's NO_COLOR (monochrome) filter reads each one.
        segments = [segment if segment.style is not None else Segment(segment.text, style)
                    for segment in line.render(self.app.console)]
        return Strip(segments, line.cell_len)
