"""The Annex A List 6 codec: exact headers, round trip, located problems, formula-safe cells."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from cin_tui.formats import annex_a
from cin_tui.formats.annex_a import (
    HEADERS,
    AnnexAError,
    List6Row,
    looks_like_workbook,
    read_list6,
    write_list6,
)
from cin_tui.formats.annex_a_labels import code_for, label_for

from .conftest import DATA

OPEN = List6Row(
    "C0001", "b) Female", "a) WBRI", date(2014, 2, 28), 12, "b) No", date(2025, 9, 1),
    "N1 - Abuse or neglect", date(2026, 11, 20), None, None, "c) Child in need plan",
    "North CIN", "Sam Worker")
CLOSED = List6Row(
    "C0002", "a) Male", "f) MWBC", date(2010, 12, 31), None, "a) Yes", date(2025, 4, 1),
    "N4 - Family in acute stress", None, date(2026, 3, 31),
    "RC8 - Case closed after assessment, no further action", "e) Closed episode", None, None)


def workbook(rows: list[list[object]], *, title: str = "List 6") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(AnnexAError) as raised:
        read_list6(data)
    return [problem.render("list6.xlsx") for problem in raised.value.problems]


def test_the_workbook_opens_in_openpyxl_with_exactly_the_list6_headers() -> None:
    book = load_workbook(io.BytesIO(write_list6([OPEN, CLOSED])))
    assert book.sheetnames == ["List 6"]
    sheet = book["List 6"]
    assert [cell.value for cell in sheet[1]] == [
        "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
        "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
        "Allocated Team", "Allocated Worker"]
    # Dates are Excel dates, shown day first.
    start = sheet["G2"]
    assert start.value == datetime(2025, 9, 1) and start.number_format == "DD/MM/YYYY"


def test_what_is_written_reads_back_the_same() -> None:
    read = read_list6(write_list6([OPEN, CLOSED]))
    assert read.rows == (OPEN, CLOSED)
    assert (read.sheet, read.ignored_columns) == ("List 6", ())


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    hostile = List6Row("=1+1", team="=HYPERLINK(\"http://x\",\"click\")", worker="@SUM(A1:A9)",
                       primary_need="+N1", closure_reason="-RC8")
    data = write_list6([hostile])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    cells = load_workbook(io.BytesIO(data))["List 6"][2]
    assert {cell.data_type for cell in cells if cell.value is not None} == {"s"}
    assert read_list6(data).rows == (hostile,)


def test_a_formula_in_an_imported_workbook_is_refused_not_run() -> None:
    data = workbook([list(HEADERS), ["C1", None, None, None, None, None, None, None,
                                     "=TODAY()"]])
    assert problems_of(data) == [
        "list6.xlsx:row 2:Date Child Was Last Seen: is a formula ('=TODAY()'); type the value "
        "instead"]


def test_an_authoritys_workbook_reads_with_its_own_conventions() -> None:
    read = read_list6((DATA / "Annex_A_liia_sample.xlsx").read_bytes())
    assert read.sheet == "List 6"
    first = read.rows[0]
    # Row 2 of liia-tools' sample: ID 12598894 typed as a number, "Age" 21.47..., dates as
    # Excel dates.
    assert first.child_id == "12598894"
    assert first.age_years == 21
    assert (first.birth_date, first.cin_start, first.last_seen) == (
        date(1999, 9, 23), date(2010, 6, 9), date(2021, 1, 21))
    assert (first.gender, first.ethnicity, first.case_status) == (
        "a) Male", "i) MOTH", "c) Child in need plan")


def test_headers_are_found_below_a_title_in_any_order_and_dates_may_be_day_first_text() -> None:
    data = workbook([
        ["Annex A - List 6: children in need"],
        [],
        ["CIN Start Date", "Allocated Worker", "child unique id", "Notes"],
        ["03/04/2026", "Sam", 1234, "seen weekly"],
        [None, None, None, None],
        ["2026-04-05", None, "X9"],
    ], title="List_6")
    read = read_list6(data)
    assert read.rows == (List6Row("1234", cin_start=date(2026, 4, 3), worker="Sam"),
                         List6Row("X9", cin_start=date(2026, 4, 5)))
    assert read.ignored_columns == ("Notes",)


def test_every_problem_is_reported_by_row_and_column() -> None:
    data = workbook([
        list(HEADERS),
        ["C1", None, None, "31/02/2015"],
        [None, "a) Male"],
        ["C3", None, None, None, "ten"],
    ])
    assert problems_of(data) == [
        'list6.xlsx:row 2:Date of Birth: "31/02/2015" is not a real date: February 2015 has '
        "28 days. Use DD/MM/YYYY or YYYY-MM-DD.",
        "list6.xlsx:row 3:Child Unique ID: is empty; every row needs the child's ID",
        "list6.xlsx:row 4:Age of Child (Years): 'ten' is not an age in years",
    ]


def test_a_csv_is_not_taken_for_a_workbook() -> None:
    assert looks_like_workbook(write_list6([OPEN]))
    assert not looks_like_workbook(b"Child Unique ID,Gender\nC1,a) Male\n")
    assert problems_of(b"Child Unique ID,Gender\nC1,a) Male\n") == [
        "list6.xlsx:file: is not an Excel workbook (.xlsx); save it from Excel as .xlsx"]


def test_a_workbook_of_other_lists_names_its_sheets() -> None:
    book = Workbook()
    assert book.active is not None
    book.active.title = "List 1"
    book.create_sheet("List 2")
    out = io.BytesIO()
    book.save(out)
    assert problems_of(out.getvalue()) == [
        "list6.xlsx:file: has no sheet named List 6; its sheets: 'List 1', 'List 2'"]


def test_a_zip_that_would_unpack_too_far_is_refused_before_opening(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annex_a, "MAX_UNPACKED_BYTES", 10_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000)  # packs to a few bytes
    assert problems_of(out.getvalue()) == [
        "list6.xlsx:file: would unpack to 20,000 bytes; at most 10,000 are accepted"]


def test_a_sheet_without_the_id_header_is_refused() -> None:
    assert problems_of(workbook([["Name", "Gender"], ["A", "a) Male"]])) == [
        "list6.xlsx:sheet 'List 6': has no header row with 'Child Unique ID' in its first "
        "20 rows"]


def test_a_value_a_workbook_cannot_carry_is_refused_on_writing() -> None:
    with pytest.raises(AnnexAError) as raised:
        write_list6([OPEN, List6Row("C2", worker="Sam\x1b[31m")])
    assert [problem.render("out.xlsx") for problem in raised.value.problems] == [
        "out.xlsx:row 3:Allocated Worker: 'Sam\\x1b[31m' holds a control character, which a "
        "workbook cannot carry"]


def test_labels_and_codes_go_both_ways() -> None:
    assert label_for("Gender", "F") == "b) Female"
    assert label_for("Ethnicity", "NOBT") == "t) NOBT"
    assert label_for("Reason for Closure", "RC9") == (
        "RC9 - Case closed after assessment, referred to early help")
    assert code_for("Primary Need Code", "N1 - Abuse or Neglect") == "N1"  # liia's sample
    assert code_for("Primary Need Code", "n4") == "N4"
    assert code_for("Ethnicity", "a) WBRI") == code_for("Ethnicity", "WBRI") == "WBRI"
    assert code_for("Gender", "female") == "F"
    assert code_for("Does the Child have a Disability", "a) Yes") == "Y"
    assert code_for("Primary Need Code", "PSRMEM - Support with memory and cognition") is None


# Any text a cell can hold, including text that starts like a formula.
cell_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff",
                  min_codepoint=0x20),
    min_size=1, max_size=40).map(lambda text: " ".join(text.split())).filter(bool)


@given(worker=cell_text, team=cell_text, start=st.sampled_from(["=", "+", "-", "@", ""]))
def test_any_cell_text_survives_the_round_trip_as_text(worker: str, team: str,
                                                       start: str) -> None:
    row = List6Row("C1", worker=start + worker, team=team)
    assert read_list6(write_list6([row])).rows == (row,)


@given(st.binary(max_size=400))
def test_any_bytes_read_or_are_refused_without_a_traceback(data: bytes) -> None:
    try:
        read_list6(data)
    except AnnexAError as refused:
        assert refused.problems
