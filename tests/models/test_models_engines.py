"""Every models test runs on both SQLite and PostgreSQL (issue 13, item 2), or says why not:
`sqlite_only("why")` for a test about SQLite files as such, `no_database("why")` for one that
opens no database. A new test that opens an SQLite file by hand fails here."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import AUDIT_ENV

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.no_database("collects the other tests in a separate pytest; opens nothing")
def test_every_models_test_runs_on_both_engines_or_says_why_not():
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "gaps.txt"
        collected = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             "tests/models"],
            cwd=ROOT, env={**os.environ, AUDIT_ENV: str(report)}, capture_output=True,
            text=True, timeout=300)
        assert collected.returncode == 0, collected.stdout[-2000:] + collected.stderr[-2000:]
        gaps = report.read_text(encoding="utf-8").splitlines()
    assert gaps == []
