"""`cin history`, `cin correct-visit`, `cin correct-meeting`, `cin correct-note`,
`cin withdraw` and `cin reopen` (issue 12, items 2 and 9): the same commands as the case
screen's forms, with records named by the id `cin history` shows or by their date."""

from __future__ import annotations

import re
from datetime import date

from cin_tui.cli import main

from .cli_helpers import case, write_json


def imported(cin, tmp_path, **fields) -> None:
    record = case("C-1", name="Amy Late", dob="2016-05-14", worker="Sam Patel", **fields)
    assert cin("import", str(write_json(tmp_path / "cases.json", [record]))).code == 0


def two_visits(cin, tmp_path) -> None:
    imported(cin, tmp_path, visits=[
        {"date": "2026-10-01", "seen": True, "seen_alone": True, "childs_voice": "Fine"},
        {"date": "2026-11-20", "seen": True, "seen_alone": True, "childs_voice": "Not me"},
    ])


def history_ids(out: str) -> dict[str, str]:
    """date text -> the id shown beside it."""
    return {m[1]: m[2] for m in re.finditer(r"^(\d+ \w+ \d{4}) +\S.*?  ([0-9a-f]{8})  ", out,
                                            re.MULTILINE)}


def test_history_shows_each_record_with_its_id(cin, tmp_path):
    two_visits(cin, tmp_path)
    result = cin("history", "c-1")  # any case, as explain
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith("History of C-1 (Amy Late), newest first.")
    assert re.match(r"20 Nov 2026  Visit  [0-9a-f]{8}  place not recorded · seen alone · "
                    r"voice: “Not me”$", lines[1])
    assert re.match(r"1 Oct 2026   Visit  [0-9a-f]{8}  place not recorded", lines[2])
    assert "Amy" not in cin("history", "C-1", "--privacy").out.splitlines()[0]


def test_withdrawing_a_wrong_visit_brings_back_the_deadline(cin, tmp_path):
    two_visits(cin, tmp_path)
    # Seen Fri 20 Nov: 23-27 Nov (5), 30 Nov-4 Dec (10), 7-11 Dec (15), 14-18 Dec (20).
    assert "Due:    18 Dec 2026" in cin("explain", "C-1").out
    result = cin("withdraw", "C-1", "--visit", "20/11/2026", "--reason", "Logged on the wrong "
                 "child")
    assert result.code == 0, result.err
    assert result.out.startswith("Visit of 20 Nov 2026 withdrawn on 23 Nov 2026 by ")
    assert result.out.rstrip().endswith(": Logged on the wrong child.\nIt is kept in the "
                                        "history but no longer counts for anything (`cin "
                                        "explain C-1` shows the deadlines without it).")
    # Back to the visit of Thu 1 Oct: +20 working days is Thu 29 Oct (test_explain), and
    # 30 Oct-23 Nov is 17 working days: 30 (1), 2-6 Nov (6), 9-13 (11), 16-20 (16), 23 (17).
    assert "Due:    29 Oct 2026 (17 WD late, overdue)" in cin("explain", "C-1").out
    history = cin("history", "C-1").out
    assert re.search(r"20 Nov 2026  Visit  [0-9a-f]{8}  .*\n +WITHDRAWN on 23 Nov 2026 by "
                     r".*: Logged on the wrong child\n", history)
    audit = cin("audit", "C-1").out
    assert "Visit of 20 Nov 2026 withdrawn (reason: Logged on the wrong child)" in audit
    again = cin("withdraw", "C-1", "--visit", history_ids(history)["20 Nov 2026"],
                "--reason", "again")
    assert again.code == 1
    assert again.err == ("cin: visit: this visit was withdrawn on 23 Nov 2026; a withdrawn "
                         "record cannot be corrected or withdrawn again\n")


def test_correcting_a_visit_date_by_its_id(cin, tmp_path):
    two_visits(cin, tmp_path)
    visit_id = history_ids(cin("history", "C-1").out)["20 Nov 2026"]
    result = cin("correct-visit", "C-1", "--visit", visit_id, "--date", "16/11/2026",
                 "--reason", "Typed the wrong day")
    assert result.code == 0, result.err
    assert re.match(r"Visit of 16 Nov 2026 corrected on 23 Nov 2026 by .*: date was 20 Nov "
                    r"2026; Typed the wrong day\.\n", result.out)
    # Seen Mon 16 Nov: 17-20 Nov (4), 23-27 (9), 30 Nov-4 Dec (14), 7-11 Dec (19), 14 Dec (20).
    assert "Due:    14 Dec 2026" in cin("explain", "C-1").out
    history = cin("history", "C-1").out
    assert history_ids(history)["16 Nov 2026"] == visit_id  # the same visit, corrected
    assert "Correction" in history and "date was 20 Nov 2026; Typed the wrong day" in history


def test_a_correction_checked_as_a_new_visit_reports_every_problem(cin, tmp_path):
    two_visits(cin, tmp_path)
    result = cin("correct-visit", "C-1", "--visit", "2026-11-20", "--date", "2026-11-30",
                 "--seen-alone", "no", "--reason", "x")
    assert result.code == 1
    assert result.err.splitlines() == [
        "cin: date: 30 Nov 2026 is after today (23 Nov 2026); record a visit once it has "
        "happened",
        "cin: not_alone_reason: the child was 10 on 30 Nov 2026 and was not seen alone: record "
        "the reason (required for a child aged 3 or over)",
    ]


