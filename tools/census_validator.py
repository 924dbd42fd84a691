"""The real DfE CIN census validator, for tests and by hand: data-to-insight's
`csc-validator-be-cin` 0.1.13, kept in a virtual environment of its own.

    python tools/census_validator.py install          # make (or check) its environment
    python tools/census_validator.py run FILE.xml     # print its findings (-r RULESET, --json)

It cannot share the project's environment: 0.1.13 pins pandas<2, which breaks with numpy 2, and
its `__main__` imports pytest. So it lives in $XDG_CACHE_HOME/cin-tui/census-validator (default
~/.cache/...; CIN_CENSUS_VALIDATOR_HOME overrides), made once with Python 3.11 and reused; a
marker file records what was installed, so a half-made environment is made again, not used.
tools/census_validator_driver.py runs in that environment and hands back JSON.

Standard library only: tests/census/conftest.py loads this file by path.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "csc-validator-be-cin==0.1.13"
REQUIREMENTS = (PACKAGE, "numpy<2", "pytest")
RULESET = "cin2025_26"  # the 2025-26 census rules
DRIVER = Path(__file__).with_name("census_validator_driver.py")
MARKER = "cin-tui-installed.txt"


class ValidatorUnavailable(Exception):
    """The validator cannot be installed or started here; the message says why."""


@dataclass(frozen=True, slots=True)
class ChildFinding:
    rule: str      # "8608", "8897Q"
    child: str     # the LAchildID
    table: str     # the validator's table: "Assessments", "CINdetails", ...
    field: str     # "AssessmentActualStartDate"
    message: str


@dataclass(frozen=True, slots=True)
class ReturnFinding:
    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class CrashedRule:
    rule: str
    error: str


@dataclass(frozen=True, slots=True)
class ValidatorReport:
    child_level: tuple[ChildFinding, ...]
    return_level: tuple[ReturnFinding, ...]
    crashed: tuple[CrashedRule, ...]  # rules that raised; the validator counts them as passed

    def child_rules(self) -> set[tuple[str, str]]:
        """(rule, LAchildID) pairs: the child-level findings, as compared across files."""
        return {(finding.rule, finding.child) for finding in self.child_level}


def home() -> Path:
    override = os.environ.get("CIN_CENSUS_VALIDATOR_HOME")
    if override:
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "cin-tui" / "census-validator"


def _python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _find_python311() -> str:
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    found = shutil.which("python3.11")
    if found is None:
        raise ValidatorUnavailable(
            "the census validator needs Python 3.11 (csc-validator-be-cin 0.1.13 pins pandas<2, "
            "which has no wheels for newer Pythons); no python3.11 on PATH")
    return found


def ensure_installed(folder: Path | None = None) -> Path:
    """The validator environment's python, making the environment first when needed."""
    folder = folder or home()
    python = _python(folder)
    marker = folder / MARKER
    wanted = "\n".join(REQUIREMENTS)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    if folder.exists():
        shutil.rmtree(folder)  # half made, or made for another version: start again
    folder.parent.mkdir(parents=True, exist_ok=True)
    steps = (
        [_find_python311(), "-m", "venv", str(folder)],
        [str(python), "-m", "pip", "install", "-q", *REQUIREMENTS],
    )
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            last = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise ValidatorUnavailable(
                f"could not install {PACKAGE} in {folder} ({' '.join(step[:4])}...): "
                + " / ".join(last))
    marker.write_text(wanted)
    return python


def run(xml_file: Path, ruleset: str = RULESET, folder: Path | None = None) -> ValidatorReport:
    """The validator's findings on one census XML file."""
    python = ensure_installed(folder)
    done = subprocess.run([str(python), str(DRIVER), str(xml_file), ruleset],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the census validator failed on {xml_file}:\n{done.stderr}")
    found = json.loads(done.stdout)
    return ValidatorReport(
        child_level=tuple(ChildFinding(**row) for row in found["child"]),
        return_level=tuple(ReturnFinding(**row) for row in found["return"]),
        crashed=tuple(CrashedRule(**row) for row in found["crashed"]),
    )


def _print(report: ValidatorReport) -> None:
    print(f"Child-level findings: {len(report.child_level)}")
    for child in report.child_level:
        print(f"  {child.rule:<6} {child.child}  {child.table}.{child.field}: {child.message}")
    print(f"Return-level findings: {len(report.return_level)}")
    for whole in report.return_level:
        print(f"  {whole.rule:<6} {whole.message}")
    for crash in report.crashed:
        print(f"Rule {crash.rule} crashed (the validator counts it as passed): {crash.error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("install", help="make the validator's environment (once; then reused)")
    running = actions.add_parser("run", help="validate a census XML file")
    running.add_argument("file", type=Path)
    running.add_argument("-r", "--ruleset", default=RULESET, help=f"default {RULESET}")
    running.add_argument("--json", action="store_true", help="print the findings as JSON")
    args = parser.parse_args(argv)
    try:
        if args.action == "install":
            print(f"census validator ready: {ensure_installed()}")
            return 0
        report = run(args.file, args.ruleset)
    except ValidatorUnavailable as problem:
        print(f"census validator unavailable: {problem}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"child": [vars_of(f) for f in report.child_level],
                          "return": [vars_of(f) for f in report.return_level],
                          "crashed": [vars_of(f) for f in report.crashed]}, indent=1))
    else:
        _print(report)
    return 1 if report.child_level else 0


def vars_of(finding: ChildFinding | ReturnFinding | CrashedRule) -> dict[str, str]:
    return {name: getattr(finding, name) for name in finding.__slots__}


if __name__ == "__main__":
    sys.exit(main())
