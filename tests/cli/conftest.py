"""Fixtures for the `cin` command tests: each test gets its own database and settings folder,
and a fixed today (Monday 23 Nov 2026)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from cin_tui.cli import main

from .cli_helpers import TODAY


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "settings"
    folder.mkdir()
    monkeypatch.setenv("CIN_SETTINGS_DIR", str(folder))
    for name in ("CIN_DB", "CIN_TODAY", "CIN_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


@pytest.fixture
def cin(settings_dir: Path, db: Path, capsys: pytest.CaptureFixture[str]):
    """Run `cin --db <test db> --today 2026-11-23 ARGS...` in-process."""

    def run(*args: str, today: str | None = TODAY, database: Path | None = db) -> Result:
        argv = []
        if database is not None:
            argv += ["--db", str(database)]
        if today is not None:
            argv += ["--today", today]
        code = main([*argv, *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
