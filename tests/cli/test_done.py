"""`cin done REF RULE`: the worker marks their own task done (issue 12, items 3 and 9), and
`cin explain` names the rule ids and shows missed milestones (item 5)."""

from __future__ import annotations

import json

from .cli_helpers import write_json

# Today is Mon 23 Nov 2026 (the fixture). Camden reviews booked Mon 14 Dec 2026 and Mon 15 Mar
# 2027. Invitations 10 WD before 14 Dec: 11 (1), 10 (2), 9 (3), 8 (4), 7 (5), 4 (6), 3 (7),
# 2 (8), 1 Dec (9), Mon 30 Nov 2026 (10). Before 15 Mar 2027: 12 (1), 11 (2), 10 (3), 9 (4),
# 8 (5), 5 (6), 4 (7), 3 (8), 2 (9), Mon 1 Mar 2027 (10).
CAMDEN = {
    "ref": "C-1001", "name": "Cam Den", "policy": "camden", "allocated": "2026-09-01",
    "worker": "Jo Lantern", "assessment_completed": "2026-09-28",
    "meetings": [{"kind": "initial", "status": "held", "date": "2026-10-12"},
                 {"kind": "review", "status": "booked", "date": "2026-12-14"},
                 {"kind": "review", "status": "booked", "date": "2027-03-15"}],
}
# Rochdale, allocated Mon 2 Mar 2026, assessment completed 10 Apr, plan started 20 Apr 2026:
# Checkpoint 1 was due WD 5, Mon 9 Mar 2026 (3, 4, 5, 6, 9 Mar), never recorded.
ROCHDALE = {
    "ref": "R-2001", "name": "Roch Dale", "policy": "rochdale", "allocated": "2026-03-02",
    "worker": "Jo Lantern", "assessment_completed": "2026-04-10", "plan_started": "2026-04-20",
}


def _imported(cin, tmp_path, *cases):
    result = cin("import", str(write_json(tmp_path / "cases.json", list(cases))))
    assert result.code == 0, result.err


def test_done_marks_the_earliest_invitations_and_says_what_is_next(cin, tmp_path):
    _imported(cin, tmp_path, CAMDEN)
    result = cin("done", "c-1001", "invitations", "--date", "20/11/2026",
                 "--note", "Posted to both parents")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "C-1001: Task done on 20 Nov 2026: Invitation letters sent for the review "
        "(due 30 Nov 2026).",
        "Next: Invitation letters sent for the review, due 1 Mar 2027.",
    ]
    due = cin("due", "--json").json()
    assert [i["due"] for i in due if i["rule"] == "camden.invitations"] == ["2027-03-01"]
    audit = cin("audit", "C-1001", "--json").json()
    assert audit[-1]["action"] == "complete_task"
    assert audit[-1]["after"]["note"] == "Posted to both parents"


def test_done_defaults_to_today_and_takes_a_chosen_occurrence(cin, tmp_path):
    _imported(cin, tmp_path, CAMDEN)
    result = cin("done", "C-1001", "camden.invitations", "--due", "2027-03-01")
    assert result.code == 0, result.err
    assert "Task done on 23 Nov 2026" in result.out
    assert "due 1 Mar 2027" in result.out


def test_done_refuses_an_oversight_point_and_a_future_date_with_every_problem(cin, tmp_path):
    _imported(cin, tmp_path, CAMDEN, ROCHDALE)
    result = cin("done", "R-2001", "checkpoint_1", "--date", "2026-11-30")
    assert result.code == 1
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[0].startswith("cin: rule: rochdale.checkpoint_1 (CIN Checkpoint 1: manager's "
                               "oversight case note) is an oversight point: a manager's "
                               "oversight note clears it")
    assert lines[1] == ("cin: done: 30 Nov 2026 is after today (23 Nov 2026); give the day "
                        "it was done")
    assert "Traceback" not in result.err


def test_done_with_a_date_it_cannot_read(cin, tmp_path):
    _imported(cin, tmp_path, CAMDEN)
    result = cin("done", "C-1001", "invitations", "--date", "31/02/2026")
    assert result.code == 1
    assert result.err.startswith("cin: --date: ")


