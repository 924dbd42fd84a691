"""tools/census_validator.py: the real validator's findings, split into child and return level;
and a clear reason, not a traceback, when it cannot be installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT, load_harness


def test_findings_are_split_into_child_level_and_return_level(
        census_validator: ModuleType, census_fixture: dict[str, Path]) -> None:
    report = census_validator.run(census_fixture["2026"])
    # The fixture's ReferenceDate is 2024-03-31, not the 2025-26 rules' 31 March 2026: rule 100
    # is about the whole return, so it has no child.
    assert "100" in {finding.rule for finding in report.return_level}
    # child_fails_assessments: referral 24/10/2024, assessment started 25/12/2023, before it
    # (rule 1103), and its completed assessment has no factors (8897Q).
    failing = {(f.rule, f.field) for f in report.child_level
               if f.child == "child_fails_assessments"}
    assert ("1103", "AssessmentActualStartDate") in failing
    assert ("8897Q", "AssessmentFactors") in failing
    assert all(finding.message for finding in report.child_level)
    assert report.crashed == ()


def test_the_command_prints_both_levels(census_validator: ModuleType,
                                        census_fixture: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "census_validator.py"), "run",
         str(census_fixture["2024"])], capture_output=True, text=True)
    assert done.returncode == 1  # child-level findings
    assert "Child-level findings: 32" in done.stdout
    assert "100    Reference Date is incorrect" in done.stdout


def test_when_it_cannot_be_installed_the_reason_is_given_and_nothing_half_made_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness = load_harness()
    # pip with no index and nowhere to find the package: what a machine without network meets.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "nothing-here"))
    folder = tmp_path / "validator"
    with pytest.raises(harness.ValidatorUnavailable) as raised:
        harness.ensure_installed(folder)
    assert "could not install csc-validator-be-cin==0.1.13" in str(raised.value)
    assert not folder.exists()
