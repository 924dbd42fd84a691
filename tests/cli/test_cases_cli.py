"""`cin add-case` and `cin edit-case`, the two new case facts (complex_plan, key_worker_led) in
the JSON and CSV formats and in the deadlines, and a case with no visiting frequency where its
pack needs one. Today is Mon 23 Nov 2026."""

from __future__ import annotations

import csv
import io
import json

from .cli_helpers import case, write_json


def test_add_case_with_every_detail(cin, tmp_path):
    result = cin("add-case", "C-0100", "--policy", "camden", "--name", "Finn Doyle",
                 "--allocated", "14/09/2026", "--dob", "08/08/2012", "--worker", "Jo King",
                 "--team", "South", "--family", "DOYLE", "--disabled", "yes",
                 "--private-fostering", "no", "--visit-every", "4 weeks",
                 "--assessment-completed", "28/09/2026", "--plan-started", "05/10/2026",
                 "--complex-plan", "no", "--key-worker-led", "yes")
    assert (result.code, result.err) == (0, "")
    assert result.out == "Added case C-0100 (camden, worker Jo King).\n"
    target = tmp_path / "all.json"
    assert cin("export", str(target)).code == 0
    [record] = json.loads(target.read_text())["cases"]
    assert {key: record[key] for key in (
        "name", "dob", "worker", "team", "family", "disabled", "private_fostering",
        "visit_every", "allocated", "assessment_completed", "plan_started", "complex_plan",
        "key_worker_led")} == {
        "name": "Finn Doyle", "dob": "2012-08-08", "worker": "Jo King", "team": "South",
        "family": "DOYLE", "disabled": True, "private_fostering": False, "visit_every": "4w",
        "allocated": "2026-09-14", "assessment_completed": "2026-09-28",
        "plan_started": "2026-10-05", "complex_plan": False, "key_worker_led": True}
    audit = cin("audit", "C-0100").out
    assert "Added the case (camden policy)" in audit


def test_add_case_reports_every_problem_at_once(cin, db):
    result = cin("add-case", "C-0100", "--policy", "wirral", "--name", "A Child",
                 "--allocated", "31/02/2026", "--complex-plan", "maybe",
                 "--visit-every", "fortnightly")
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("cin: --visit-every: ")
    assert "February 2026 has 28 days" in lines[1] and lines[1].startswith("cin: --allocated: ")
    assert lines[2] == ('cin: --complex-plan: "maybe" is not yes or no; use yes/no, y/n, '
                        "true/false or 1/0")
    # Then the import's own checks, all together: a date after today, an unknown pack.
    result = cin("add-case", "C-0100", "--policy", "nowhere", "--name", "A Child",
                 "--allocated", "01/12/2026")
    assert result.code == 1
    assert "cin: policy: 'nowhere' is not a known policy" in result.err
    assert "cin: allocated: 1 Dec 2026 is after today (23 Nov 2026)" in result.err
    assert "Traceback" not in result.err


def test_add_case_refuses_a_reference_already_used(cin, tmp_path):
    assert cin("import", str(write_json(tmp_path / "c.json", [case("C-0001")]))).code == 0
    result = cin("add-case", "C-0001", "--policy", "wirral", "--name", "Another Child",
                 "--allocated", "01/09/2026")
    assert result.code == 1
    assert "a case with reference 'C-0001' already exists" in result.err


def test_edit_case_changes_only_what_is_given(cin, tmp_path):
    path = write_json(tmp_path / "c.json", [case("C-0001", worker="Jo King", team="North")])
    assert cin("import", str(path)).code == 0
    # The ref and the worker's name are found whatever their case.
    result = cin("edit-case", "c-0001", "--worker", "sam patel", "--team", "South",
                 "--visit-every", "20 wd", "--complex-plan", "yes")
    assert (result.code, result.err) == (0, "")
    assert result.out == "C-0001: changed worker, team, visit every, complex plan.\n"
    again = cin("edit-case", "C-0001", "--visit-every", "20 working days")
    assert again.out == "C-0001: nothing changed (those details are already recorded).\n"
    changes = cin("audit", "C-0001", "--changes").out
    assert "worker: Jo King -> sam patel" in changes  # a new worker, as typed
    assert "visit_every: null -> 20wd" in changes and "complex_plan: false -> true" in changes
    # `none` clears a value that may be empty.
    assert cin("edit-case", "C-0001", "--visit-every", "none").out == (
        "C-0001: changed visit every.\n")
    exported = tmp_path / "out.json"
    assert cin("export", str(exported)).code == 0
    [record] = json.loads(exported.read_text())["cases"]
    assert (record["worker"], record["team"], record["visit_every"], record["complex_plan"]) == (
        "sam patel", "South", None, True)


def test_edit_case_needs_something_to_change_and_a_known_case(cin, tmp_path):
    assert cin("import", str(write_json(tmp_path / "c.json", [case("C-0001")]))).code == 0
    nothing = cin("edit-case", "C-0001")
    assert nothing.code == 1 and "give at least one detail to change" in nothing.err
    unknown = cin("edit-case", "C-9999", "--team", "North")
    assert unknown.code == 1 and "no case with reference 'C-9999'" in unknown.err
    # A plan before allocation (1 Sep 2026) is refused as an import refuses it.
    early = cin("edit-case", "C-0001", "--plan-started", "01/08/2026")
    assert early.code == 1
    assert "cin: plan_started: 1 Aug 2026 is before the case was allocated" in early.err


