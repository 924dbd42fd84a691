"""The CSV case list: headers in any case, UK dates day first, summary columns become history."""

from __future__ import annotations

import json

HEADER = ("ref,name,dob,policy,allocated,last_visit,last_seen_alone,last_meeting,"
          "last_meeting_kind,next_meeting,closed,closure_reason")


def export_json(cin, tmp_path) -> list[dict]:
    path = tmp_path / "out.json"
    assert cin("export", str(path)).code == 0
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def test_uk_dates_are_read_day_first(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,allocated,policy,dob\n"
                    "C-1,Day First,03/04/2026,wirral,04/03/2020\n"
                    "C-2,Words,3 Apr 2026,wirral,4 March 2020\n"
                    "C-3,Iso,2026-04-03,wirral,2020-03-04\n", encoding="utf-8")
    assert cin("import", str(path)).code == 0
    cases = export_json(cin, tmp_path)
    # 03/04/2026 is 3 April (day first), never 4 March; 04/03/2020 is 4 March.
    assert {(c["allocated"], c["dob"]) for c in cases} == {("2026-04-03", "2020-03-04")}


def test_a_month_first_date_is_refused_not_guessed(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,allocated,policy\nC-1,American,04/23/2026,wirral\n", encoding="utf-8")
    result = cin("import", str(path))
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f'{path}:row 2 (ref C-1):allocated: "04/23/2026": there is no month 23 '
        "(dates are day first: DD/MM/YYYY)"
    )


def test_headers_ignore_case_spaces_and_excel_byte_order_mark(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("\ufeff REF ,Name, Allocated ,POLICY,Last Visit\r\n"
                     "C-1,Excel Child,01/09/2026,wirral,02/11/2026\r\n".encode("utf-8"))
    assert cin("import", str(path)).code == 0
    (only,) = export_json(cin, tmp_path)
    assert only["ref"] == "C-1"
    assert only["visits"][0]["date"] == "2026-11-02"


def test_an_unknown_column_lists_the_accepted_ones(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,allocated,policy,Social Worker\nC-1,A,01/09/2026,wirral,Sam\n",
                    encoding="utf-8")
    result = cin("import", str(path))
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{path}:row 1 (header):Social Worker: unknown column; accepted: ref, name, dob, policy, "
        "worker, team, family, disabled, visit_every, allocated, assessment_completed, "
        "plan_started, complex_plan, key_worker_led, last_visit, last_seen_alone, last_meeting, "
        "last_meeting_kind, next_meeting, "
        "next_meeting_kind, closed, closure_reason, referral_date, referral_source, "
        "primary_need, assessment_started, assessment_factors, plan_ended, sex, ethnicity, upn, "
        "upn_unknown, disabilities (or give --ignore-unknown-columns to import "
        "the file without it)"
    )


def test_unknown_columns_can_be_left_out_when_asked(cin, tmp_path):
    """A spreadsheet with columns of its own (issue 12, item 8): with the option, the rest is
    imported, the columns left out are named, and nothing of theirs is kept."""
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,allocated,policy,Social Worker,Notes\n"
                    "C-1,Ava Stone,01/09/2026,wirral,Sam,call mum\n", encoding="utf-8")
    checked = cin("import", str(path), "--ignore-unknown-columns", "--dry-run")
    assert checked.code == 0
    assert "Columns left out (not in the format, --ignore-unknown-columns): Social Worker, " \
           "Notes" in checked.out
    result = cin("import", str(path), "--ignore-unknown-columns")
    assert result.code == 0
    [case] = export_json(cin, tmp_path)
    assert (case["ref"], case["name"], case["allocated"]) == ("C-1", "Ava Stone", "2026-09-01")
    assert "Sam" not in json.dumps(case) and "call mum" not in json.dumps(case)


