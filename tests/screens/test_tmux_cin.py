"""The real `cin` in a real terminal (tmux): import a case, log a visit by keyboard, and read
the new countdown off the screen."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from .terminal import REVERSED, Terminal, cin_command, cin_environment, needs_tmux

pytestmark = needs_tmux

# One Wirral child, last seen Tue 20 Oct 2026. With today Mon 23 Nov: 20 working days after
# 20 Oct is Tue 17 Nov (21-23 Oct 3, 26-30 Oct 8, 2-6 Nov 13, 9-13 Nov 18, 16 Nov 19,
# 17 Nov 20), and 18, 19, 20, 23 Nov have gone by since: "✖ 4 wd late".
# Seen today instead: 24-27 Nov 4, 30 Nov-4 Dec 9, 7-11 Dec 14, 14-18 Dec 19, Mon 21 Dec 20:
# "✔ 20 wd".
CASES = {
    "cases": [
        {
            "ref": "WR-001", "name": "Amira Hassan", "dob": "2017-03-04", "policy": "wirral",
            "worker": "Sam Patel", "team": "North", "allocated": "2026-09-01",
            "visits": [{"date": "2026-10-20", "seen": True, "seen_alone": True,
                        "childs_voice": "I like my school", "location": "home",
                        "recorded": "2026-10-20"}],
        }
    ]
}


def visit_cell(screen: str) -> str:
    header = next(line for line in screen.splitlines() if "Visit" in line and "Ref" in line)
    row = next(line for line in screen.splitlines() if "WR-001" in line)
    start = header.index("Visit")
    end = header.index("Meeting")
    return row[start:end].strip()


def test_logging_a_visit_in_the_real_cin_changes_the_countdown(tmp_path: Path):
    cin = cin_command()
    env = cin_environment(tmp_path, "2026-11-23")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(CASES), encoding="utf-8")
    imported = subprocess.run([str(cin), "import", str(cases)], env=env, capture_output=True,
                              text=True, timeout=120)
    assert imported.returncode == 0, imported.stdout + imported.stderr

    terminal = Terminal(f"cin-test-{os.getpid()}", env)
    terminal.start(str(cin))
    try:
        before = terminal.wait_for("WR-001")
        assert visit_cell(before) == "✖ 4 wd late"

        terminal.keys("Enter")
        terminal.wait_for("due 17 Nov 2026")  # the case has loaded
        terminal.keys("v")
        # Textual hands keys to the widget that had focus when they arrived, so each key is
        # sent once the one before has shown its effect: the field with the keyboard has its
        # label shown reversed.
        terminal.wait_for(REVERSED + "Date of the visit", styles=True)  # today, the default
        terminal.keys("Tab")
        terminal.wait_for(REVERSED + "Child seen", styles=True)  # ticked by default
        terminal.keys("Tab")
        terminal.wait_for(REVERSED + "Seen alone", styles=True)
        terminal.keys("y")
        terminal.wait_for("▐●▌ Yes")
        terminal.keys("Tab")
        terminal.wait_for(REVERSED + "Why not seen alone", styles=True)  # not needed
        terminal.keys("Tab")
        terminal.wait_for(REVERSED + "The child's voice", styles=True)
        terminal.text("I like my new school")
        terminal.wait_for("I like my new school")
        terminal.keys("Tab")
        terminal.wait_for(REVERSED + "Where", styles=True)
        terminal.keys("h")
        terminal.wait_for("▐●▌ Home")
        terminal.keys("C-s")
        terminal.wait_for("Visit logged for Amira Hassan")
        terminal.wait_for("due 21 Dec 2026")  # the case screen's own deadline list
        terminal.keys("Escape")
        terminal.wait_for("Showing 1 of 1")  # back on the caseload, which reloads on return
        after = terminal.wait_for("✔ 20 wd")
        assert visit_cell(after) == "✔ 20 wd"
    finally:
        terminal.stop()
