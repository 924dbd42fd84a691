"""`cin export list6.xlsx` and `cin import list6.xlsx`: Ofsted's Annex A List 6 from the cases
(last seen from the visits, age at today) and back."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from .test_census_export import census_case, import_cases

HEADERS = [
    "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
    "Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
    "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
    "Allocated Team", "Allocated Worker",
]


def caseload() -> list[dict]:
    return [
        census_case("OPEN1", dob="2019-04-21", team="North", worker="Sam Jones",
                    disabilities=["HEAR"], assessment_started="2025-05-02",
                    assessment_completed="2025-06-02", assessment_factors=["2A"],
                    plan_started="2025-06-03",
                    visits=[{"date": "2026-03-02", "seen": True},
                            {"date": "2026-04-01", "seen": False},
                            {"date": "2026-02-02", "seen": True}]),
        # Closed 1 December 2025: within the six months to 20 April 2026.
        census_case("SHUT", team="South", worker="Ann Lee",
                    closure={"date": "2025-12-01", "reason": "RC8"},
                    visits=[{"date": "2025-11-20", "seen": True}]),
        # Closed 19 October 2025: a day before the six months began (20 October 2025).
        census_case("GONE", closure={"date": "2025-10-19", "reason": "RC7"}),
        census_case("NEW1", dob="2020-04-20", allocated="2026-04-01",
                    referral_date="2026-04-01"),
    ]


def rows_of(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data))["List 6"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_has_annex_as_headers_and_the_cases_of_the_last_six_months(
        cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, caseload())
    out = tmp_path / "list6.xlsx"
    result = cin("export", str(out))
    assert result.code == 0, result.err
    assert "Exported 3 children" in result.out
    rows = rows_of(out.read_bytes())
    assert rows[0] == HEADERS
    by_ref = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert set(by_ref) == {"OPEN1", "SHUT", "NEW1"}
    open_row = by_ref["OPEN1"]
    # Seen on 2 Feb and 2 Mar; the 1 April visit did not see the child.
    assert open_row["Date Child Was Last Seen"] == datetime(2026, 3, 2)
    # Born 21 April 2019: 6 on 20 April 2026, the day before the 7th birthday.
    assert open_row["Age of Child (Years)"] == 6
    assert open_row["Gender"] == "b) Female"
    assert open_row["Ethnicity"] == "a) WBRI"
    assert open_row["Does the Child have a Disability"] == "a) Yes"
    assert open_row["CIN Start Date"] == datetime(2025, 5, 1)
    assert open_row["Primary Need Code"] == "N1 - Abuse or neglect"
    assert open_row["Case Status"] == "c) Child in need plan"
    assert (open_row["Allocated Team"], open_row["Allocated Worker"]) == ("North", "Sam Jones")
    shut = by_ref["SHUT"]
    assert shut["CIN Closure Date"] == datetime(2025, 12, 1)
    assert shut["Reason for Closure"] == ("RC8 - Case closed after assessment, no further "
                                          "action")
    assert shut["Case Status"] == "e) Closed episode"
    # Born 20 April 2020: 6 today, its birthday; no plan yet, so an open assessment.
    assert by_ref["NEW1"]["Age of Child (Years)"] == 6
    assert by_ref["NEW1"]["Case Status"] == "d) Open assessment"
    assert by_ref["NEW1"]["Date Child Was Last Seen"] is None


def test_the_export_re_imports(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, caseload())
    out = tmp_path / "list6.xlsx"
    assert cin("export", str(out)).code == 0
    other = tmp_path / "other.db"
    names = tmp_path / "names.csv"
    names.write_text("OPEN1,Kai Brown\n", encoding="utf-8")
    result = cin("import", str(out), "--policy", "trafford", "--names", str(names), db=other)
    assert result.code == 0, result.err
    assert "Added: NEW1, OPEN1, SHUT" in result.out
    back = tmp_path / "back.json"
    assert cin("export", str(back), db=other).code == 0
    cases = {case["ref"]: case for case in json.loads(back.read_text())["cases"]}
    kai = cases["OPEN1"]
    assert (kai["name"], kai["policy"], kai["team"], kai["worker"]) == (
        "Kai Brown", "trafford", "North", "Sam Jones")
    assert (kai["dob"], kai["sex"], kai["ethnicity"], kai["primary_need"]) == (
        "2019-04-21", "F", "WBRI", "N1")
    assert kai["referral_date"] == kai["allocated"] == "2025-05-01"
    assert kai["disabled"] is True
    assert [(v["date"], v["seen"]) for v in kai["visits"]] == [("2026-03-02", True)]
    assert cases["SHUT"]["name"] == "Child SHUT"
    assert cases["SHUT"]["closure"]["date"] == "2025-12-01"
    assert cases["SHUT"]["closure"]["reason"] == "RC8"
    # Importing it again changes nothing.
    again = cin("import", str(out), "--policy", "trafford", db=other)
    assert "Nothing changed" in again.out


def test_a_new_child_needs_a_pack_and_a_bad_label_is_located(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, caseload())
    out = tmp_path / "list6.xlsx"
    assert cin("export", str(out)).code == 0
    book = load_workbook(out)
    book["List 6"]["B2"] = "z) Other"
    book.save(out)
    result = cin("import", str(out), db=tmp_path / "other.db")
    assert result.code == 1
    assert "row 2 (Child Unique ID NEW1):Gender: 'z) Other' is not one of Annex A's" \
        in result.err
    assert "row 3 (Child Unique ID OPEN1):--policy (the pack of a child not stored yet)" \
        in result.err
