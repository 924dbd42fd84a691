"""Withdrawn visits and meetings in the JSON format (issue 12, item 2): an export carries
`withdrawn_on` and `withdrawn_reason`, re-importing it changes nothing, importing it into a
fresh database keeps them withdrawn, and an import never takes a withdrawal back."""

from __future__ import annotations

import json

from .cli_helpers import case, file_hash, write_json


def withdrawn_case(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [case(
        "C-1", visits=[
            {"date": "2026-10-01", "seen": True, "seen_alone": True},
            {"date": "2026-11-20", "seen": True, "seen_alone": True},
        ],
        meetings=[{"kind": "review", "status": "booked", "date": "2026-12-03"}],
    )])
    assert cin("import", str(path)).code == 0
    assert cin("withdraw", "C-1", "--visit", "20/11/2026", "--reason", "Wrong child").code == 0
    assert cin("withdraw", "C-1", "--meeting", "3/12/2026", "--reason", "Not booked").code == 0
    return path


def test_an_export_carries_withdrawn_records_and_round_trips(cin, db, tmp_path):
    original = withdrawn_case(cin, tmp_path)
    exported = tmp_path / "export.json"
    assert cin("export", str(exported)).code == 0
    [record] = json.loads(exported.read_text(encoding="utf-8"))["cases"]
    wrong = next(v for v in record["visits"] if v["date"] == "2026-11-20")
    assert (wrong["withdrawn_on"], wrong["withdrawn_reason"]) == ("2026-11-23", "Wrong child")
    assert record["visits"][0]["withdrawn_on"] is None
    [meeting] = record["meetings"]
    assert (meeting["withdrawn_on"], meeting["withdrawn_reason"]) == ("2026-11-23",
                                                                      "Not booked")

    before = file_hash(db)
    again = cin("import", str(exported))
    assert "Nothing changed" in again.out
    assert file_hash(db) == before

    # The file the case first came from (no withdrawal in it) takes nothing back either.
    older = cin("import", str(original))
    assert older.code == 0
    assert "Nothing changed" in older.out
    assert cin("history", "C-1").out.count("WITHDRAWN on 23 Nov 2026") == 2

    fresh = tmp_path / "fresh.db"
    assert cin("import", str(exported), database=fresh).code == 0
    # Withdrawn there too: the visit of Thu 1 Oct counts, +20 working days is Thu 29 Oct,
    # and 30 Oct-23 Nov is 17 working days (test_explain_and_policies.py).
    assert "Due:    29 Oct 2026 (17 WD late, overdue)" in cin("explain", "C-1",
                                                             database=fresh).out
    assert "WITHDRAWN on 23 Nov 2026: Wrong child" in cin("history", "C-1",
                                                          database=fresh).out
    second = tmp_path / "second.json"
    assert cin("export", str(second), database=fresh).code == 0
    assert second.read_bytes() == exported.read_bytes()


def test_an_export_made_before_the_withdrawal_does_not_take_it_back(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [case(
        "C-1", visits=[{"date": "2026-10-01", "seen": True, "seen_alone": True}])])
    assert cin("import", str(path)).code == 0
    earlier = tmp_path / "earlier.json"
    assert cin("export", str(earlier)).code == 0  # says "withdrawn_on": null
    assert cin("withdraw", "C-1", "--visit", "1/10/2026", "--reason", "Never happened").code == 0
    result = cin("import", str(earlier))
    assert result.code == 0
    assert ("C-1: the file gives the visit of 2026-10-01 as not withdrawn, but it was "
            "withdrawn on 23 Nov 2026; an import never takes back a withdrawal, so it stays "
            "withdrawn.") in result.out
    assert "WITHDRAWN on 23 Nov 2026" in cin("history", "C-1").out


def test_a_withdrawn_record_in_a_file_needs_its_reason(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [case("C-1", visits=[
        {"date": "2026-10-01", "seen": True, "withdrawn_on": "2026-10-02"},
        {"date": "2026-10-05", "seen": True, "withdrawn_reason": "why"},
        {"date": "2026-10-06", "seen": True, "withdrawn_on": "2026-12-01",
         "withdrawn_reason": "later"},
    ])])
    result = cin("import", str(path))
    assert result.code == 1
    assert "visits[1].withdrawn_reason: say why it was withdrawn (required with withdrawn_on)" \
        in result.err
    assert ("visits[2].withdrawn_on: give the day it was withdrawn (required with "
            "withdrawn_reason), or leave both out") in result.err
    assert ("visits[3].withdrawn_on: 1 Dec 2026 is after today (23 Nov 2026); use the day it "
            "was withdrawn") in result.err
