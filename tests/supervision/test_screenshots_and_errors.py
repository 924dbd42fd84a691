"""Screenshots show children's names: they go to the user's data folder (or the folder named in
settings.toml), readable by the user only, never to ~/Downloads, and a missing folder is created.
A bug that stops the app prints plain words saying what to do, never a traceback with locals."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .pilot import started, team_cases, until
from .support import TODAY


@pytest.fixture
def team_db(make_database):
    return make_database(team_cases())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_palette_screenshot_is_private_and_in_the_data_folder(
        team_db, new_app, tmp_path, monkeypatch):
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))  # platformdirs' user_data_dir on Linux
    app = new_app(team_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot)
        # What the command palette's "Screenshot" command runs.
        app.deliver_screenshot()
        await until(pilot, lambda: app._notifications, "the screenshot message")
        folder = data / "cin-tui" / "screenshots"
        shots = list(folder.glob("*.svg"))
        assert len(shots) == 1, list(folder.iterdir())
        assert _mode(shots[0]) == 0o600
        assert _mode(folder) == 0o700
        assert "Dara" in shots[0].read_text(encoding="utf-8")  # the screen as it was
        assert [n.message for n in app._notifications] == [
            f"Screenshot saved to {shots[0]} (readable by you only: it shows children's names)."]
    assert not (home / "Downloads").exists()


async def test_the_screenshots_folder_can_be_set_in_settings(team_db, new_app, tmp_path):
    settings = tmp_path / "settings"
    settings.mkdir()
    target = tmp_path / "not yet" / "made"
    (settings / "settings.toml").write_text(f'screenshots_folder = "{target}"\n', encoding="utf-8")
    app = new_app(team_db, settings_dir=settings)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"screenshot", "enter")
        await until(pilot, lambda: any(target.glob("*.svg")), "the screenshot")
        (shot,) = target.glob("*.svg")
        assert _mode(shot) == 0o600 and _mode(target) == 0o700


async def test_a_screenshot_that_cannot_be_saved_is_reported(team_db, new_app, tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder", encoding="utf-8")
    app = new_app(team_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot)
        app.deliver_screenshot(path=str(blocked / "shots"))
        await until(pilot, lambda: app._notifications, "the message")
        (note,) = app._notifications
        assert note.severity == "error"
        assert note.message.startswith("The screenshot was not saved:")
    assert app.return_code in (None, 0)


CRASHING_APP = """
import sys
from datetime import date
from pathlib import Path

from cin_tui.app import make_app
from cin_tui.cli import _app_exit_code
from screens.caseload import CaseloadScreen


def search_with_a_bug(self):
    child = "Dara Smith, who must not appear on the terminal"
    raise RuntimeError("a bug")


CaseloadScreen.action_search = search_with_a_bug
app = make_app(database_path=Path(sys.argv[1]), today=date.fromisoformat(sys.argv[2]),
               cursor_blink=False, log_folder=Path(sys.argv[3]))


async def auto_pilot(pilot):
    while not (isinstance(app.screen, CaseloadScreen) and app.screen.loaded):
        await pilot.pause(0.05)
    await pilot.press("slash")


app.run(headless=True, auto_pilot=auto_pilot, size=(100, 30))
sys.exit(_app_exit_code(app))
"""


def test_a_bug_in_the_app_prints_what_to_do_and_no_traceback(team_db, tmp_path):
    logs = tmp_path / "logs"
    env = {k: v for k, v in os.environ.items() if k != "CIN_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CRASHING_APP), str(team_db), TODAY.isoformat(),
         str(logs)], capture_output=True, text=True, timeout=120, env=env,
        cwd=Path(__file__).resolve().parents[2])
    output = result.stdout + result.stderr
    assert result.returncode == 70, output
    assert "cin stopped: something unexpected went wrong (RuntimeError)." in output
    assert "Your cases are safe" in output and "Start cin again" in output
    assert "Traceback" not in output and "locals" not in output
    assert "must not appear" not in output
    (log,) = logs.glob("cin-error-*.log")
    assert ("The details are in this file (readable by you only); please send it with a "
            f"report:\n    {log}\n") in output
    assert _mode(log) == 0o600
    details = log.read_text(encoding="utf-8")
    assert "RuntimeError: a bug" in details and "must not appear" not in details  # no locals
