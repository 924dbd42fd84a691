"""`cin visit`: a visit logged from the command line, through the same service and checks as
the visit form; a visit that looks mistaken needs --confirm. Today is Mon 23 Nov 2026."""

from __future__ import annotations

import json

from .cli_helpers import case, write_json


def visits_of(cin, tmp_path, ref: str) -> list[dict]:
    path = tmp_path / "out.json"
    assert cin("export", str(path)).code == 0
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return next(c for c in cases if c["ref"] == ref)["visits"]


def imported(cin, tmp_path, *cases: dict) -> None:
    assert cin("import", str(write_json(tmp_path / "in.json", list(cases)))).code == 0


def test_a_visit_is_logged_with_every_answer(cin, tmp_path):
    imported(cin, tmp_path, case("C-1", dob="2017-03-04"))
    result = cin("visit", "c-1", "--date", "20/11/2026", "--seen", "yes", "--alone", "no",
                 "--reason", "Mum stayed in the room", "--voice", "I like my new school",
                 "--location", "school")
    assert result.code == 0, result.err
    assert result.out.strip() == "Visit on 20 Nov 2026 logged for C-1."
    (visit,) = visits_of(cin, tmp_path, "C-1")
    # 20/11/2026 read day first; recorded defaults to today.
    assert (visit["date"], visit["seen"], visit["seen_alone"], visit["not_alone_reason"],
            visit["childs_voice"], visit["location"], visit["recorded"]) == (
        "2026-11-20", True, False, "Mum stayed in the room", "I like my new school", "school",
        "2026-11-23")


def test_every_problem_is_named_by_its_option_and_nothing_is_saved(cin, tmp_path):
    imported(cin, tmp_path, case("C-1", dob="2017-03-04"))
    result = cin("visit", "C-1", "--date", "24/11/2026", "--seen", "yes")
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0].startswith("cin: --date: 24 Nov 2026 is after today (23 Nov 2026)")
    assert any(line.startswith("--alone: say whether the child was seen alone") for line in lines)
    assert any(line.startswith("--voice: record the child's views") for line in lines)
    assert lines[-1] == "Nothing was saved."
    assert visits_of(cin, tmp_path, "C-1") == []


def test_a_reason_with_seen_alone_is_refused(cin, tmp_path):
    imported(cin, tmp_path, case("C-1"))
    result = cin("visit", "C-1", "--date", "23/11/2026", "--seen", "yes", "--alone", "yes",
                 "--reason", "mum in the room", "--voice", "Fine")
    assert result.code == 1
    assert "--reason: only for a child not seen alone" in result.err
    assert visits_of(cin, tmp_path, "C-1") == []


def test_the_same_day_twice_needs_confirm(cin, tmp_path):
    imported(cin, tmp_path, case("C-1"))
    args = ("visit", "C-1", "--date", "2026-11-20", "--seen", "yes", "--alone", "yes",
            "--voice", "Fine")
    assert cin(*args).code == 0
    again = cin(*args)
    assert again.code == 1
    assert again.err.splitlines() == [
        "cin: --date: a visit to this child on 20 Nov 2026 is already recorded; is this the "
        "same visit twice?",
        "Nothing was saved: check it, and give --confirm to save it anyway."]
    assert len(visits_of(cin, tmp_path, "C-1")) == 1
    assert cin(*args, "--confirm").code == 0
    assert len(visits_of(cin, tmp_path, "C-1")) == 2


def test_a_visit_years_before_allocation_needs_yes(cin, tmp_path):
    # Allocated 1 Sep 2026; 3 months before is 1 Jun 2026. 1 Sep 2024 is a mistyped year.
    imported(cin, tmp_path, case("C-1"))
    args = ("visit", "C-1", "--date", "01/09/2024", "--seen", "no")
    result = cin(*args)
    assert result.code == 1
    assert ("--date: 1 Sep 2024 is more than 3 months before the case was allocated "
            "(1 Sep 2026); check the year") in result.err
    assert visits_of(cin, tmp_path, "C-1") == []
    assert cin(*args, "--yes").code == 0
    assert [v["date"] for v in visits_of(cin, tmp_path, "C-1")] == ["2024-09-01"]
    # 1 Jun 2026, exactly 3 months before, is an assessment visit: saved without a word.
    assert cin("visit", "C-1", "--date", "01/06/2026", "--seen", "no").code == 0


def test_siblings_are_all_saved_or_none(cin, tmp_path):
    imported(cin, tmp_path, case("C-1", family="f"), case("C-2", family="f"))
    result = cin("visit", "C-1", "--siblings", "c-2", "--date", "23/11/2026", "--seen", "yes",
                 "--alone", "yes", "--voice", "Both happy")
    assert result.code == 0, result.err
    assert result.out.strip() == "Visit on 23 Nov 2026 logged for C-1, C-2."
    assert [v["childs_voice"] for v in visits_of(cin, tmp_path, "C-2")] == ["Both happy"]
    # An unknown sibling: neither child's visit is saved, and the message names the record.
    result = cin("visit", "C-1", "--siblings", "C-9", "--date", "22/11/2026", "--seen", "no")
    assert result.code == 1
    assert "C-9: REF: no case with reference 'C-9'" in result.err
    assert len(visits_of(cin, tmp_path, "C-1")) == 1


def test_the_locations_are_the_forms(cin):
    from cin_tui.cli_visits import LOCATIONS
    from models.validation import VISIT_LOCATIONS

    assert LOCATIONS == VISIT_LOCATIONS


def test_an_import_reports_visit_warnings_but_imports(cin, tmp_path):
    visit = {"date": "2026-10-01", "seen": False}
    result = cin("import", str(write_json(tmp_path / "in.json", [
        case("C-1", visits=[visit, visit, {"date": "2020-01-01", "seen": False}])])))
    assert result.code == 0, result.err
    assert ("Warning (imported all the same; check it): "
            f"{tmp_path / 'in.json'}:case 1 (ref C-1):visits[2].date: a visit to this child on "
            "1 Oct 2026 is already recorded; is this the same visit twice?") in result.out
    assert "visits[3].date: 1 Jan 2020 is more than 3 months before" in result.out


def test_seen_alone_for_a_child_not_seen_is_refused_not_dropped(cin, tmp_path):
    imported(cin, tmp_path, case("C-1"))
    result = cin("visit", "C-1", "--date", "23/11/2026", "--seen", "no", "--alone", "yes")
    assert result.code == 1
    assert "--alone: cannot be yes when the child was not seen" in result.err
    assert visits_of(cin, tmp_path, "C-1") == []
