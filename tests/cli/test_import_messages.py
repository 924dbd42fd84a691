"""Every problem in an import file is reported at once, as `file:record:field: message`, and
nothing is written."""

from __future__ import annotations

import json

from .cli_helpers import case, write_json


def problem_lines(result) -> list[str]:
    return result.err.strip().splitlines()


def test_bad_json_values_are_all_reported_with_record_and_field(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [
        case("C-0001", allocated="31/02/2026"),
        case("C-0002", disabled="maybe", colour="red"),
        case("C-0003", name=42, visits={"date": "2026-10-01"}),
        {"ref": "C-0004", "allocated": "2026-09-01"},
    ])
    result = cin("import", str(path))
    assert result.code == 1
    accepted = ("ref, name, dob, policy, worker, team, family, disabled, private_fostering, "
                "visit_every, allocated, assessment_completed, plan_started, complex_plan, "
                "key_worker_led, stepped_down_from, stepped_down_on, referral_date, "
                "referral_source, primary_need, assessment_started, assessment_factors, "
                "plan_ended, sex, ethnicity, upn, upn_unknown, disabilities, events, visits, "
                "meetings, closure, tasks_done")
    assert problem_lines(result) == [
        f'{path}:case 1 (ref C-0001):allocated: "31/02/2026" is not a real date: February 2026 '
        "has 28 days. Use DD/MM/YYYY or YYYY-MM-DD.",
        f"{path}:case 2 (ref C-0002):colour: unknown field; accepted: {accepted}",
        f'{path}:case 2 (ref C-0002):disabled: "maybe" is not yes or no; use yes/no, '
        "true/false, y/n or 1/0",
        f"{path}:case 3 (ref C-0003):name: expected text, got a number (42)",
        f"{path}:case 3 (ref C-0003):visits: expected a list, got an object",
        f"{path}:case 4 (ref C-0004):name: is required: the child's name",
        f"{path}:case 4 (ref C-0004):policy: is required: the policy pack id (or give --policy)",
        f"7 problems found in {path}; nothing was imported.",
    ]


def test_case_rules_from_the_shared_validation_are_reported_too(cin, tmp_path):
    # Today is Mon 23 Nov 2026.
    path = write_json(tmp_path / "cases.json", [
        case("C-0005", dob="2020-01-01", visits=[
            {"date": "2026-12-01"},                                      # after today
            {"date": "2026-10-01", "seen": False, "seen_alone": True},   # alone but not seen
            {"date": "2026-10-02", "seen": True, "seen_alone": False},   # 6 years old, no reason
        ]),
        case("C-0006", policy="narnia", dob="2026-10-01"),               # born after allocation
        case("C-0007", visits=[{"date": "2026-10-02"}],
             closure={"date": "2026-09-15", "reason": "RC10"}),          # closed before a visit
        case("C-0008", meetings=[{"kind": "review", "status": "held", "date": "2026-12-01"}]),
    ])
    result = cin("import", str(path))
    assert result.code == 1
    lines = problem_lines(result)
    assert lines[0] == (f"{path}:case 1 (ref C-0005):visits[1].date: 1 Dec 2026 is after today "
                        "(23 Nov 2026); record a visit once it has happened")
    assert lines[1] == (f"{path}:case 1 (ref C-0005):visits[2].seen_alone: cannot be yes when "
                        "the child was not seen; set seen to yes, or seen_alone to no or blank")
    assert lines[2].startswith(f"{path}:case 1 (ref C-0005):visits[3].not_alone_reason: the "
                               "child was 6 on 2 Oct 2026 and was not seen alone: "
                               "record the reason")
    assert lines[3].startswith(f"{path}:case 2 (ref C-0006):policy: 'narnia' is not a known "
                               "policy; known: ")
    assert lines[4].startswith(f"{path}:case 2 (ref C-0006):dob: the date of birth (1 Oct 2026) "
                               "is after allocation (1 Sep 2026)")
    assert lines[5].startswith(f"{path}:case 3 (ref C-0007):closure.reason: 'RC10' is not a "
                               "closure reason; use a census code RC1 to RC9")
    assert lines[6].startswith(f"{path}:case 3 (ref C-0007):closure.date: 15 Sep 2026 is before "
                               "the visit on 2 Oct 2026")
    assert "8630" in lines[6] and "8565" in lines[6]
    assert lines[7] == (f"{path}:case 4 (ref C-0008):meetings[1].date: 1 Dec 2026 is after today "
                        "(23 Nov 2026); only a booked meeting can be in the future: book it, or "
                        "correct the date")
    assert lines[8] == f"8 problems found in {path}; nothing was imported."


