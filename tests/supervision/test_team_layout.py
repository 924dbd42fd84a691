"""The team view fits 80x24 with a gap between every column, at 80, 120 and 160 columns, and
its header counts children with something overdue as the caseload's header does (issue 12,
item 8)."""

from __future__ import annotations

import pytest

from screens.caseload import CaseloadScreen
from screens.widgets.line_table import GUTTER, SEPARATOR

from .pilot import open_team, team_cases


@pytest.fixture
def team_db(make_database):
    return make_database(team_cases())


@pytest.fixture
def demo_db(tmp_path):
    """The demo caseload: 3 workers of 8 cases, figures such as "11/20 55%"."""
    from cin_tui.demo import build_demo_database

    from .support import CALENDAR, POLICIES, TODAY

    return build_demo_database(tmp_path / "demo.db", today=TODAY, policies=POLICIES,
                               calendar=CALENDAR)


def rendered(screen) -> list[str]:
    table = screen.query_one("#team-table")
    return [table.render_line(y).text for y in range(1 + len(screen.lines))]


@pytest.mark.parametrize("caseload", ["team_db", "demo_db"])
@pytest.mark.parametrize("width", [80, 120, 160])
async def test_every_column_is_on_screen_with_a_gap_before_the_next(request, new_app, width,
                                                                    caseload):
    app = new_app(request.getfixturevalue(caseload))
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await open_team(pilot)
        table = screen.query_one("#team-table")
        lines = rendered(screen)
        header = lines[0]
        for label in ("Worker", "Cases", "✖ Visit", "✖ Mtg", "✖ Circ", "✖ Rev", "Flags",
                      "Actions", "Not alone", "In time"):
            assert label in header.rstrip()[:width], f"{label!r} is off-screen at {width}"
        # Every cell within its column, and a blank between columns on every line: no count
        # runs into the next column's figures ("1" then "12/23" would read as "112/23").
        left = GUTTER
        for column in table.columns:
            for line in lines:
                cell = line[left:left + column.width]
                after = line[left + column.width:left + column.width + SEPARATOR]
                assert after.strip() == "", (column.label, line)
                assert cell.strip() == "" or cell.strip() in line
            left += column.width + SEPARATOR
        assert left <= width
        # The figures of "In time" ("4/6 67%") stand two spaces clear of the count before
        # (one left where ▲ is drawn two cells wide).
        in_time = GUTTER + sum(c.width + SEPARATOR for c in table.columns[:-1])
        for line in lines[1:]:
            assert line[in_time - 1:in_time + 1] == "  ", line
            assert "%" in line[in_time:]


async def test_both_headers_count_children_with_something_overdue(team_db, new_app):
    """Sam Patel's three cases: LC-001 has oversight flags overdue (supervision due Sat 3 Oct,
    the update to the child Tue 3 Nov); nothing else is overdue anywhere. One child, in the
    team view and in Sam Patel's caseload alike."""
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        team = await open_team(pilot)
        assert "✖ 1 child overdue" in str(team.query_one("#team-summary").render())
        await pilot.press("escape")
        caseload = app.screen
        assert isinstance(caseload, CaseloadScreen)
        await pilot.press("w")  # Jo King
        await pilot.pause()
        if caseload.view.worker != "Sam Patel":
            await pilot.press("w")
            await pilot.pause()
        assert "✖ 1 child overdue" in str(
            caseload.query_one("#summary").render())
