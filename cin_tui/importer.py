"""`cin import`: read a JSON or CSV file of cases and upsert them, all or nothing.

Every problem in the file is reported, not just the first: problems reading the file (bad
dates, unknown columns, wrong JSON types) together with the shared field rules of
`models.validation` (run by `models.commands.upsert_cases`) for the records that did read.
If there is any problem, nothing is written and the database file is left byte-for-byte as it
was. Problems are shown as `file:record:field: message`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cin_tui.formats.fields import Problem
from models.inputs import CaseInput
from policies.collector import collector_paused

FORMATS = (".json", ".csv")


class ImportFailed(Exception):
    """The file had problems; nothing was written. `str()` lists them all, one a line."""

    def __init__(self, file_label: str, problems: list[Problem]) -> None:
        self.file_label = file_label
        self.problems = problems
        super().__init__(file_label, problems)

    def __str__(self) -> str:
        lines = [p.render(self.file_label) for p in self.problems]
        count = len(self.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found in {self.file_label}; "
                     "nothing was imported.")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    label: str                          # the file as the user named it, for messages
    cases: list[CaseInput]              # the records that read cleanly
    problems: list[Problem]             # everything wrong with the others
    field_name: Callable[[CaseInput, str], str]  # a validation field -> the file's own name
    ignored_columns: tuple[str, ...] = ()  # CSV columns not in the format, left out when asked
    # Records with a problem that still read in part: checked by the field rules as well (never
    # imported), so every problem of the file shows in one run.
    partly_read: tuple[CaseInput, ...] = ()
    # What the file holds that is not imported, by design (a census child out of the year, a
    # child protection plan a case cannot hold): reported, never a reason to refuse the file.
    left_out: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    file: str
    cases: list[CaseInput]
    summary: Any            # models.commands.ImportSummary
    dry_run: bool
    backup: Path | None     # the copy made before a real import into a non-empty database
    ignored_columns: tuple[str, ...] = ()
    # What looks mistaken but is imported all the same (a visit long before allocation, two
    # visits on one day): `models.validation.case_visit_warnings`, as the file names fields.
    warnings: tuple[Problem, ...] = ()
    left_out: tuple[Problem, ...] = ()


def read_case_file(
    path: Path, *, default_policy: str | None = None, default_worker: str | None = None,
    ignore_unknown_columns: bool = False, policies: Mapping[str, Any] | None = None,
    names: Path | None = None,
) -> ParsedFile:
    """Read a .json or .csv file (UTF-8, with or without Excel's byte order mark), or, known by
    its content whatever its name, a DfE census return (XML) or an Annex A List 6 (.xlsx)."""
    label = str(path)
    suffix = path.suffix.lower()
    if path.exists() and not path.is_file():  # a FIFO or device would block or never end
        raise ImportFailed(label, [Problem(
            "", "", "is not a regular file (a folder, pipe or device); give the path of a "
                    ".json, .csv, census .xml or List 6 .xlsx file")])
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailed(
            label, [Problem("", "", f"cannot be read ({error.strerror or error})")]) from None
    national = _national_format(data, label, policies=policies or {},
                                default_policy=default_policy, default_worker=default_worker,
                                names=names)
    if national is not None:
        return national
    if names is not None:
        raise ImportFailed(label, [Problem("--names", "", (
            "is for a census return or a List 6 workbook; a .json or .csv file names its "
            "children itself"))])
    if suffix not in FORMATS:
        raise ImportFailed(label, [Problem(
            "", "", "cin reads .json and .csv files, census returns (.xml) and Annex A List 6 "
                    f"workbooks (.xlsx); this one ends {path.suffix or 'with no extension'}"
        )])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(label, [Problem(
            "", "",
            f"is not UTF-8 text (byte {error.start + 1}). In Excel, use Save As and choose "
            "\"CSV UTF-8 (Comma delimited)\"",
        )]) from None
    return parse_cases(text, suffix.lstrip("."), label=label,
                       default_policy=default_policy, default_worker=default_worker,
                       ignore_unknown_columns=ignore_unknown_columns)


def _national_format(data: bytes, label: str, *, policies: Mapping[str, Any],
                     default_policy: str | None, default_worker: str | None,
                     names: Path | None) -> ParsedFile | None:
    """A census return or a List 6 workbook, recognised by content; None for anything else."""
    from cin_tui.census_files import parse_census_file, parse_list6_file
    from cin_tui.formats.annex_a import looks_like_workbook
    from cin_tui.formats.census_xml import looks_like_census

    if looks_like_census(data):
        read = parse_census_file(data, policies=policies, default_policy=default_policy,
                                 names=names)
    elif looks_like_workbook(data):
        read = parse_list6_file(data, default_policy=default_policy,
                                default_worker=default_worker, names=names)
    else:
        return None
    return ParsedFile(label, read.cases, read.problems, read.field_name,
                      partly_read=read.partly_read, left_out=read.left_out)


def parse_cases(
    text: str, format_name: str, *, label: str, default_policy: str | None = None,
    default_worker: str | None = None, ignore_unknown_columns: bool = False,
) -> ParsedFile:
    """Parse file text in `format_name` ("json" or "csv")."""
    # Parsing and upserting a big file build millions of small objects and no reference
    # cycles; the cyclic garbage collector would re-scan them again and again (over half the
    # parse time of an authority-sized file).
    with collector_paused():
        return _parse(text, format_name, label, default_policy, default_worker,
                      ignore_unknown_columns)


def _parse(text: str, format_name: str, label: str, default_policy: str | None,
           default_worker: str | None, ignore_unknown_columns: bool) -> ParsedFile:
    if format_name == "json":
        from cin_tui.formats.json_format import read_json

        cases, problems = read_json(text, default_policy=default_policy,
                                    default_worker=default_worker)
        return ParsedFile(label, cases, problems, lambda case, field: field)
    from cin_tui.formats.csv_format import column_for, read_csv

    read = read_csv(text, default_policy=default_policy, default_worker=default_worker,
                    ignore_unknown_columns=ignore_unknown_columns)
    return ParsedFile(label, read.cases, read.problems, column_for, read.ignored_columns,
                      read.partly_read)


def import_file(
    path: Path,
    *,
    database: Path | Any,  # a models.location.DatabaseLocation
    actor: str,
    policies: Mapping[str, Any],
    today: date,
    default_policy: str | None = None,
    default_worker: str | None = None,
    dry_run: bool = False,
    backups_to_keep: int = 10,
    ignore_unknown_columns: bool = False,
    names: Path | None = None,
) -> ImportReport:
    """Check and import one file into the database at `database`. Raises `ImportFailed`."""
    if default_policy is not None and default_policy not in policies:
        raise ImportFailed(str(path), [Problem(
            "--policy", "", f"{default_policy!r} is not a known policy; "
                            f"known: {', '.join(sorted(policies))}"
        )])
    parsed = read_case_file(path, default_policy=default_policy, default_worker=default_worker,
                            ignore_unknown_columns=ignore_unknown_columns, policies=policies,
                            names=names)
    return import_parsed(parsed, database=database, actor=actor, policies=policies, today=today,
                         dry_run=dry_run, backups_to_keep=backups_to_keep)


def import_parsed(
    parsed: ParsedFile,
    *,
    database: Path | Any,  # a models.location.DatabaseLocation
    actor: str,
    policies: Mapping[str, Any],
    today: date,
    dry_run: bool = False,
    backups_to_keep: int = 10,
) -> ImportReport:
    from models.db import open_database
    from models.location import location_of

    database = location_of(database)
    created = isinstance(database, Path) and not database.exists()
    engine = open_database(database, backups_kept=backups_to_keep)
    keep = False
    try:
        report = import_into(parsed, engine, actor=actor, policies=policies, today=today,
                             dry_run=dry_run, backups_to_keep=backups_to_keep)
        keep = not report.dry_run
        return report
    finally:
        engine.dispose()
        if created and not keep and isinstance(database, Path):
            # a dry run or a failed import leaves no new file behind
            for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
                path.unlink(missing_ok=True)


def import_into(
    parsed: ParsedFile,
    engine,
    *,
    actor: str,
    policies: Mapping[str, Any],
    today: date,
    dry_run: bool = False,
    backups_to_keep: int = 10,
) -> ImportReport:
    """Upsert `parsed.cases` through `models.commands.upsert_cases` in one transaction.

    With file problems, the readable records are still checked (dry run) so every problem is
    reported together; then `ImportFailed` is raised and nothing is written."""
    from models.validation import ValidationFailed

    problems = list(parsed.problems)
    check_only = dry_run or bool(problems)
    has_cases = _has_cases(engine)
    summary = None
    try:
        # Into a database that has cases, check first: if nothing would change, nothing is
        # written and no backup is made; otherwise the backup comes before the write.
        if check_only or has_cases:
            summary = _upsert(engine, parsed, actor, policies, today, dry_run=True)
    except ValidationFailed as failed:
        problems += [_as_problem(parsed, error) for error in failed.errors]
    problems += _partly_read_problems(parsed, problems, policies, today)
    if problems:
        raise ImportFailed(parsed.label, _in_file_order(problems))
    warnings = _warnings(parsed)
    if check_only or (summary is not None and not summary.changes):
        assert summary is not None  # a check only ran the dry run above
        summary = dataclasses.replace(summary, dry_run=dry_run)
        return ImportReport(parsed.label, parsed.cases, summary, dry_run, None,
                            parsed.ignored_columns, warnings, parsed.left_out)
    backup = _backup(engine, backups_to_keep) if has_cases else None
    try:
        summary = _upsert(engine, parsed, actor, policies, today, dry_run=False)
    except ValidationFailed as failed:  # only if the data changed between check and write
        raise ImportFailed(parsed.label, _in_file_order(
            [_as_problem(parsed, error) for error in failed.errors])) from None
    return ImportReport(parsed.label, parsed.cases, summary, False, backup,
                        parsed.ignored_columns, warnings, parsed.left_out)


def _upsert(engine, parsed: ParsedFile, actor: str, policies: Mapping[str, Any], today: date,
            *, dry_run: bool):
    from models.commands import upsert_cases
    from models.db import session_scope

    # A check only reads; a real import takes the write lock at BEGIN (one transaction).
    with collector_paused(), session_scope(engine, write=not dry_run) as session:
        return upsert_cases(session, cases=parsed.cases, actor=actor, policies=policies,
                            today=today, dry_run=dry_run)


def _has_cases(engine) -> bool:
    from sqlmodel import select

    from models.db import session_scope
    from models.tables import Case

    with session_scope(engine, write=False) as session:
        return session.exec(select(Case.id).limit(1)).first() is not None


def _backup(engine, keep: int) -> Path | None:
    from models.backup import automatic_backup
    from models.db import database_path

    if engine.dialect.name != "sqlite":
        return None  # a team server's backups are pg_dump's (docs/deploy.md)
    return automatic_backup(database_path(engine), reason="before-import", keep=keep)


def _warnings(parsed: ParsedFile) -> tuple[Problem, ...]:
    from models.validation import case_visit_warnings

    return tuple(_as_problem(parsed, warning) for case in parsed.cases
                 for warning in case_visit_warnings(case))


def _partly_read_problems(parsed: ParsedFile, found: list[Problem],
                          policies: Mapping[str, Any], today: date) -> list[Problem]:
    """The field rules' problems with the records that read only in part, less those about a
    field already reported (a date that could not be read is not also "missing")."""
    from models.validation import check_case

    reported = {(problem.record, problem.field) for problem in found}
    problems = []
    for case in parsed.partly_read:
        for error in check_case(case, policies=policies, today=today):
            problem = _as_problem(parsed, error)
            if (problem.record, problem.field) not in reported:
                reported.add((problem.record, problem.field))
                problems.append(problem)
    return problems


def _as_problem(parsed: ParsedFile, error) -> Problem:
    """A models.validation.FieldError, with the field named as the file names it."""
    record = error.record or ""
    case = next((c for c in (*parsed.cases, *parsed.partly_read) if c.source == record), None)
    field = parsed.field_name(case, error.field) if case is not None else error.field
    return Problem(record, field, error.message)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by record number (file-level ones first), keeping each record's order."""

    def record_number(problem: Problem) -> int:
        words = problem.record.split()
        return int(words[1]) if len(words) > 1 and words[1].isdigit() else 0

    return sorted(problems, key=record_number)
