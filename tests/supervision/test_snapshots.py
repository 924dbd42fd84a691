"""Snapshots of the team view and a walkthrough page (normal and privacy mode), 120x40, today
Mon 23 Nov 2026. Look at the pictures before accepting a change:
`pytest tests/supervision/test_snapshots.py --snapshot-update`, then convert the SVGs in
`__snapshots__/` to PNG (rsvg-convert) and read them. rsvg-convert 2.54 drops the no-break
spaces that start a run of text, so a right-justified figure seems to touch the cell before it
("▲ 10/1" for "▲ 1  0/1"), which neither the SVG nor a terminal does; convert with
`sed 's/<svg /<svg xml:space="preserve" /; s/&#160;/ /g' X.svg | rsvg-convert -o X.png`.
"""

from __future__ import annotations

import pytest

from .pilot import open_team, team_cases, walk

SIZE = (120, 40)


@pytest.fixture
def team_db(make_database):
    return make_database(team_cases())


def at_team():
    async def run_before(pilot) -> None:
        await open_team(pilot)

    return run_before


def at_team_then(*keys: str):
    async def run_before(pilot) -> None:
        await open_team(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


def at_walkthrough(*keys: str):
    async def run_before(pilot) -> None:
        walkthrough = await walk(pilot, "Sam Patel")
        await pilot.press(*keys)
        await pilot.pause()
        assert walkthrough.is_current

    return run_before


def test_team_view(snap_compare, team_db, new_app):
    assert snap_compare(new_app(team_db), terminal_size=SIZE, run_before=at_team())


def test_walkthrough_page(snap_compare, team_db, new_app):
    assert snap_compare(new_app(team_db), terminal_size=SIZE, run_before=at_walkthrough())


def test_walkthrough_page_in_privacy_mode(snap_compare, team_db, new_app):
    # The second case: a sibling is named in the child's words, and masked too.
    assert snap_compare(new_app(team_db, privacy=True), terminal_size=SIZE,
                        run_before=at_walkthrough("n"))


def test_team_view_in_privacy_mode(snap_compare, team_db, new_app):
    assert snap_compare(new_app(team_db, privacy=True), terminal_size=SIZE, run_before=at_team())


def test_team_view_at_80x24(snap_compare, team_db, new_app):
    """Every column on screen at 80 columns, a gap between each (issue 12, item 8)."""
    assert snap_compare(new_app(team_db), terminal_size=(80, 24), run_before=at_team())


def test_team_view_with_trends_at_160x45(snap_compare, team_db, new_app):
    """The trends under the table: a bar per month, two cells wide, with the latest figures."""
    assert snap_compare(new_app(team_db), terminal_size=(160, 45), run_before=at_team())


def test_team_view_trend_figures_at_80x24(snap_compare, team_db, new_app):
    """The trends as a table of percentages, "n/a" where nothing was counted (key f)."""
    assert snap_compare(new_app(team_db), terminal_size=(80, 24),
                        run_before=at_team_then("f"))