def test_the_new_facts_and_visit_every_round_trip_through_csv(cin, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "ref,name,policy,allocated,visit_every,complex_plan,key_worker_led\n"
        "T-1,Gus Tran,trafford,2026-09-14,20 wd,no,yes\n"
        "W-1,Amira Hassan,wirral,2026-09-14,,yes,\n", encoding="utf-8")
    assert cin("import", str(source)).code == 0
    exported = tmp_path / "out.csv"
    assert cin("export", str(exported)).code == 0
    rows = {row["ref"]: row for row in csv.DictReader(
        io.StringIO(exported.read_text(encoding="utf-8-sig")))}
    assert (rows["T-1"]["visit_every"], rows["T-1"]["complex_plan"],
            rows["T-1"]["key_worker_led"]) == ("20 working days", "no", "yes")
    assert (rows["W-1"]["visit_every"], rows["W-1"]["complex_plan"],
            rows["W-1"]["key_worker_led"]) == ("", "yes", "no")
    again = cin("import", str(exported))
    assert again.code == 0 and again.out.startswith(f"{exported}: 2 cases read. Nothing changed")
    # An empty cell keeps what is stored: T-1 stays key-worker-led.
    blank = tmp_path / "blank.csv"
    blank.write_text("ref,name,policy,allocated,key_worker_led\n"
                     "T-1,Gus Tran,trafford,2026-09-14,\n", encoding="utf-8")
    assert "Nothing changed" in cin("import", str(blank)).out


def test_the_new_facts_round_trip_through_json(cin, tmp_path):
    path = write_json(tmp_path / "c.json", [
        case("L-1", policy="leicestershire", key_worker_led=True, complex_plan=False),
        case("W-1", complex_plan="yes")])
    assert cin("import", str(path)).code == 0
    exported = tmp_path / "out.json"
    assert cin("export", str(exported)).code == 0
    records = {r["ref"]: r for r in json.loads(exported.read_text())["cases"]}
    assert (records["L-1"]["key_worker_led"], records["L-1"]["complex_plan"]) == (True, False)
    assert (records["W-1"]["key_worker_led"], records["W-1"]["complex_plan"]) == (False, True)
    assert "Nothing changed" in cin("import", str(exported)).out
    bad = write_json(tmp_path / "bad.json", [case("X-1", key_worker_led="sometimes")])
    result = cin("import", str(bad))
    assert result.code == 1 and "key_worker_led: \"sometimes\" is not yes or no" in result.err


def test_wirral_6_month_review_only_for_a_complex_plan(cin, tmp_path):
    # Plan started Mon 8 Jun 2026 + 6 months -> Tue 8 Dec 2026.
    path = write_json(tmp_path / "c.json", [
        case("W-1", allocated="2026-06-01", plan_started="2026-06-08", complex_plan=True),
        case("W-2", allocated="2026-06-01", plan_started="2026-06-08")])
    assert cin("import", str(path)).code == 0
    complex_plan = cin("explain", "W-1").out
    assert "wirral.complex_plan_6_months" in complex_plan
    block = complex_plan.split("Rule:   wirral.complex_plan_6_months")[0].rsplit("Due:", 1)[1]
    assert block.startswith("    8 Dec 2026")
    assert "wirral.complex_plan_6_months" not in cin("explain", "W-2").out
    # Recording the plan as complex brings it in.
    assert cin("edit-case", "W-2", "--complex-plan", "yes").code == 0
    assert "wirral.complex_plan_6_months" in cin("explain", "W-2").out


def test_leicestershire_sswop_oversight_fires_for_a_key_worker_led_case(cin, tmp_path):
    # Key-worker-led, allocated Tue 1 Sep 2026, no SSWOP oversight recorded: monthly from
    # allocation -> 1 Oct, then 1 Nov 2026, three weeks before today: overdue.
    path = write_json(tmp_path / "c.json", [
        case("L-1", policy="leicestershire", key_worker_led=True),
        case("L-2", policy="leicestershire")])
    assert cin("import", str(path)).code == 0
    led = cin("explain", "L-1").out
    block = led.split("Rule:   leicestershire.sswop_oversight")[0].rsplit("Due:", 1)[1]
    assert block.startswith("    1 Nov 2026 (22 days late")
    assert "leicestershire.sswop_oversight" not in cin("explain", "L-2").out


def test_a_camden_case_without_a_visiting_frequency_says_so(cin, tmp_path):
    path = write_json(tmp_path / "c.json", [case("CA-1", policy="camden",
                                                 allocated="2026-09-14")])
    assert cin("import", str(path)).code == 0
    explained = cin("explain", "CA-1").out
    assert "Visits: no visiting frequency recorded: set one" in explained
    assert 'cin edit-case CA-1 --visit-every "4 weeks"' in " ".join(explained.split())
    assert cin("edit-case", "CA-1", "--visit-every", "4 weeks").code == 0
    explained = cin("explain", "CA-1").out
    assert "no visiting frequency recorded" not in explained
    # Never seen: from allocation, Mon 14 Sep 2026 + 4 weeks -> Mon 12 Oct 2026.
    assert "camden.visit" in explained and "Due:    12 Oct 2026" in explained


def test_the_commands_are_in_the_help(cin):
    overview = cin("--help", database=None, today=None)
    assert "add-case" in overview.out and "edit-case" in overview.out
    edit = " ".join(cin("edit-case", "--help", database=None, today=None).out.split())
    for option in ("--worker TEXT", "--visit-every FREQ", "--complex-plan YES/NO",
                   "--key-worker-led YES/NO", "(none: clear it)"):
        assert option in edit
    add = " ".join(cin("add-case", "--help", database=None, today=None).out.split())
    assert "--policy PACK" in add and "The worker defaults to `worker` in your settings" in add
