"""The real census validator for the census tests (tools/census_validator.py).

It is installed once into its own virtual environment (outside the project's, in the user's
cache folder) the first time a test asks for it. Where it cannot be installed (no network, no
Python 3.11) the tests that need it skip, saying why; CIN_REQUIRE_CENSUS_VALIDATOR=1 (.ci/run
sets it) makes that a failure instead.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "census"


def load_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "census_validator", ROOT / "tools" / "census_validator.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def census_validator() -> ModuleType:
    """tools/census_validator.py, its validator installed: call `.run(path)` for a report."""
    harness = load_harness()
    try:
        harness.ensure_installed()
    except harness.ValidatorUnavailable as problem:
        if os.environ.get("CIN_REQUIRE_CENSUS_VALIDATOR") == "1":
            pytest.fail(f"census validator required but unavailable: {problem}")
        pytest.skip(f"census validator unavailable: {problem}")
    return harness


@pytest.fixture
def census_fixture() -> dict[str, Path]:
    """The validator's own fictional returns, by year."""
    return {"2024": DATA / "CIN_Census_2024.xml", "2026": DATA / "CIN_Census_2026.xml"}


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `cin --db <a database of the test's own> --today DATE ARGS...` in-process."""
    from cin_tui.cli import main

    settings = tmp_path / "settings"
    settings.mkdir()
    monkeypatch.setenv("CIN_SETTINGS_DIR", str(settings))
    for name in ("CIN_DB", "CIN_TODAY", "CIN_DEBUG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, today: str = "2026-04-20", db: Path | str | None = None) -> Result:
        code = main(["--db", str(db or tmp_path / "cases.db"), "--today", today, *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
