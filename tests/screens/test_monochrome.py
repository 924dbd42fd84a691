"""With NO_COLOR or a terminal of few colours (TERM=xterm), overdue is the most prominent cell:
bold and reversed, where amber is only bold and the rest plain or dim (issue 12, item 8)."""

from __future__ import annotations

import pytest
from rich.style import Style

from screens.caseload import CaseloadTable
from screens.cells import few_colours

from .helpers import caseload_ready


def cell_style(screen, ref: str, text: str) -> Style:
    """The style the terminal is sent for `text` in `ref`'s row, as drawn (after Textual's
    NO_COLOR filter)."""
    table = screen.query_one(CaseloadTable)
    y = 1 + [line.ref for line in table.rows].index(ref)
    for segment in table.render_line(y):
        if text in segment.text:
            return segment.style
    raise AssertionError(f"{text!r} is not in {ref}'s row")


@pytest.mark.parametrize("terminal", ["NO_COLOR", "TERM=xterm"])
async def test_overdue_is_reversed_and_bold_amber_only_bold(caseload_db, new_app, monkeypatch,
                                                            terminal):
    if terminal == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.setenv("TERM", "xterm")
        monkeypatch.delenv("COLORTERM", raising=False)
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        # (The cursor is on CA-001, the first row: none of the rows looked at.)
        overdue = cell_style(screen, "WR-001", "✖ 4 wd late")
        amber = cell_style(screen, "WR-003", "▲ 5 wd")
        in_time = cell_style(screen, "LC-001", "✔ 10 wd")
        assert overdue.reverse and overdue.bold
        assert amber.bold and not amber.reverse
        assert not in_time.reverse and not in_time.bold


async def test_in_full_colour_overdue_is_red_not_reversed(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        overdue = cell_style(screen, "WR-001", "✖ 4 wd late")
        assert overdue.bold and not overdue.reverse
        assert overdue.color is not None and overdue.color.triplet is not None
        assert overdue.color.triplet.hex == "#ff5f5f"


def test_which_terminals_have_few_colours():
    assert few_colours(True, {"TERM": "xterm-256color", "COLORTERM": "truecolor"})
    assert few_colours(False, {"TERM": "xterm"})
    assert few_colours(False, {"TERM": "linux"})
    assert not few_colours(False, {"TERM": "xterm", "COLORTERM": "truecolor"})
    assert not few_colours(False, {"TERM": "xterm-256color"})
