"""Monthly trends of the team view's three measures, drawn in text.

Two ways of showing the same figures:

- **bars** (the default): per worker (and the team), for each measure a row of block glyphs,
  one per month, from "▁" (0%) to "█" (100%), with "·" for a month with nothing counted, and
  the latest month's figure beside it ("4/5 80%", or "n/a");
- **figures**: a table of the percentages, month by month ("n/a" where nothing was counted), for
  a screen reader or a monochrome terminal.

Textual's own `Sparkline` scales each series between its own smallest and largest value (a
month at 90% and one at 95% would look empty and full) and has no way to show "nothing counted";
these bars are drawn against a fixed 0-100% scale instead, so no dependency is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from models.trends import (
    MEASURES,
    Measures,
    Period,
    count_words,
    share_words,
)
from policies.dates import format_date
from policies.replay import Timeliness
from screens.cells import STATUS_STYLES
from screens.text import shown

BARS = "▁▂▃▄▅▆▇█"
NOTHING_COUNTED = "·"
# Short headings for the bars (the definitions under the trends say them in full).
SHORT_TITLES = {"visits": "Visits in time", "meetings": "Meetings on time",
                "circulation": "Notes on time"}
# The figures' row titles: short, so that 12 months of "100%" fit 80 columns.
ROW_TITLES = {"visits": "Visit", "meetings": "Mtg", "circulation": "Notes"}
GAP = 2
WORKING_OUT = "Working out the trends by month…"
NARROWEST_NAME = 9


@dataclass(frozen=True, slots=True)
class TrendRow:
    label: str                     # a worker's name, "Not allocated" or the team's total
    months: tuple[Measures, ...]   # one per period, oldest first
    total: bool = False


def bar(timeliness: Timeliness) -> str:
    """One month's glyph: the share in eighths, or "·" when nothing was counted."""
    share = timeliness.share
    if share is None:
        return NOTHING_COUNTED
    return BARS[round(share * (len(BARS) - 1))]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def bars_text(periods: Sequence[Period], rows: Sequence[TrendRow], width: int) -> Text:
    """The bars, fitted to `width` cells: each month one cell, or two when there is room."""
    months = len(periods)
    name_width = min(max([NARROWEST_NAME, *(len(shown(r.label)) for r in rows)]), 24)
    wide = name_width + 3 * (2 * months + 1 + 10 + GAP) <= width
    cells = 2 if wide else 1
    figure = 10 if wide else 4  # "12/17  71%" or " 71%"
    block = cells * months + 1 + figure
    name_width = max(NARROWEST_NAME, min(name_width, width - 3 * (block + GAP)))
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(" " * (name_width + GAP))
    for measure in MEASURES:
        text.append(_fit(SHORT_TITLES[measure], block).ljust(block + GAP), style="bold")
    # The months under each title, by initial: "DJFMAMJJASON".
    text.append("\n" + " " * (name_width + GAP))
    axis = "".join(period.month[0].ljust(cells) for period in periods)
    for _measure in MEASURES:
        text.append(axis + " " * (block - len(axis) + GAP), style="dim")
    for row in rows:
        text.append("\n")
        style = "bold" if row.total else ""
        text.append(_fit(shown(row.label), name_width).ljust(name_width + GAP), style=style)
        for measure in MEASURES:
            for month in row.months:
                glyph = bar(month.of(measure))
                text.append(glyph * cells, style="dim" if glyph == NOTHING_COUNTED else style)
            latest = row.months[-1].of(measure) if row.months else Timeliness()
            words = count_words(latest) if wide else share_words(latest)
            text.append(" " + words.rjust(figure) + " " * GAP, style=style)
    return text


def figures_text(periods: Sequence[Period], rows: Sequence[TrendRow], width: int) -> Text:
    """The percentages, one line per worker and measure; with counts ("2/3 67%") when
    there is room for them."""
    title_width = max(len(t) for t in ROW_TITLES.values())
    counts = {(i, m, k): count_words(month.of(m)) for i, row in enumerate(rows)
              for m in MEASURES for k, month in enumerate(row.months)}
    name_width = min(max([NARROWEST_NAME, *(len(shown(r.label)) for r in rows)]), 24)
    count_width = max([4, *(len(c) for c in counts.values())])
    with_counts = name_width + 1 + title_width + len(periods) * (count_width + 1) <= width
    cell = count_width if with_counts else 4
    name_width = max(NARROWEST_NAME,
                     min(name_width, width - 1 - title_width - len(periods) * (cell + 1)))
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(" " * (name_width + 1 + title_width), style="bold")
    for period in periods:
        text.append(" " + period.month.rjust(cell), style="bold")
    for i, row in enumerate(rows):
        style = "bold" if row.total else ""
        for n, measure in enumerate(MEASURES):
            text.append("\n")
            name = _fit(shown(row.label), name_width) if n == 0 else ""
            text.append(name.ljust(name_width + 1), style=style)
            text.append(ROW_TITLES[measure].ljust(title_width), style=style)
            for k, month in enumerate(row.months):
                words = (counts[(i, measure, k)] if with_counts
                         else share_words(month.of(measure)))
                text.append(" " + words.rjust(cell),
                            style="dim" if words == "n/a" else style)
    return text


class TrendPanel(Static):
    """The trends under the team view's table; `show` gives it the figures, `figures` switches
    between the bars and the table of percentages."""

    DEFAULT_CSS = """
    TrendPanel {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, key: str, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.key = key  # the key that switches, shown in the heading
        self.periods: tuple[Period, ...] = ()
        self.rows: tuple[TrendRow, ...] = ()
        self.figures = False
        self.pending = False  # the months are being worked out (the table is shown already)
        self.problem: str | None = None  # why there are no trends (they could not be worked out)

    def waiting(self) -> None:
        """Say the trends are coming, on one line, until `show` gives them."""
        self.pending, self.problem = True, None
        self.periods = self.rows = ()
        self._draw()

    def failed(self, problem: str) -> None:
        """Say why there are no trends, in place of them."""
        self.pending, self.problem = False, problem
        self.periods = self.rows = ()
        self._draw()

    def show(self, periods: Sequence[Period], rows: Sequence[TrendRow]) -> None:
        self.pending, self.problem = False, None
        self.periods = tuple(periods)
        self.rows = tuple(rows)
        self._draw()

    def toggle_figures(self) -> None:
        self.figures = not self.figures
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.pending:
            self.update(Text(WORKING_OUT, style="dim"))
            return
        if self.problem is not None:
            self.update(Text(f"Could not work out the trends: {shown(self.problem)}",
                             style=STATUS_STYLES["overdue"]))
            return
        if not self.periods:
            self.update("")
            return
        width = max(self.content_region.width or self.size.width, 40)
        first, last = self.periods[0], self.periods[-1]
        heading = Text(f"Trends by month, {first.label} to {format_date(last.end)}",
                       style="bold", no_wrap=True, overflow="ellipsis")
        heading.append(f"   {self.key}: {'bars' if self.figures else 'figures as text'}",
                       style="dim")
        heading.append("\n")
        body = (figures_text if self.figures else bars_text)(self.periods, self.rows, width)
        self.update(heading + body)
