"""docs/formats.md names every field an import reads and an export writes: a script author
who reads it meets no field it leaves out."""

from __future__ import annotations

import re
from pathlib import Path

from cin_tui.formats import csv_format, json_format

FORMATS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def _named_in_docs() -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", FORMATS.read_text(encoding="utf-8")))


def test_every_json_field_is_in_docs_formats() -> None:
    fields = {*json_format.CASE_FIELDS, *json_format.VISIT_FIELDS, *json_format.MEETING_FIELDS,
              *json_format.CLOSURE_FIELDS, *json_format.TASK_DONE_FIELDS}
    assert sorted(fields - _named_in_docs()) == []


def test_every_csv_column_is_in_docs_formats() -> None:
    assert sorted(set(csv_format.COLUMNS) - _named_in_docs()) == []


def test_every_census_code_is_in_docs_formats_with_its_words() -> None:
    from policies import census_codes

    text = FORMATS.read_text(encoding="utf-8")
    for codes in (census_codes.REFERRAL_SOURCES, census_codes.PRIMARY_NEEDS,
                  census_codes.ETHNICITIES, census_codes.DISABILITIES,
                  census_codes.ASSESSMENT_FACTORS, census_codes.CLOSURE_REASONS,
                  census_codes.SEXES, census_codes.UPN_UNKNOWN_REASONS):
        for code, words in codes.codes.items():
            assert f"| `{code}` | {words.replace('|', '/')} |" in text, (codes.name, code)
