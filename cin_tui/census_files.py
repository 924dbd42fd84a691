"""The national formats as files: a census return or a List 6 workbook read into the
importer's ParsedFile, and cases written out as either (docs/formats.md, "National formats").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cin_tui.census_import import census_cases, census_field_name, read_names
from cin_tui.formats.fields import Problem
from models.inputs import CaseInput


@dataclass(frozen=True, slots=True)
class NationalRead:
    """What the importer's ParsedFile is made of (cin_tui.importer builds it)."""

    cases: list[CaseInput]
    problems: list[Problem]
    field_name: Callable[[CaseInput, str], str]  # a validation field -> the file's own place
    partly_read: tuple[CaseInput, ...] = ()
    left_out: tuple[Problem, ...] = ()


def _names(path: Path | None, problems: list[Problem]) -> dict[str, str]:
    if path is None:
        return {}
    names, found = read_names(path)
    problems += found
    return names


def parse_census_file(data: bytes, *, policies: Mapping[str, Any],
                      default_policy: str | None, names: Path | None) -> NationalRead:
    problems: list[Problem] = []
    joined = _names(names, problems)
    read = census_cases(data, policies=policies, default_policy=default_policy, names=joined)
    problems += read.problems
    return NationalRead(read.cases, problems, census_field_name,
                        partly_read=tuple(read.checked), left_out=tuple(read.warnings))


def parse_list6_file(data: bytes, *, default_policy: str | None,
                     default_worker: str | None, names: Path | None) -> NationalRead:
    from cin_tui.formats.annex_a import AnnexAError, read_list6
    from cin_tui.list6_cases import list6_cases

    problems: list[Problem] = []
    joined = _names(names, problems)
    try:
        read = read_list6(data)
    except AnnexAError as failed:
        return NationalRead([], problems + list(failed.problems), _list6_column)
    cases = list6_cases(read.rows, default_policy=default_policy,
                        default_worker=default_worker, names=joined, problems=problems)
    left_out = tuple(Problem(f"sheet {read.sheet}", column, "column not imported (not List 6's)")
                     for column in read.ignored_columns)
    return NationalRead(cases, problems, _list6_column, left_out=left_out)


def _list6_column(case: CaseInput, field: str) -> str:
    from cin_tui.list6_cases import COLUMN_OF_FIELD

    head = field.split("[")[0]
    if head == "visits":
        return "Date Child Was Last Seen"
    return COLUMN_OF_FIELD.get(field, field)


def write_census_file(cases: list[CaseInput], *, census_year: int, today: date,
                      policies: Mapping[str, Any], lea: str | None) -> tuple[bytes, int]:
    """The return's bytes and how many children it holds."""
    from cin_tui.census_export import census_return
    from cin_tui.census_scope import CensusYear
    from cin_tui.formats.census_xml import write_census

    census = census_return(cases, year=CensusYear(census_year), today=today, policies=policies,
                           lea=lea)
    return write_census(census), len(census.children)


def write_list6_file(cases: list[CaseInput], *, today: date,
                     policies: Mapping[str, Any]) -> tuple[bytes, int]:
    from cin_tui.formats.annex_a import write_list6
    from cin_tui.list6_cases import list6_rows

    rows = list6_rows(cases, today=today, policies=policies)
    return write_list6(rows), len(rows)
