"""The trends under the team view's table: bars, or the figures as text with `f`, fitting 80x24
and 160x45; "n/a" for a month with nothing counted, never 0%.

Today is Mon 23 Nov 2026; the caseload is `pilot.team_cases()`. Sam Patel's visits, month by
month (hand-worked in pilot.team_cases): September 1 Sep (due Thu 3 Sep) and 28 Sep (due Tue
29 Sep), both in time: 2 of 2; October 19 Oct (due 26 Oct): 1 of 1; November LC-001's 16 Nov
(due that day) in time, WR-001's and WR-002's first visits of 16 Nov late (due Mon 29 Jun):
1 of 3, 33%. Jo King's only visit, 2 Nov, was late (due Tue 29 Sep): November 0 of 1, 0%, and
nothing in September or October: n/a.
"""

from __future__ import annotations

import pytest

from policies.replay import Timeliness
from screens.widgets.trends import TrendPanel, bar

from .pilot import open_team, team_cases, text_of


@pytest.fixture
def team_db(make_database):
    return make_database(team_cases())


def panel_lines(panel: TrendPanel) -> list[str]:
    """The panel's lines as read, without its padding."""
    return [line.strip() for line in text_of(panel).splitlines()]


def row(lines: list[str], starts: str) -> str:
    found = [line for line in lines if line.startswith(starts)]
    assert found, (starts, lines)
    return found[0]


def test_a_month_with_nothing_counted_is_not_a_bar_of_0_percent():
    assert bar(Timeliness()) == "·"
    assert bar(Timeliness(3, 0)) == "▁"
    assert bar(Timeliness(3, 1)) == "▃"  # 33%: round(0.33 * 7) = 2 eighths above the lowest
    assert bar(Timeliness(2, 2)) == "█"


async def test_f_shows_the_figures_as_text_and_f_again_the_bars(team_db, new_app):
    app = new_app(team_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        panel = screen.query_one(TrendPanel)
        bars = panel_lines(panel)
        assert "f: figures as text" in bars[0]
        # Sam Patel's visits: 12 one-cell bars (Sep and Oct full, Nov a third), then 33%.
        sam = row(bars, "Sam Patel")
        assert sam.split()[2].endswith("██▃") and sam.split()[3] == "33%"

        await pilot.press("f")
        await pilot.pause()
        figures = panel_lines(panel)
        assert "f: bars" in figures[0]
        assert figures[1].split() == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                      "Aug", "Sep", "Oct", "Nov"]
        assert row(figures, "Sam Patel").split()[-3:] == ["100%", "100%", "33%"]
        assert row(figures, "Jo King").split()[-3:] == ["n/a", "n/a", "0%"]
        # Both workers' visits in November: 1 of 4.
        assert row(figures, "All teams").split()[-1] == "25%"

        await pilot.press("f")
        await pilot.pause()
        assert panel_lines(panel) == bars


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("figures", [False, True])
async def test_the_trends_fit_without_wrapping_or_cutting(team_db, new_app, size, figures):
    app = new_app(team_db)
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot)
        if figures:
            await pilot.press("f")
            await pilot.pause()
        panel = screen.query_one(TrendPanel)
        lines = panel_lines(panel)
        assert panel.region.right <= size[0]
        assert not any("…" in line for line in lines), lines
        # One line per worker (and one per measure in the figures), each ending in its latest
        # figure: nothing wrapped onto a line of its own.
        workers = [line for line in lines if line.startswith(("Jo King", "Sam Patel",
                                                              "All teams"))]
        assert len(workers) == 3
        for line in workers:
            assert line.endswith(("%", "n/a")), line
        if size == (160, 45) and not figures:
            # Room for the counts beside each bar: Sam's November visits, 1 of 3.
            assert "1/3 33%" in row(lines, "Sam Patel")
        # Everything the panel draws is on screen at once below the table at this height.
        assert panel.region.bottom <= size[1] - 1


async def test_the_heading_names_the_key_a_keymap_moved_it_to(team_db, new_app):
    app = new_app(team_db)
    app.set_keymap({"trend_figures": "g"})  # as `trend_figures = "g"` in settings.toml
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        panel = screen.query_one(TrendPanel)
        assert "g: figures as text" in panel_lines(panel)[0]
        await pilot.press("g")
        await pilot.pause()
        assert "g: bars" in panel_lines(panel)[0]


async def test_tab_gives_the_trends_the_keyboard_to_scroll_them(team_db, new_app):
    """At 80x24 the definitions run below the screen: Tab, then End shows their last line."""
    from textual.containers import VerticalScroll

    app = new_app(team_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot)
        lower = screen.query_one("#team-lower", VerticalScroll)
        assert lower.max_scroll_y > 0
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is lower
        await pilot.press("end")
        await pilot.pause()
        assert lower.scroll_y == lower.max_scroll_y
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is screen.query_one("#team-table")
