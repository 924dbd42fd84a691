"""Ofsted's Annex A, List 6 (children in need): rows written to an .xlsx workbook and read back.

Pure: workbook bytes <-> List6Row, no database. Coded columns hold Annex A's labels ("a) Male",
"N1 - Abuse or neglect"; annex_a_labels.py turns codes into labels and back), kept as written on
reading so the importer can say which row and column it refuses.

Writing: one sheet "List 6" (the name in liia-tools' sample Annex A), the headers in row 1
exactly as HEADERS, dates as Excel dates shown DD/MM/YYYY, every text cell a string cell: a
value beginning = + - @ is never a formula. Reading: the sheet named List 6 (or the only
sheet), the header row found within the first rows, columns in any order, dates as Excel dates
or day-first text; a formula cell is refused, not evaluated. Every problem is located by row
and column. A size limit on the file and on what its zip would unpack to guards against bombs.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from cin_tui.formats.census_xml_read import shown
from cin_tui.formats.fields import Problem
from policies.dates import DateParseError, parse_date

SHEET = "List 6"
HEADERS = (
    "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
    "Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
    "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
    "Allocated Team", "Allocated Worker",
)
# Other names authorities' workbooks use for a column (liia-tools' sample heads it "Age").
HEADER_SYNONYMS = {"age": "Age of Child (Years)"}
DATE_COLUMNS = frozenset({"Date of Birth", "CIN Start Date", "Date Child Was Last Seen",
                          "CIN Closure Date"})
REQUIRED = ("Child Unique ID",)
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL_CHARS = 500
HEADER_SEARCH_ROWS = 20
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True, slots=True)
class List6Row:
    """One child on List 6; fields in HEADERS' order."""

    child_id: str
    gender: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    age_years: int | None = None
    disability: str | None = None
    cin_start: date | None = None
    primary_need: str | None = None
    last_seen: date | None = None
    closure_date: date | None = None
    closure_reason: str | None = None
    case_status: str | None = None
    team: str | None = None
    worker: str | None = None


COLUMN_FIELDS = dict(zip(HEADERS, (field.name for field in fields(List6Row)), strict=True))


class AnnexAError(Exception):
    """The workbook cannot be written or read; `problems` lists every reason, located."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(problem.render("") for problem in problems))
        self.problems = tuple(problems)


def _bad_text(text: str) -> str | None:
    if any(ord(character) < 0x20 and character not in "\t\n\r" for character in text):
        return f"{shown(text)} holds a control character, which a workbook cannot carry"
    if len(text) > MAX_CELL_CHARS:
        return f"is {len(text):,} characters long; at most {MAX_CELL_CHARS} are accepted"
    return None


def write_list6(rows: Iterable[List6Row]) -> bytes:
    """The .xlsx bytes of a workbook holding List 6; AnnexAError for a value it cannot hold."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    problems: list[Problem] = []
    for number, row in enumerate(rows, start=2):
        for column, header in enumerate(HEADERS, start=1):
            value = getattr(row, COLUMN_FIELDS[header])
            if value is None:
                continue
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, int):
                cell.value = value
            else:
                bad = _bad_text(value)
                if bad:
                    problems.append(Problem(f"row {number}", header, bad))
                    continue
                cell.value = value
                # A string cell, whatever it begins with: openpyxl would make "=..." a formula.
                cell.data_type = "s"
                if value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    if problems:
        raise AnnexAError(problems)
    for column, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(header) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class List6Read:
    rows: tuple[List6Row, ...]
    sheet: str                       # the sheet read
    ignored_columns: tuple[str, ...]  # headed columns that are not List 6's


def looks_like_workbook(data: bytes) -> bool:
    """Whether a file's content is an .xlsx (a zip holding a workbook), whatever its name."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _normal(text: object) -> str:
    return " ".join(str(text).split()).lower() if text is not None else ""


def _check_zip(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise AnnexAError([Problem("file", "", f"is {len(data):,} bytes; an Annex A workbook "
                                   f"may be at most {MAX_FILE_BYTES:,}")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise AnnexAError([Problem("file", "", "is not an Excel workbook (.xlsx); save it "
                                   "from Excel as .xlsx")]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise AnnexAError([Problem("file", "", f"would unpack to {unpacked:,} bytes; at most "
                                   f"{MAX_UNPACKED_BYTES:,} are accepted")])


def read_list6(data: bytes) -> List6Read:
    """List 6's rows; AnnexAError with every problem when the workbook cannot be read."""
    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as problem:  # openpyxl raises many kinds on a damaged workbook
        raise AnnexAError([Problem("file", "", "is not a readable Excel workbook "
                                   f"({type(problem).__name__})")]) from None
    try:
        return _read_book(book)
    finally:
        book.close()