def test_naming_a_record_that_is_not_there_or_not_one(cin, tmp_path):
    imported(cin, tmp_path, visits=[
        {"date": "2026-10-01", "seen": True, "seen_alone": True, "location": "home"},
        {"date": "2026-10-01", "seen": False, "location": "school"},
    ])
    unknown = cin("withdraw", "C-1", "--visit", "abcd1234", "--reason", "x")
    assert (unknown.code, unknown.err) == (1, "cin: case C-1 has no visit with an id starting "
                                              "'abcd1234'. `cin history C-1` lists its records "
                                              "with their ids.\n")
    none_then = cin("withdraw", "C-1", "--visit", "2/10/2026", "--reason", "x")
    assert none_then.err == ("cin: case C-1 has no visit on 2 Oct 2026. `cin history C-1` "
                             "lists its records with their ids.\n")
    two = cin("withdraw", "C-1", "--visit", "1/10/2026", "--reason", "x")
    assert two.code == 1
    assert two.err.startswith("cin: 2 visits of case C-1 match '1/10/2026': ")
    assert two.err.rstrip().endswith("Give the id instead.")
    nothing = cin("correct-visit", "C-1", "--visit", "1/10/2026", "--reason", "x")
    assert nothing.err.startswith("cin: say what to change: give one or more of --date")
    assert cin("reopen", "C-1", "--reason", "x").err == (
        "cin: ref: case C-1 is open; only a closed case can be reopened\n")
    assert cin("withdraw", "C-1", "--visit", "1/10/2026").code == 2  # --reason is required


def test_reopening_a_closed_case(cin, tmp_path):
    imported(cin, tmp_path,
             visits=[{"date": "2026-10-01", "seen": True, "seen_alone": True}],
             closure={"date": "2026-11-20", "reason": "RC7"})
    result = cin("reopen", "c-1", "--reason", "Closed by mistake")
    assert result.code == 0, result.err
    assert re.match(r"Closed 20 Nov 2026 \(RC7\); reopened on 23 Nov 2026 by .*: Closed by "
                    r"mistake\.\nCase C-1 is open again", result.out)
    # Open again, its visit deadline as before (29 Oct 2026, 17 working days late).
    assert "Due:    29 Oct 2026 (17 WD late, overdue)" in cin("explain", "C-1").out
    assert "C-1" in cin("due").out
    history = cin("history", "C-1").out
    assert "Reopened" in history and "Closed 20 Nov 2026 (RC7); reopened on 23 Nov" in history


def test_correcting_a_meeting_and_a_note(cin, tmp_path, db):
    imported(cin, tmp_path, meetings=[
        {"kind": "review", "status": "held", "date": "2026-11-02", "chair": "Ann Lee"}])
    result = cin("correct-meeting", "C-1", "--meeting", "2/11/2026", "--date", "3/11/2026",
                 "--family-attended", "yes", "--reason", "Minutes say the 3rd")
    assert result.code == 0, result.err
    assert re.match(r"Review meeting of 3 Nov 2026 corrected on 23 Nov 2026 by .*: date was "
                    r"2 Nov 2026; family attended was not recorded; Minutes say the 3rd\.",
                    result.out)

    from models.service import CaseloadService

    with CaseloadService(database=db, settings_dir=None, today=date(2026, 11, 23),
                         actor="Pat Manager") as service:
        service.add_oversight_note(ref="C-1", decision="Continue", rationale="Progress")
    note = cin("correct-note", "C-1", "--note", "23/11/2026", "--decision", "Step up",
               "--reason", "Typed in the wrong box")
    assert note.code == 0, note.err
    assert "decision was “Continue”; Typed in the wrong box" in note.out
    withdrawn = cin("withdraw", "C-1", "--note", "23/11/2026", "--reason", "Wrong case")
    assert withdrawn.code == 0, withdrawn.err
    assert "Oversight note of 23 Nov 2026 withdrawn on 23 Nov 2026" in withdrawn.out


def test_the_commands_are_in_cin_help(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("history", "correct-visit", "correct-meeting", "correct-note", "withdraw",
                    "reopen"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.MULTILINE), command


def test_recorded_text_never_reaches_the_terminal_as_a_control_sequence(cin, tmp_path, db):
    import sqlite3

    imported(cin, tmp_path, visits=[
        {"date": "2026-10-01", "seen": True, "seen_alone": True, "childs_voice": "fine"}])
    result = cin("withdraw", "C-1", "--visit", "1/10/2026", "--reason", "wrong [b]child[/b]")
    assert result.code == 0, result.err
    # Text written by another program, which cin's own checks would have refused.
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE visits SET childs_voice = 'fine\u202eenif\x1b[2J'")
    history = cin("history", "C-1").out
    assert "\u202e" not in history and "\x1b" not in history
    assert "WITHDRAWN on 23 Nov 2026 by " in history and ": wrong [b]child[/b]" in history
