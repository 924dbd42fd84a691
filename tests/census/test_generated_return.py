"""What census_xml_write writes passes the real 2025-26 rules: 400 generated children, open and
closed, with and without plans, some on child protection plans."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

from cin_tui.formats.census_xml import read_census, write_census

from .generated import generated_return


def test_a_generated_return_of_400_children_has_no_validator_findings(
        census_validator: ModuleType, tmp_path: Path) -> None:
    census = generated_return(400)
    episodes = [child.episodes[0] for child in census.children]
    shapes = Counter(("closed" if e.closure_date else "open",
                      "plan" if e.plan_dates else "cp" if e.protection_plans else "none")
                     for e in episodes)
    # The mix the test claims to cover (the generator's four kinds, some pushed open by the
    # reference date).
    assert {("open", "plan"), ("closed", "plan"), ("closed", "none"), ("open", "cp")} <= set(shapes)
    assert len({e.closure_reason for e in episodes if e.closure_reason}) >= 7

    path = tmp_path / "return.xml"
    path.write_bytes(write_census(census))
    report = census_validator.run(path)
    assert report.child_level == ()
    assert report.return_level == ()
    assert report.crashed == ()
    assert read_census(path.read_bytes()).census == census