def _read_book(book: Workbook) -> List6Read:
    wanted = [name for name in book.sheetnames
              if _normal(name).replace("_", " ").replace("list6", "list 6") == "list 6"]
    if not wanted and len(book.sheetnames) == 1:
        wanted = book.sheetnames
    if not wanted:
        raise AnnexAError([Problem("file", "", "has no sheet named List 6; its sheets: "
                                   + ", ".join(shown(name) for name in book.sheetnames))])
    sheet = book[wanted[0]]
    rows = sheet.iter_rows()
    columns: dict[int, str] = {}
    ignored: list[str] = []
    header_row = 0
    for number, cells in enumerate(rows, start=1):
        names = [_normal(cell.value) for cell in cells]
        if _normal(HEADERS[0]) in names:
            header_row = number
            known = {_normal(header): header for header in HEADERS} | HEADER_SYNONYMS
            for place, name in enumerate(names):
                if name in known:
                    columns[place] = known[name]
                elif name:
                    ignored.append(str(cells[place].value))
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    record = f"sheet {shown(sheet.title)}"
    if not header_row:
        raise AnnexAError([Problem(record, "", f"has no header row with "
                                   f"{HEADERS[0]!r} in its first {HEADER_SEARCH_ROWS} rows")])
    missing = [header for header in REQUIRED if header not in columns.values()]
    if missing:
        raise AnnexAError([Problem(f"row {header_row}", "", "lacks the column "
                                   + ", ".join(repr(header) for header in missing))])
    problems: list[Problem] = []
    read: list[List6Row] = []
    for number, cells in enumerate(rows, start=header_row + 1):
        if number - header_row > MAX_ROWS:
            problems.append(Problem(f"row {number}", "", f"is past the limit of {MAX_ROWS:,} "
                                    "rows"))
            break
        values: dict[str, object] = {}
        for place, header in columns.items():
            cell = cells[place] if place < len(cells) else None
            value = _cell(cell, header, f"row {number}", problems)
            if value is not None:
                values[COLUMN_FIELDS[header]] = value
        if not values:
            continue  # an empty row
        if "child_id" not in values:
            problems.append(Problem(f"row {number}", HEADERS[0], "is empty; every row needs "
                                    "the child's ID"))
            continue
        read.append(List6Row(**values))  # type: ignore[arg-type]
    if problems:
        raise AnnexAError(problems)
    return List6Read(tuple(read), sheet.title, tuple(ignored))


def _cell(cell: object, header: str, record: str, problems: list[Problem]) -> object:
    """A cell's value as List6Row holds it, or None (empty, or a problem recorded)."""
    value = getattr(cell, "value", None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if getattr(cell, "data_type", None) == "f":
        problems.append(Problem(record, header, f"is a formula ({shown(str(value))}); "
                                "type the value instead"))
        return None
    if header in DATE_COLUMNS:
        return _date(value, header, record, problems)
    if header == "Age of Child (Years)":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 200:
            return int(value)
        problems.append(Problem(record, header, f"{shown(str(value))} is not an age in years"))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an ID typed as a number: 12598894.0 is "12598894"
    text = " ".join(str(value).split()) if header != HEADERS[0] else str(value).strip()
    bad = _bad_text(text)
    if bad:
        problems.append(Problem(record, header, bad))
        return None
    return text


def _date(value: object, header: str, record: str, problems: list[Problem]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # a date cell without a date format: Excel's day number
            found = from_excel(value)
        except (ValueError, OverflowError):
            found = None
        if isinstance(found, datetime) and 1900 <= found.year <= 2200:
            return found.date()
        problems.append(Problem(record, header, f"{value!r} is not a date"))
        return None
    try:
        return parse_date(str(value))
    except DateParseError as problem:
        problems.append(Problem(record, header, str(problem)))
        return None
