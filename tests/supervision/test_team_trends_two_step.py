"""The team view in two steps: the table as soon as its figures are ready, the trends after
(worked out in the same thread worker, from the same read). The months are held back by a gate
the test opens, so "before" and "after" are seen for certain, with no timing."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from models.supervision import TeamFacts

from .pilot import PATIENCE_SECONDS, started, team_cases, text_of, until


@pytest.fixture
def team_db(make_database):
    return make_database(team_cases())


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The months wait for `gate.set()`; each reading of the team needs its own opening."""
    opened = threading.Event()
    original = TeamFacts.with_trends

    def held(self, overview):
        assert opened.wait(PATIENCE_SECONDS), "the test never let the trends through"
        opened.clear()
        return original(self, overview)

    monkeypatch.setattr(TeamFacts, "with_trends", held)
    yield opened
    opened.set()  # never leave a worker waiting


async def test_the_table_shows_before_the_trends_and_keeps_the_keyboard(team_db, new_app, gate):
    from screens.team import TeamScreen, WorkerTable
    from screens.widgets.trends import WORKING_OUT, TrendPanel

    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TeamScreen)
                    and app.screen.overview is not None, "the table")
        screen = app.screen
        table = screen.query_one(WorkerTable)
        panel = screen.query_one(TrendPanel)
        # The table is there, with its figures, while the months are still being worked out.
        assert [line.worker for line in table.rows] == ["Jo King", "Sam Patel"]
        assert "4/6 67%" in text_of(table)
        assert text_of(panel).strip() == WORKING_OUT
        assert screen.trends is None
        assert app.focused is table
        await pilot.press("down")  # the manager can move while waiting
        assert table.cursor_row == 1

        gate.set()
        await until(pilot, lambda: screen.trends is not None, "the trends")
        shown = text_of(panel)
        assert shown.strip().startswith("Trends by month, Dec 2025 to 23 Nov 2026")
        assert "Sam Patel" in shown and "All teams" in shown
        assert WORKING_OUT not in shown
        # Nothing else moved: the same lines, the cursor where it was, the keyboard there.
        assert [line.worker for line in table.rows] == ["Jo King", "Sam Patel"]
        assert table.cursor_row == 1 and app.focused is table


async def test_a_reload_keeps_the_last_trends_until_the_new_ones_arrive(team_db, new_app, gate):
    """No flicker back to "working out" when the team is read again (after a save)."""
    from screens.team import TeamScreen
    from screens.widgets.trends import WORKING_OUT, TrendPanel

    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("t")
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, TeamScreen)
                    and app.screen.trends is not None, "the first trends")
        screen = app.screen
        panel = screen.query_one(TrendPanel)
        first_table, first_trends = screen.overview, screen.trends
        before = text_of(panel)

        screen.reload()
        await until(pilot, lambda: screen.overview is not first_table, "the table read again")
        # The new table is shown; the panel still has the last trends, not "working out".
        assert screen.trends is first_trends
        assert text_of(panel) == before and WORKING_OUT not in before

        gate.set()
        await until(pilot, lambda: screen.trends is not first_trends, "the new trends")
        assert text_of(panel) == before  # nothing changed in the data: the same figures


async def test_trends_that_cannot_be_worked_out_leave_the_table_and_say_why(
        team_db, new_app, monkeypatch):
    from screens.team import TeamScreen, WorkerTable
    from screens.widgets.trends import TrendPanel

    def broken(self, overview):
        raise ValueError("the [b]pack[/b] has no visit rule")

    monkeypatch.setattr(TeamFacts, "with_trends", broken)
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TeamScreen)
                    and app.screen.overview is not None
                    and "Could not" in text_of(app.screen.query_one(TrendPanel)), "the error")
        screen = app.screen
        # Shown as typed (never markup), in place of the trends; the table is untouched.
        assert text_of(screen.query_one(TrendPanel)).strip() == (
            "Could not work out the trends: ValueError: the [b]pack[/b] has no visit rule")
        assert [line.worker for line in screen.query_one(WorkerTable).rows] == [
            "Jo King", "Sam Patel"]
        await pilot.resize_terminal(100, 40)  # redrawn, still the reason, not "working out"
        await pilot.pause()
        assert "Could not work out the trends" in text_of(screen.query_one(TrendPanel))


async def test_a_team_that_cannot_be_read_says_so_and_promises_no_trends(
        team_db, new_app, monkeypatch):
    from models.service import CaseloadService
    from screens.team import TeamScreen
    from screens.widgets.trends import TrendPanel

    def unreadable(self):
        raise OSError("disk I/O error")

    monkeypatch.setattr(CaseloadService, "team_facts", unreadable)
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TeamScreen) and "Could not read"
                    in text_of(app.screen.query_one("#team-summary")), "the error")
        assert "disk I/O error" in text_of(app.screen.query_one("#team-summary"))
        # No "working out" line for trends that will never come.
        assert text_of(app.screen.query_one(TrendPanel)).strip() == ""