def test_the_option_does_not_excuse_a_missing_required_column(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,policy,Allocated On\nC-1,A,wirral,01/09/2026\n", encoding="utf-8")
    result = cin("import", str(path), "--ignore-unknown-columns")
    assert result.code == 1
    assert "allocated: required column is missing" in result.err


def test_a_missing_required_column(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,policy\nC-1,A,wirral\n", encoding="utf-8")
    assert cin("import", str(path)).err.splitlines()[0] == (
        f"{path}:row 1 (header):allocated: required column is missing"
    )


def test_policy_column_can_be_left_out_with_the_option(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,allocated\nC-1,A,01/09/2026\n", encoding="utf-8")
    assert cin("import", str(path)).code == 1
    result = cin("import", str(path), "--policy", "wirral", "--worker", "Sam Patel")
    assert result.code == 0
    (only,) = export_json(cin, tmp_path)
    assert (only["policy"], only["worker"]) == ("wirral", "Sam Patel")


def test_summary_columns_become_visits_meetings_and_closure(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER + "\n"
        # seen on 2 Nov, last seen alone on 12 Oct (an earlier visit); review held 14 Oct;
        # next meeting booked for 2 Dec (a review, as a meeting has been held).
        "C-1,Open Child,14/05/2016,wirral,01/09/2026,02/11/2026,12/10/2026,14/10/2026,review,"
        "02/12/2026,,\n"
        # seen alone at the last visit; closed on 20 Nov with census code RC7 (any case).
        "C-2,Closed Child,03/02/2019,wirral,01/09/2026,05/11/2026,05/11/2026,,,,20/11/2026,rc7\n"
        # no meeting held yet: the booked one is the initial meeting.
        "C-3,New Child,,wirral,01/11/2026,,,,,25/11/2026,,\n",
        encoding="utf-8",
    )
    assert cin("import", str(path)).code == 0
    cases = {c["ref"]: c for c in export_json(cin, tmp_path)}
    visits = [(v["date"], v["seen"], v["seen_alone"]) for v in cases["C-1"]["visits"]]
    assert visits == [("2026-10-12", True, True), ("2026-11-02", True, None)]
    meetings = [(m["kind"], m["status"], m["date"]) for m in cases["C-1"]["meetings"]]
    assert meetings == [("review", "held", "2026-10-14"), ("review", "booked", "2026-12-02")]
    assert [(v["date"], v["seen_alone"]) for v in cases["C-2"]["visits"]] == [("2026-11-05", True)]
    assert (cases["C-2"]["closure"]["date"], cases["C-2"]["closure"]["reason"]) == (
        "2026-11-20", "RC7")
    assert [(m["kind"], m["status"]) for m in cases["C-3"]["meetings"]] == [("initial", "booked")]


def test_csv_import_twice_changes_nothing_and_keeps_fields_it_does_not_have(cin, tmp_path):
    full = tmp_path / "full.json"
    full.write_text(json.dumps({"cases": [{
        "ref": "C-1", "name": "A", "allocated": "2026-09-01", "policy": "wirral",
        "private_fostering": True, "visit_every": "10wd",
    }]}), encoding="utf-8")
    assert cin("import", str(full)).code == 0
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,allocated,policy,last_visit\nC-1,A,01/09/2026,wirral,02/11/2026\n",
                    encoding="utf-8")
    assert cin("import", str(path)).code == 0
    assert "Nothing changed" in cin("import", str(path)).out
    (only,) = export_json(cin, tmp_path)
    assert (only["private_fostering"], only["visit_every"]) == (True, "10wd")


def test_csv_problems_name_the_row_and_column(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER + "\n"
        "C-1,A,,wirral,01/09/2026,02/11/2026,09/11/2026,,,,,\n"   # seen alone after the last visit
        "C-2,B,,wirral,01/09/2026,,,14/10/2026,,,,\n"             # a held meeting with no kind
        "C-3,C,,wirral,01/09/2026,,,,,,20/11/2026,\n"             # closed with no reason
        "C-4,D,,wirral,01/09/2026,,,14/10/2026,chat,,,\n"         # not a meeting kind
        "C-5,E,,wirral,01/09/2026,30/11/2026,,,,,,\n",            # a visit after today
        encoding="utf-8",
    )
    lines = cin("import", str(path)).err.splitlines()
    assert lines == [
        f"{path}:row 2 (ref C-1):last_seen_alone: is after last_visit (2026-11-02); the child "
        "cannot have been seen alone after the last visit",
        f"{path}:row 3 (ref C-2):last_meeting_kind: is required when last_meeting is given: one "
        "of family_network, initial, review, progress, closure, transfer_in",
        f"{path}:row 4 (ref C-3):closure_reason: is required when closed is given: census code "
        "RC1-RC9 or the pack's own reason",
        f"{path}:row 5 (ref C-4):last_meeting_kind: 'chat' is not a meeting kind; use one of: "
        "family_network, initial, review, progress, closure, transfer_in",
        f"{path}:row 6 (ref C-5):last_visit: 30 Nov 2026 is after today (23 Nov 2026); record a "
        "visit once it has happened",
        f"5 problems found in {path}; nothing was imported.",
    ]


def test_booleans_in_any_accepted_spelling(cin, tmp_path):
    path = tmp_path / "cases.csv"
    rows = [f"C-{i},Child {i},01/09/2026,wirral,{word}" for i, word in
            enumerate(["yes", "Y", "TRUE", "1", "no", "n", "False", "0", ""], start=1)]
    path.write_text("ref,name,allocated,policy,disabled\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    assert cin("import", str(path)).code == 0
    disabled = {c["ref"]: c["disabled"] for c in export_json(cin, tmp_path)}
    assert [disabled[f"C-{i}"] for i in range(1, 10)] == [True] * 4 + [False] * 5


def test_semicolon_separated_file_gets_a_hint(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref;name;allocated;policy\nC-1;A;01/09/2026;wirral\n", encoding="utf-8")
    assert cin("import", str(path)).err.splitlines()[0] == (
        f"{path}:row 1 (header): the columns seem to be separated by semicolons; cin reads "
        'comma-separated files (in Excel: Save As, "CSV UTF-8 (Comma delimited)")'
    )


def test_every_problem_of_the_file_is_listed_in_one_run(cin, tmp_path):
    """A date that is not a date and a rule broken in the same row, and a rule broken in another
    row: all three in one run (not the date first and the rest after it is fixed)."""
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,dob,policy,allocated,closed,closure_reason\n"
                    "C-1,Bad Date,31/02/2020,nowhere,01/09/2026,,\n"
                    "C-2,Bad Reason,,wirral,01/09/2026,02/11/2026,RC99\n", encoding="utf-8")
    result = cin("import", str(path))
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == (f'{path}:row 2 (ref C-1):dob: "31/02/2020" is not a real date: '
                        "February 2020 has 29 days. Use DD/MM/YYYY or YYYY-MM-DD.")
    assert lines[1].startswith(f"{path}:row 2 (ref C-1):policy: 'nowhere' is not a known "
                               "policy; known: ")
    assert lines[2].startswith(f"{path}:row 3 (ref C-2):closure_reason: 'RC99' is not a "
                               "closure reason")
    assert "3 problems found" in lines[-1]
    assert not (tmp_path / "cases.db").exists()  # nothing imported, no database left behind