def test_explain_names_the_worker_task_and_shows_milestones_missed(cin, tmp_path):
    _imported(cin, tmp_path, CAMDEN, ROCHDALE)
    camden = cin("explain", "C-1001").out
    assert "Rule:   camden.invitations" in camden
    assert "your own task: `cin done C-1001 invitations` when it is done" in camden
    rochdale = cin("explain", "R-2001").out
    assert "Rule:   rochdale.checkpoint_1" not in rochdale  # not an open countdown
    missed = rochdale[rochdale.index("Missed (overtaken"):]
    assert "CIN Checkpoint 1: manager's oversight case note: due 9 Mar 2026, never" in missed
    assert "the assessment was completed on 10 Apr 2026" in missed
    due = cin("due", "--json").json()
    assert "rochdale.checkpoint_1" not in {i["rule"] for i in due}


def test_an_import_records_milestones_done_and_the_round_trip_changes_nothing(cin, tmp_path):
    done = {**ROCHDALE, "tasks_done": [
        {"rule": "checkpoint_1", "done": "2026-03-09", "note": "Agreed with the manager"},
        {"rule": "rochdale.family_network_meeting", "done": "2026-03-13"}]}
    _imported(cin, tmp_path, done)
    explained = cin("explain", "R-2001").out
    missed = explained[explained.index("Missed (overtaken"):]
    assert "Checkpoint 1" not in missed
    assert "Family Network Meeting" not in missed
    assert "CIN Checkpoint 2" in missed  # not in the file: still missed
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert cin("export", str(first)).code == 0
    exported = json.loads(first.read_text(encoding="utf-8"))["cases"][0]["tasks_done"]
    assert exported == [
        {"rule": "checkpoint_1", "done": "2026-03-09", "due": None,
         "note": "Agreed with the manager"},
        {"rule": "family_network_meeting", "done": "2026-03-13", "due": None, "note": None},
    ]
    again = cin("import", str(first))
    assert again.code == 0 and "tasks done" not in again.out  # nothing added or changed
    assert cin("--db", str(tmp_path / "other.db"), "import", str(first)).code == 0
    assert cin("--db", str(tmp_path / "other.db"), "export", str(second)).code == 0
    assert second.read_bytes() == first.read_bytes()


def test_an_import_refuses_tasks_that_are_neither_tasks_nor_milestones_all_at_once(cin,
                                                                                   tmp_path):
    bad = {**ROCHDALE, "tasks_done": [
        {"rule": "visit", "done": "2026-03-09"},
        {"rule": "checkpoint_1", "done": "2026-12-01"},
        {"rule": "checkpoint_2", "done": "2026-02-01"}]}
    result = cin("import", str(write_json(tmp_path / "cases.json", [bad])))
    assert result.code == 1
    assert "tasks_done[1].rule: 'visit' is not a task or milestone of the rochdale pack" \
        in result.err
    assert "tasks_done[2].done: 1 Dec 2026 is after today (23 Nov 2026)" in result.err
    assert "tasks_done[3].done: 1 Feb 2026 is before the case was allocated (2 Mar 2026)" \
        in result.err
    assert cin("export", str(tmp_path / "x.json")).code == 1  # nothing was written: no database


def test_a_task_marked_done_by_mistake_is_withdrawn_and_open_again(cin, tmp_path):
    _imported(cin, tmp_path, CAMDEN)
    assert cin("done", "C-1001", "invitations", "--date", "20/11/2026").code == 0
    result = cin("done", "C-1001", "invitations", "--withdraw", "Letters were not posted")
    assert result.code == 0, result.err
    assert result.out == ("C-1001: Task marked done on 20 Nov 2026 withdrawn "
                          "(camden.invitations): Letters were not posted. It is open again.\n")
    due = cin("due", "--json").json()
    assert [i["due"] for i in due if i["rule"] == "camden.invitations"] == [
        "2026-11-30", "2027-03-01"]
    again = cin("done", "C-1001", "invitations", "--withdraw", "twice")
    assert again.code == 1
    assert "no camden.invitations task is marked done on this case" in again.err