def test_file_problems_and_rule_problems_come_together(cin, tmp_path):
    """A bad date in one record does not hide a rule broken by another."""
    path = write_json(tmp_path / "cases.json", [
        case("C-0001", allocated="2026-13-01"),
        case("C-0002", dob="2026-10-01"),
    ])
    lines = problem_lines(cin("import", str(path)))
    assert lines[0].startswith(f"{path}:case 1 (ref C-0001):allocated: \"2026-13-01\": there is "
                               "no month 13")
    assert lines[1].startswith(f"{path}:case 2 (ref C-0002):dob: the date of birth")
    assert lines[2] == f"2 problems found in {path}; nothing was imported."


def test_not_json_at_all_names_the_line(cin, tmp_path):
    path = tmp_path / "cases.json"
    path.write_text('{"cases": [\n  {"ref": "C-1",}\n]}', encoding="utf-8")
    result = cin("import", str(path))
    assert result.code == 1
    assert problem_lines(result)[0].startswith(f"{path}:line 2 column 17: not valid JSON")


def test_json_without_a_cases_list_says_what_is_expected(cin, tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([case()]), encoding="utf-8")
    assert problem_lines(cin("import", str(path)))[0] == (
        f'{path}: expected a JSON object with a "cases" list: {{"cases": [{{"ref": ..., ...}}]}}'
    )


def test_a_key_given_twice_is_an_error_not_silently_the_last(cin, tmp_path):
    path = tmp_path / "cases.json"
    path.write_text('{"cases": [{"ref": "C-1", "name": "A", "name": "B", '
                    '"allocated": "2026-09-01", "policy": "wirral"}]}', encoding="utf-8")
    assert problem_lines(cin("import", str(path)))[0] == (
        f"{path}:case 1 (ref C-1):name: is given twice; give each field once"
    )


def test_the_same_ref_twice_in_one_file(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [case("C-1"), case("C-1")])
    lines = problem_lines(cin("import", str(path)))
    assert lines[0] == (f"{path}:case 2 (ref C-1):ref: 'C-1' appears more than once in this "
                        "import (first at case 1 (ref C-1)); each case once")


def test_unknown_policy_given_with_the_option(cin, tmp_path):
    path = write_json(tmp_path / "cases.json",
                      [{"ref": "C-1", "name": "A", "allocated": "2026-09-01"}])
    result = cin("import", str(path), "--policy", "narnia")
    assert result.code == 1
    assert problem_lines(result)[0].startswith(
        f"{path}:--policy: 'narnia' is not a known policy; known: ")


def test_only_json_and_csv_files(cin, tmp_path):
    # "PK" alone is no workbook (not a List 6), so the name decides, and .xlsx is not .json/.csv
    path = tmp_path / "cases.xlsx"
    path.write_bytes(b"PK")
    result = cin("import", str(path))
    assert result.code == 1
    assert problem_lines(result)[0] == (
        f"{path}: cin reads .json and .csv files, census returns (.xml) and Annex A List 6 "
        "workbooks (.xlsx); this one ends .xlsx")


def test_a_missing_file(cin, tmp_path):
    path = tmp_path / "nowhere.json"
    result = cin("import", str(path))
    assert result.code == 1
    assert problem_lines(result)[0] == f"{path}: cannot be read (No such file or directory)"


def test_a_file_that_is_not_utf8_says_how_to_save_it(cin, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("ref,name,allocated,policy\nC-1,Zoë,01/09/2026,wirral\n".encode("cp1252"))
    lines = problem_lines(cin("import", str(path)))
    assert lines[0].startswith(f"{path}: is not UTF-8 text")
    assert "CSV UTF-8 (Comma delimited)" in lines[0]


def test_control_characters_from_a_file_are_shown_as_escapes(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [case("C-1", dob="\r\x1b[2Jnot a date")])
    result = cin("import", str(path))
    assert result.code == 1
    assert "\x1b" not in result.err and "\r" not in result.err
    # (the date reader trims the leading carriage return; the escape sequence is shown as text)
    assert result.err.splitlines()[0].startswith(
        f'{path}:case 1 (ref C-1):dob: "\\x1b[2Jnot a date" is not a date.')


def test_absurdly_nested_json_is_a_message_not_a_crash(cin, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    result = cin("import", str(path))
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{path}: is nested too deeply to be a cin import file "
        '(expected {"cases": [{...}, ...]})')
