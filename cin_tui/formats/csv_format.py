"""The CSV format: one row per child, as a case list from a recording system looks.

The summary columns become history on import (docs/formats.md, "CSV"):
- `last_visit` -> a visit on that date at which the child was seen; seen alone when
  `last_seen_alone` is the same date, otherwise "not recorded" (the list does not say);
- `last_seen_alone` earlier than `last_visit` -> a second visit, on that date, child seen alone;
- `last_meeting` -> a held meeting of kind `last_meeting_kind`;
- `next_meeting` -> a booked meeting of kind `next_meeting_kind` (default: `review` when a
  meeting has been held, else `initial`);
- `closed` + `closure_reason` -> the closure.

A row is a summary of one child, so it never changes or blanks what is recorded: an empty cell
keeps the stored value, and the history it implies only adds (models/upsert.py).

Cells a spreadsheet would run as a formula (beginning = + - @, tab or carriage return) are
written with a leading apostrophe, and read back without it, so the round trip is exact.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from cin_tui.formats.fields import (
    FieldReader,
    Problem,
    census_code_upper,
    read_case,
    record_label,
)
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from policies.facts import MEETING_KINDS, Frequency

COLUMNS = (
    "ref", "name", "dob", "policy", "worker", "team", "family", "disabled", "visit_every",
    "allocated", "assessment_completed", "plan_started", "complex_plan", "key_worker_led",
    "last_visit", "last_seen_alone", "last_meeting",
    "last_meeting_kind", "next_meeting", "next_meeting_kind", "closed", "closure_reason",
    # DfE Children in Need census fields (after the others: older lists keep their columns).
    "referral_date", "referral_source", "primary_need", "assessment_started",
    "assessment_factors", "plan_ended", "sex", "ethnicity", "upn", "upn_unknown",
    "disabilities",
)
REQUIRED_COLUMNS = ("ref", "name", "allocated")
HEADER = "row 1 (header)"


def normalise_header(cell: str) -> str:
    """Headers are matched ignoring case, surrounding spaces, and spaces or hyphens for `_`."""
    return "_".join(cell.strip().lower().replace("-", " ").split())


@dataclass(frozen=True, slots=True)
class CsvRead:
    cases: list[CaseInput]          # the rows that read cleanly
    problems: list[Problem]         # every problem found
    ignored_columns: tuple[str, ...] = ()  # as headed in the file, when asked to leave them out
    # Rows with a cell that could not be read (a date that is not a date), as far as they
    # read: never imported, but checked by the field rules too, so one run lists every
    # problem of the file (the rest of a row's problems not only after its dates are fixed).
    partly_read: tuple[CaseInput, ...] = ()


def read_csv(
    text: str, *, default_policy: str | None = None, default_worker: str | None = None,
    ignore_unknown_columns: bool = False,
) -> CsvRead:
    """Parse a CSV import file. A column the format does not have refuses the file, unless
    `ignore_unknown_columns`: then its cells are left out, and the columns named."""
    cases, problems, ignored, partly_read = _read_csv(text, default_policy, default_worker,
                                                      ignore_unknown_columns)
    return CsvRead(cases, problems, ignored, tuple(partly_read))


def _read_csv(
    text: str, default_policy: str | None, default_worker: str | None,
    ignore_unknown_columns: bool,
) -> tuple[list[CaseInput], list[Problem], tuple[str, ...], list[CaseInput]]:
    problems: list[Problem] = []
    try:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    except csv.Error as error:
        problems.append(Problem("", "", f"not a readable CSV file ({error})"))
        return [], problems, (), []
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        problems.append(Problem(
            "", "", f"is empty; the first row must name the columns: {', '.join(COLUMNS)}"))
        return [], problems, (), []

    if len(rows[0]) == 1 and ";" in rows[0][0]:
        problems.append(Problem(HEADER, "", "the columns seem to be separated by semicolons; cin "
                                "reads comma-separated files (in Excel: Save As, \"CSV UTF-8 "
                                "(Comma delimited)\")"))
        return [], problems, (), []
    columns = [normalise_header(cell) for cell in rows[0]]
    ignored: tuple[str, ...] = ()
    if ignore_unknown_columns:
        ignored = tuple(cell.strip() for column, cell in zip(columns, rows[0], strict=True)
                        if column and column not in COLUMNS)
        columns = [column if column in COLUMNS else "" for column in columns]
    if not _header_is_usable(columns, rows[0], default_policy, problems):
        return [], problems, (), []

    cases: list[CaseInput] = []
    partly_read: list[CaseInput] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        # A row may be shorter than the header (its last cells left off) or longer (see below).
        cells = {column: unneutralise(cell) for column, cell in zip(columns, row, strict=False)}
        reader = FieldReader(record_label("row", number, cells.get("ref")), problems)
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns):]):
            reader.problem("", f"has {len(row)} cells but the header names {len(columns)} columns")
            continue
        before = len(problems)
        case = _read_row(reader, cells, default_policy, default_worker)
        if case is not None:
            (cases if len(problems) == before else partly_read).append(case)
    return cases, problems, ignored, partly_read


def _header_is_usable(columns: list[str], raw: list[str], default_policy: str | None,
                      problems: list[Problem]) -> bool:
    ok = True
    seen: set[str] = set()
    for column, cell in zip(columns, raw, strict=True):
        if not column:
            continue
        if column not in COLUMNS:
            problems.append(Problem(HEADER, cell.strip(),
                                    f"unknown column; accepted: {', '.join(COLUMNS)} (or give "
                                    "--ignore-unknown-columns to import the file without it)"))
            ok = False
        elif column in seen:
            problems.append(Problem(HEADER, cell.strip(), "this column appears twice"))
            ok = False
        seen.add(column)
    required = REQUIRED_COLUMNS + (() if default_policy else ("policy",))
    for column in required:
        if column not in seen:
            hint = " (or give --policy)" if column == "policy" else ""
            problems.append(Problem(HEADER, column, f"required column is missing{hint}"))
            ok = False
    return ok


def _fields_given(cells: dict[str, str]) -> frozenset[str]:
    """The case fields this row gives: its non-blank cells. The others keep their stored
    values (an empty cell means "not in this list", never "clear it")."""
    return frozenset(_FIELD_OF_COLUMN.get(column, column)
                     for column, cell in cells.items() if column and cell.strip())


_FIELD_OF_COLUMN = {
    "last_visit": "visits", "last_seen_alone": "visits",
    "last_meeting": "meetings", "last_meeting_kind": "meetings",
    "next_meeting": "meetings", "next_meeting_kind": "meetings",
    "closed": "closure", "closure_reason": "closure",
}


def _read_row(
    reader: FieldReader, cells: dict[str, str], default_policy: str | None,
    default_worker: str | None,
) -> CaseInput | None:
    return read_case(reader, cells.get, default_policy, default_worker, lambda: dict(
        visits=_visits(reader, cells),
        meetings=_meetings(reader, cells),
        closure=_closure(reader, cells),
        fields_given=_fields_given(cells),
        summary_history=True,
    ))


_VISIT_CLAIM = frozenset({"date", "seen"})
_ALONE_CLAIM = frozenset({"date", "seen", "seen_alone"})
_MEETING_CLAIM = frozenset({"kind", "status", "date"})
_CLOSURE_CLAIM = frozenset({"date", "reason"})


def _visits(reader: FieldReader, cells: dict[str, str]) -> list[VisitInput]:
    last_visit = reader.date("last_visit", cells.get("last_visit"))
    last_alone = reader.date("last_seen_alone", cells.get("last_seen_alone"))
    visits = []
    if last_visit is not None:
        alone = last_alone == last_visit
        visits.append(VisitInput(date=last_visit, seen=True, seen_alone=True if alone else None,
                                 fields_given=_ALONE_CLAIM if alone else _VISIT_CLAIM))
    if last_alone is not None:
        if last_visit is None and not cells.get("last_visit", "").strip():
            reader.problem("last_seen_alone",
                           "is given but last_visit is empty; give the date of the last visit too")
        elif last_visit is not None and last_alone > last_visit:
            reader.problem("last_seen_alone",
                           f"is after last_visit ({last_visit.isoformat()}); the child cannot "
                           "have been seen alone after the last visit")
        elif last_visit is not None and last_alone < last_visit:
            visits.append(VisitInput(date=last_alone, seen=True, seen_alone=True,
                                     fields_given=_ALONE_CLAIM))
    return visits


def _meetings(reader: FieldReader, cells: dict[str, str]) -> list[MeetingInput]:
    meetings = []
    held = _meeting(reader, cells, "last_meeting", "last_meeting_kind", "held", default_kind=None)
    if held is not None:
        meetings.append(held)
    booked = _meeting(reader, cells, "next_meeting", "next_meeting_kind", "booked",
                      default_kind="review" if held is not None else "initial")
    if booked is not None:
        meetings.append(booked)
    return meetings


def _meeting(reader: FieldReader, cells: dict[str, str], date_column: str, kind_column: str,
             status: str, *, default_kind: str | None) -> MeetingInput | None:
    when = reader.date(date_column, cells.get(date_column))
    kind = reader.word(kind_column, cells.get(kind_column))
    date_given = bool(cells.get(date_column, "").strip())
    kind_given = bool(cells.get(kind_column, "").strip())
    if kind_given and not date_given:
        reader.problem(date_column,
                       f"is required when {kind_column} is given: the date of the meeting")
    if date_given and not kind_given and default_kind is None:
        reader.problem(kind_column, f"is required when {date_column} is given: "
                                    f"one of {', '.join(MEETING_KINDS)}")
    kind = kind or default_kind
    if when is None or kind is None:
        return None
    return MeetingInput(kind=kind, status=status, date=when, fields_given=_MEETING_CLAIM)


def _closure(reader: FieldReader, cells: dict[str, str]) -> ClosureInput | None:
    closed = reader.date("closed", cells.get("closed"), what="the date the case closed")
    reason = reader.text("closure_reason", cells.get("closure_reason"))
    if reason is not None and not cells.get("closed", "").strip():
        reader.problem("closed",
                       "is required when closure_reason is given: the date the case closed")
    if closed is not None and reason is None:
        reader.problem("closure_reason",
                       "is required when closed is given: census code RC1-RC9 or the pack's "
                       "own reason")
    if closed is None or reason is None:
        return None
    return ClosureInput(date=closed, reason=census_code_upper(reason), fields_given=_CLOSURE_CLAIM)


def column_for(case: CaseInput, field: str) -> str:
    """The CSV column a validation error about `field` of a CSV-made case belongs to."""
    head, _, rest = field.partition(".")
    if head.startswith("visits["):
        # Numbered from 1 (models.validation): visit 1 is last_visit, 2 the earlier seen-alone one.
        index = _index(head)
        return "last_seen_alone" if index == 2 or rest == "seen_alone" else "last_visit"
    if head.startswith("meetings["):
        index = _index(head)
        if index is not None and 1 <= index <= len(case.meetings):
            meeting = case.meetings[index - 1]
            prefix = "last_meeting" if meeting.status == "held" else "next_meeting"
            return f"{prefix}_kind" if rest == "kind" else prefix
        return "last_meeting"
    if head == "closure":
        return "closure_reason" if rest == "reason" else "closed"
    return field


def _index(head: str) -> int | None:
    try:
        return int(head[head.index("[") + 1:head.index("]")])
    except ValueError:
        return None


# Writing


def summary_row(case: CaseInput) -> dict[str, str]:
    # A withdrawn visit or meeting counts for nothing, so a summary leaves it out.
    visits = [v for v in case.visits if v.withdrawn_on is None]
    meetings = [m for m in case.meetings if m.withdrawn_on is None]
    seen = [v.date for v in visits if v.seen]
    alone = [v.date for v in visits if v.seen and v.seen_alone]
    held = sorted((m for m in meetings if m.status == "held"), key=lambda m: m.date)
    booked = sorted((m for m in meetings if m.status == "booked"), key=lambda m: m.date)
    row = {
        "ref": case.ref,
        "name": case.name,
        "dob": _iso(case.dob),
        "policy": case.policy,
        "worker": case.worker or "",
        "team": case.team or "",
        "family": case.family or "",
        "disabled": "yes" if case.disabled else "no",
        "visit_every": frequency_words(case.visit_every) if case.visit_every else "",
        "allocated": _iso(case.allocated),
        "assessment_completed": _iso(case.assessment_completed),
        "plan_started": _iso(case.plan_started),
        "complex_plan": "yes" if case.complex_plan else "no",
        "key_worker_led": "yes" if case.key_worker_led else "no",
        "referral_date": _iso(case.referral_date),
        "referral_source": case.referral_source or "",
        "primary_need": case.primary_need or "",
        "assessment_started": _iso(case.assessment_started),
        "assessment_factors": ", ".join(case.assessment_factors),
        "plan_ended": _iso(case.plan_ended),
        "sex": case.sex or "",
        "ethnicity": case.ethnicity or "",
        "upn": case.upn or "",
        "upn_unknown": case.upn_unknown or "",
        "disabilities": ", ".join(case.disabilities),
        "last_visit": _iso(max(seen, default=None)),
        "last_seen_alone": _iso(max(alone, default=None)),
        "last_meeting": _iso(held[-1].date) if held else "",
        "last_meeting_kind": held[-1].kind if held else "",
        "next_meeting": _iso(booked[0].date) if booked else "",
        "next_meeting_kind": booked[0].kind if booked else "",
        "closed": _iso(case.closure.date) if case.closure else "",
        "closure_reason": case.closure.reason if case.closure else "",
    }
    return row


_FREQUENCY_WORDS = {"working_days": ("working day", "working days"), "days": ("day", "days"),
                    "weeks": ("week", "weeks"), "months": ("month", "months")}


def frequency_words(frequency: Frequency) -> str:
    """A visiting frequency as a spreadsheet reader writes it, read back the same: "4 weeks",
    "20 working days", "1 month"."""
    singular, plural = _FREQUENCY_WORDS[frequency.unit]
    return f"{frequency.count} {singular if frequency.count == 1 else plural}"


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def write_csv(cases: list[CaseInput]) -> str:
    """One row per child, cases by ref. Starts with a UTF-8 byte order mark written by the
    caller's encoding ("utf-8-sig") so Excel shows accented names correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for case in sorted(cases, key=lambda c: c.ref):
        writer.writerow({column: neutralise(cell) for column, cell in summary_row(case).items()})
    return buffer.getvalue()


# A cell a spreadsheet would run as a formula: = + - @, tab or CR first, after any apostrophes
# (so a value that itself begins with apostrophes round-trips too).
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows as text: a leading apostrophe before a formula."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unneutralise(cell: str) -> str:
    """The value `neutralise` wrote: one leading apostrophe off a neutralised formula."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell
