"""`cin meetings`, `book`, `held`, `cancel`, `circulated` and `close`: the meeting and closure
forms as commands (issue 12, items 4, 6, 8 and 9)."""

from __future__ import annotations

import json
from pathlib import Path

from .cli_helpers import case, file_hash, write_json

# Wirral, allocated Mon 2 Feb 2026; "today" is Mon 3 Aug 2026 unless a test says otherwise.
TODAY = "2026-08-03"


def initial(status: str, **fields) -> dict:
    return {"kind": "initial", "status": status, "date": "2026-03-12", **fields}


def imported(cin, tmp_path: Path, *meetings: dict, **fields) -> None:
    source = write_json(tmp_path / "cases.json",
                        [case(allocated="2026-02-02", meetings=list(meetings), **fields)])
    assert cin("import", str(source), today=TODAY).code == 0


def test_holding_the_initial_meeting_starts_the_plan_and_its_24_week_review(cin, tmp_path):
    imported(cin, tmp_path, initial("booked"))
    held = cin("held", "c-0001", "--meeting", "12/03/2026", "--chair", "Ann Lee",
               "--chair-role", "team manager", "--family-attended", "yes", today=TODAY)
    assert held.code == 0, held.err
    assert held.out.splitlines() == [
        "C-0001: initial meeting recorded as held on 12 Mar 2026.",
        "Plan start recorded as 12 Mar 2026.",
    ]
    assert held.err == ""  # "team manager" is one of Wirral's chair roles
    # Thu 12 Mar 2026 + 24 weeks (168 days): to 31 Mar 19, 30 Apr 49, 31 May 80, 30 Jun 110,
    # 31 Jul 141, then 27 more -> Thu 27 Aug 2026.
    explained = cin("explain", "C-0001", today=TODAY).out
    gm_review = explained[explained.index("Plan over 24 weeks"):]
    assert "Due:    27 Aug 2026" in gm_review
    assert "24 weeks after the plan starting on 12 Mar 2026\n" in gm_review
    audit = cin("audit", "C-0001", today=TODAY).out
    assert "Plan start recorded as 12 Mar 2026 (the initial CIN meeting's date)" in audit


def test_an_import_with_the_initial_meeting_held_counts_the_plan_from_it(cin, tmp_path):
    imported(cin, tmp_path, initial("held", chair="Ann Lee", chair_role="TM"))
    explained = cin("explain", "C-0001", today=TODAY).out
    gm_review = explained[explained.index("Plan over 24 weeks"):]
    # The same hand count as above: 27 Aug 2026, said to come from the meeting.
    assert "Due:    27 Aug 2026" in gm_review
    assert ("24 weeks after the plan starting on 12 Mar 2026 (the initial CIN\n"
            "           meeting's date; no plan start was recorded)") in gm_review
    # A re-import of the export changes nothing, and the role comes back as written.
    first = tmp_path / "first.json"
    assert cin("export", str(first), today=TODAY).code == 0
    [record] = json.loads(first.read_text(encoding="utf-8"))["cases"]
    assert record["plan_started"] is None
    assert record["meetings"][0]["chair_role"] == "TM"
    again = cin("import", str(first), today=TODAY)
    assert "Nothing changed" in again.out
    second = tmp_path / "second.json"
    assert cin("export", str(second), today=TODAY).code == 0
    assert file_hash(first) == file_hash(second)


def test_a_role_the_pack_does_not_name_is_kept_with_a_note(cin, tmp_path):
    imported(cin, tmp_path, initial("booked"), plan_started="2026-03-12")
    held = cin("held", "C-0001", "--meeting", "12/03/2026", "--chair-role", "TM",
               today=TODAY)
    assert held.code == 0
    assert "Plan start" not in held.out  # one was recorded already
    assert held.err == (
        "cin: note: the chair's role 'TM' is kept as written; it is not one of the roles "
        "Wirral's chair rules name (team manager, advanced practitioner), so it does not "
        "count for them.\n")
    assert "chair TM" in cin("meetings", "C-0001", today=TODAY).out


def test_a_meeting_is_found_by_its_date_or_by_its_id(cin, tmp_path):
    imported(cin, tmp_path, initial("held"),
             {"kind": "review", "status": "booked", "date": "2026-08-20"},
             {"kind": "progress", "status": "booked", "date": "2026-08-20"})
    listed = cin("meetings", "C-0001", today=TODAY).out.splitlines()
    assert [line.split()[1:5] for line in listed] == [
        ["12", "Mar", "2026", "held"], ["20", "Aug", "2026", "booked"],
        ["20", "Aug", "2026", "booked"]]
    ambiguous = cin("cancel", "C-0001", "--meeting", "20/08/2026", "--reason", "Mum ill",
                    today=TODAY)
    assert ambiguous.code == 1
    assert ambiguous.err.startswith(
        "cin: C-0001 has more than one booked meeting on 20 Aug 2026. Its booked meetings "
        "(give the id with --meeting when two share a date):\n")
    progress_id = listed[2].split()[0]
    cancelled = cin("cancel", "C-0001", "--meeting", progress_id, "--reason", "Mum ill",
                    today=TODAY)
    assert cancelled.out == (
        "C-0001: progress meeting of 20 Aug 2026 cancelled on 3 Aug 2026.\n")
    # Now only the review is booked on 20 Aug: the date finds it.
    assert cin("held", "C-0001", "--meeting", "20/08/2026", today=TODAY).code == 1  # future
    none = cin("circulated", "C-0001", "--meeting", "13/03/2026", today=TODAY)
    assert none.err.startswith("cin: C-0001 has no held meeting on 13 Mar 2026.")


def test_problems_name_the_options(cin, tmp_path):
    imported(cin, tmp_path, initial("held"))
    early = cin("circulated", "C-0001", "--meeting", "12/03/2026", "--date", "11/03/2026",
                today=TODAY)
    assert (early.code, early.err) == (1, (
        "cin: --date: 11 Mar 2026 is before the meeting (12 Mar 2026); notes are circulated "
        "on or after the day it was held\n"))
    booked = cin("book", "C-0001", "--kind", "review", "--date", "2026-08-20", today=TODAY)
    assert booked.out.startswith("C-0001: review meeting booked for 20 Aug 2026 (meeting ")
    future = cin("held", "C-0001", "--meeting", "20/08/2026", "--plan-started", "1/1/2026",
                 today=TODAY)
    assert future.err.splitlines() == [
        "cin: --held-on: 20 Aug 2026 is after today (3 Aug 2026); only a booked meeting can be "
        "in the future: book it, or correct the date",
        "cin: --plan-started: 1 Jan 2026 is before the case was allocated (2 Feb 2026); the "
        "plan starts on or after its allocation (2 Feb 2026 or later is accepted)",
    ]
    bad_date = cin("book", "C-0001", "--kind", "review", "--date", "31/02/2026", today=TODAY)
    assert bad_date.code == 2 and "argument --date:" in bad_date.err
    assert "Traceback" not in bad_date.err + future.err + early.err
    unknown = cin("meetings", "NOPE", today=TODAY)
    assert unknown.err == "cin: No case with reference 'NOPE'. `cin due` lists the open cases.\n"


def test_close_asks_for_the_checklist_of_the_reason(cin, tmp_path):
    imported(cin, tmp_path)
    refused = cin("close", "C-0001", "--reason", "RC7", today=TODAY)
    assert refused.code == 1
    assert refused.err.splitlines()[-1] == (
        "cin: The checklist for RC7 (Services ceased for any other reason, including child no "
        "longer in need): review_concluded (A review concluded that the plan's outcomes are "
        "achieved and satisfactory arrangements are in place). Give each as --checklist "
        "ITEM=yes.")
    step_down = cin("close", "C-0001", "--reason", "RC7", "--step-down",
                    "--checklist", "review_concluded=yes", today=TODAY)
    assert "--lead-professional: a step-down to Early Help needs its lead professional" in (
        step_down.err)
    assert "final_meeting (Final Child in Need meeting held (stepping down to TAF))" in (
        step_down.err)
    closed = cin("close", "C-0001", "--reason", "RC7", "--date", "31/07/2026",
                 "--checklist", "review_concluded=yes", "--note", "Plan achieved", today=TODAY)
    assert closed.out == ("C-0001: closed on 31 Jul 2026 for RC7 (Services ceased for any "
                          "other reason, including child no longer in need).\n")


def test_a_child_who_died_is_closed_without_the_outcomes_item(cin, tmp_path):
    imported(cin, tmp_path)
    closed = cin("close", "C-0001", "--reason", "RC2", today=TODAY)
    assert closed.out == "C-0001: closed on 3 Aug 2026 for RC2 (Died).\n"


def test_the_commands_are_in_cin_help(cin):
    shown = cin("--help").out
    for command in ("meetings", "book", "held", "cancel", "circulated", "close"):
        assert f"\n    {command} " in shown
    held_help = " ".join(cin("held", "--help").out.split())
    assert "--plan-started DATE" in held_help and "initial CIN meeting starts the plan" in (
        held_help)


def test_a_meeting_has_one_id_in_every_command(cin, tmp_path):
    # Found trying it: `cin meetings` listed row numbers while `cin history` and the correct
    # commands used the record's id; one id now serves every command that names a meeting.
    imported(cin, tmp_path, initial("held"))
    booked = cin("book", "C-0001", "--kind", "review", "--date", "2026-08-20", today=TODAY)
    said = booked.out.rsplit("(meeting ", 1)[1].rstrip(").\n")
    listed = cin("meetings", "C-0001", today=TODAY).out
    history = cin("history", "C-0001", today=TODAY).out
    assert said in listed and said in history
    cancelled = cin("cancel", "C-0001", "--meeting", said, "--reason", "Mum ill", today=TODAY)
    assert cancelled.code == 0, cancelled.err
    withdrawn = cin("withdraw", "C-0001", "--meeting", said, "--reason", "booked in error",
                    today=TODAY)
    assert withdrawn.code == 0, withdrawn.err
