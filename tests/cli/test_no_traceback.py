"""Run the real `python -m cin_tui` as a user would: errors are one clear message, never a
traceback (unless CIN_DEBUG=1 asks for one)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_cin(*args: str, env_extra: dict[str, str], cwd) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIN_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "cin_tui", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture
def env(tmp_path):
    settings = tmp_path / "settings"
    settings.mkdir()
    return {"CIN_SETTINGS_DIR": str(settings), "CIN_DB": str(tmp_path / "cases.db"),
            "CIN_TODAY": "2026-11-23"}


def test_errors_are_messages_not_tracebacks(env, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"cases": [{"ref": "C-1", "allocated": "31/02/2026"}]}', encoding="utf-8")
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database" * 100)
    cases = [
        (["import", str(bad)], {}, "bad.json:case 1 (ref C-1):allocated:"),
        (["import", str(tmp_path / "missing.csv")], {}, "cannot be read"),
        (["due"], {"CIN_TODAY": "31/02/2026"}, "cin: CIN_TODAY:"),
        (["due", "--today", "someday"], {}, "cin: --today:"),
        (["due"], {"CIN_DB": str(corrupt)}, "damaged or is not a cin database"),
        (["explain", "C-1"], {}, "there is no database at"),
        (["due", "--within", "soon"], {}, "not a whole number of days"),
        (["frobnicate"], {}, "invalid choice"),
    ]
    for args, extra, expected in cases:
        result = run_cin(*args, env_extra={**env, **extra}, cwd=tmp_path)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, args
        assert expected in result.stderr, (args, result.stderr)


def test_debug_shows_the_traceback(env, tmp_path):
    result = run_cin("due", env_extra={**env, "CIN_TODAY": "31/02/2026", "CIN_DEBUG": "1"},
                     cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "cin: CIN_TODAY:" in result.stderr


def test_version_and_help(env, tmp_path):
    result = run_cin("--version", env_extra=env, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("cin ")
    result = run_cin("--help", env_extra=env, cwd=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "import", "export", "due", "explain", "policies"):
        assert command in result.stdout


def test_read_only_commands_do_not_load_the_user_interface(env, tmp_path):
    """`cin due --json` must start quickly: it never imports Textual."""
    code = ("import sys, runpy; sys.argv = ['cin', 'due', '--json'];\n"
            "from cin_tui.cli import main; main()\n"
            "print('textual' in sys.modules, file=sys.stderr)")
    env_all = {k: v for k, v in os.environ.items() if not k.startswith("CIN_")}
    env_all.update(env)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env_all, cwd=tmp_path, timeout=120)
    assert result.stderr.strip().splitlines()[-1] == "False"
