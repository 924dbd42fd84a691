"""cin never uses the network: every main command, and the app itself, works with socket creation
made to fail (tools/nonet/sitecustomize.py), and none of them even tries."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from .helpers import TODAY_ISO, Cin, write_cases_json


def test_the_guard_really_blocks_and_records(cin: Cin) -> None:
    # Without this, a broken guard would make every other test here pass for nothing.
    result = cin.python(
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as error:\n"
        "    print(error)\n"
    )
    assert result.stdout.strip() == "network disabled in test"
    assert len(cin.network_attempts()) == 1


def test_every_main_command_works_offline(cin: Cin, tmp_path: Path) -> None:
    cases = write_cases_json(tmp_path / "cases.json", 4, prefix="N")
    commands = [
        ("--version",),
        ("policies",),
        ("import", str(cases)),
        ("due",),
        ("due", "--json"),
        ("explain", "N-00002"),
        ("export", str(tmp_path / "out.json")),
        ("export", str(tmp_path / "out.csv")),
        ("import", "--dry-run", str(tmp_path / "out.json")),
        ("backup", str(tmp_path / "copy.db")),
        ("backup",),
        ("restore", str(tmp_path / "copy.db")),
        ("audit", "N-00001", "--changes"),
        ("--db", str(tmp_path / "demo.db"), "demo", "--no-tui"),
    ]
    for command in commands:
        result = cin.run(*command)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert len(json.loads(cin.run("due", "--json").stdout)) > 0
    assert cin.network_attempts() == []


APP_SESSION = textwrap.dedent("""
    import asyncio, sys
    from datetime import date
    from pathlib import Path
    from cin_tui.app import make_app

    async def main():
        app = make_app(database_path=Path(sys.argv[1]), today=date.fromisoformat(sys.argv[2]),
                       settings_dir=Path(sys.argv[3]))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for key in ("down", "down", "enter", "escape", "question_mark", "escape"):
                await pilot.press(key)
                await pilot.pause()
        print("app ran")

    asyncio.run(main())
""")


def test_the_app_runs_offline(cin: Cin, tmp_path: Path) -> None:
    pytest.importorskip("cin_tui.app")
    cases = write_cases_json(tmp_path / "cases.json", 3, prefix="A")
    assert cin.run("import", str(cases)).returncode == 0
    result = cin.python(APP_SESSION, str(cin.database), TODAY_ISO, cin.env["CIN_SETTINGS_DIR"])
    assert result.returncode == 0, result.stderr
    assert "app ran" in result.stdout
    assert cin.network_attempts() == []
