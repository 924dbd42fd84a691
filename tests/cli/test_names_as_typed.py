"""References and workers' names are found however they are capitalised (issue 12, item 8):
`cin explain ex-0003`, `cin due --worker "jo lantern"`."""

from __future__ import annotations

import json
from pathlib import Path

from .cli_helpers import write_json


def _case(ref: str, worker: str) -> dict:
    return {"ref": ref, "name": f"Child {ref}", "dob": "2015-03-01", "policy": "wirral",
            "worker": worker, "allocated": "2026-09-01"}


def test_a_reference_in_any_case_finds_the_case(cin, tmp_path: Path) -> None:
    cases = write_json(tmp_path / "cases.json", [_case("EX-0003", "Jo Lantern")])
    assert cin("import", str(cases)).code == 0
    exact, lower = cin("explain", "EX-0003"), cin("explain", "ex-0003")
    assert exact.code == lower.code == 0
    assert lower.out == exact.out
    assert cin("audit", "ex-0003").code == 0


def test_a_workers_name_in_any_case_finds_their_cases(cin, tmp_path: Path) -> None:
    cases = write_json(tmp_path / "cases.json",
                       [_case("EX-0001", "Jo Lantern"), _case("EX-0002", "Sam Patel")])
    assert cin("import", str(cases)).code == 0
    for typed in ("Jo Lantern", "jo lantern", "  JO LANTERN "):
        items = json.loads(cin("due", "--json", "--worker", typed).out)
        assert {item["ref"] for item in items} == {"EX-0001"}, typed


def test_two_references_differing_only_in_case_are_not_guessed_between(cin, tmp_path):
    cases = write_json(tmp_path / "cases.json",
                       [_case("EX-0001", "Jo Lantern"), _case("ex-0001", "Jo Lantern")])
    assert cin("import", str(cases)).code == 0
    assert "Child EX-0001" in cin("explain", "EX-0001").out
    assert "Child ex-0001" in cin("explain", "ex-0001").out
    missing = cin("explain", "Ex-0001")
    assert missing.code != 0
    assert "No case with reference 'Ex-0001'" in missing.err
