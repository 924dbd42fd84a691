"""The --names join file: whatever it holds, a dict of names or located problems, never an
exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cin_tui.census_import import read_names


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gives_names_or_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "names.csv"
        path.write_bytes(text.encode("utf-8"))
        names, problems = read_names(path)
    assert all(ref and name and ref == ref.strip() and name == name.strip()
               for ref, name in names.items())
    assert all(problem.record.startswith(f"--names {path}") for problem in problems)


def test_a_header_row_is_skipped_and_a_repeated_child_refused(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("LAchildID,name\nA1, Ann Lee \nA1,Other\n\nB2,\"Brown, Kai\"\n",
                    encoding="utf-8")
    names, problems = read_names(path)
    assert names == {"A1": "Ann Lee", "B2": "Brown, Kai"}
    assert [(p.record, p.field) for p in problems] == [(f"--names {path}: row 3", "LAchildID")]
