"""`cin export return.xml --census-year 2026`: the cases open in the year, as a return the real
validator accepts; refs that are not LAchildIDs refused by name; export -> import -> export the
same file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import ModuleType

from cin_tui.formats.census_xml import read_census

from .caseload import OUTSIDE, PACKS, caseload


def import_cases(cin, tmp_path: Path, cases: list[dict], db: Path | str | None = None) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": cases}), encoding="utf-8")
    result = cin("import", str(path), db=db)
    assert result.code == 0, result.err


def census_case(ref: str = "A1", **fields) -> dict:
    case = {"ref": ref, "name": "Test Child", "allocated": "2025-05-01", "policy": "wirral",
            "dob": "2019-02-03", "referral_date": "2025-05-01", "referral_source": "1A",
            "primary_need": "N1", "sex": "F", "ethnicity": "WBRI", "upn_unknown": "UN2"}
    case.update(fields)
    return case


def test_a_caseload_of_several_hundred_children_makes_a_return_the_validator_accepts(
        cin, tmp_path: Path, census_validator: ModuleType) -> None:
    cases = caseload(600)
    assert {case["policy"] for case in cases} == set(PACKS)
    reasons = Counter(case["closure"]["reason"] for case in cases if case.get("closure"))
    assert set(reasons) == {f"RC{n}" for n in range(1, 10)}
    import_cases(cin, tmp_path, cases)
    out = tmp_path / "return.xml"
    result = cin("export", str(out), "--census-year", "2026", "--lea", "344")
    assert result.code == 0, result.err
    # Every sixth case is outside 2025-26 (closed before 1 April 2025, or referred after 31
    # March 2026): 600 - 100 = 500 children.
    census = read_census(out.read_bytes()).census
    refs = {child.identifiers.la_child_id for child in census.children}
    outside = {case["ref"] for number, case in enumerate(cases, 1) if number % 6 == OUTSIDE}
    assert refs == {case["ref"] for case in cases} - outside
    assert len(refs) == 500
    assert f"Exported {len(refs)} children" in result.out
    episodes = [child.episodes[0] for child in census.children]
    assert {e.closure_reason for e in episodes if e.closure_reason} == set(reasons)
    assert any(e.plan_dates for e in episodes) and any(not e.plan_dates for e in episodes)
    report = census_validator.run(out)
    assert report.child_level == ()
    assert report.return_level == ()
    assert report.crashed == ()


def test_export_import_export_gives_the_same_return(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, caseload(120))
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    assert cin("export", str(first), "--census-year", "2026", "--lea", "344").code == 0
    other = tmp_path / "other.db"
    assert cin("import", str(first), db=other).code == 0
    assert cin("export", str(second), "--census-year", "2026", db=other).code == 0
    assert second.read_bytes() == first.read_bytes()


def test_refs_that_are_not_la_child_ids_are_refused_by_name(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, [census_case("EX-0001"), census_case("GOOD1"),
                                 census_case("EX_2")])
    out = tmp_path / "return.xml"
    result = cin("export", str(out), "--census-year", "2026")
    assert result.code == 1
    assert "2 cases cannot go in the census return" in result.err
    assert "EX-0001: the ref is not an LAchildID: 1 to 20 letters and digits" in result.err
    assert "EX_2: the ref is not an LAchildID" in result.err
    assert "GOOD1" not in result.err
    assert not out.exists()


def test_what_the_census_needs_is_listed_for_each_case(cin, tmp_path: Path) -> None:
    lacking = census_case("A2")
    for field in ("referral_source", "sex", "upn_unknown"):
        lacking.pop(field)
    import_cases(cin, tmp_path, [lacking])
    result = cin("export", str(tmp_path / "return.xml"), "--census-year", "2026")
    assert result.code == 1
    assert "A2: the census needs referral_source, sex; the census needs upn, or upn_unknown" \
        in result.err


def test_the_year_scopes_the_cases_and_what_came_after_31_march(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, [
        # Closed 31 March 2025, the day before 2025-26 began: not in it.
        census_case("OLD", allocated="2025-01-06", referral_date="2025-01-06",
                    closure={"date": "2025-03-31", "reason": "RC7"}),
        # Closed on 1 April 2025, the year's first day: in it, closed.
        census_case("FIRST", allocated="2025-01-06", referral_date="2025-01-06",
                    closure={"date": "2025-04-01", "reason": "RC7"}),
        # Plan ended and case closed 10 April 2026, after the reference date: open in the
        # return, its plan still running.
        census_case("LATE", assessment_started="2025-05-02", assessment_completed="2025-06-02",
                    assessment_factors=["2A"], plan_started="2025-06-03",
                    plan_ended="2026-04-10", closure={"date": "2026-04-10", "reason": "RC7"}),
        # Referred 1 April 2026: the next year's.
        census_case("NEXT", allocated="2026-04-01", referral_date="2026-04-01"),
    ])
    out = tmp_path / "return.xml"
    assert cin("export", str(out), "--census-year", "2026").code == 0
    census = read_census(out.read_bytes()).census
    children = {child.identifiers.la_child_id: child.episodes[0] for child in census.children}
    assert set(children) == {"FIRST", "LATE"}
    assert children["FIRST"].closure_reason == "RC7"
    late = children["LATE"]
    assert late.closure_date is None and late.closure_reason is None
    assert late.plan_dates[0].end is None
    assert census.header.lea == "344"  # Wirral's pack
    assert str(census.header.reference_date) == "2026-03-31"


def test_a_pack_reason_is_written_as_its_census_code(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, [census_case(
        "C1", policy="camden", assessment_started="2025-05-02",
        assessment_completed="2025-06-02", assessment_factors=["2A"],
        plan_started="2025-06-03", plan_ended="2025-09-01",
        closure={"date": "2025-09-01", "reason": "moved_out"})])
    out = tmp_path / "return.xml"
    assert cin("export", str(out), "--census-year", "2026").code == 0
    episode = read_census(out.read_bytes()).census.children[0].episodes[0]
    assert episode.closure_reason == "RC5"  # Camden's "moved out" is census RC5


def test_without_census_year_the_latest_ended_year_is_written(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, [census_case("A1")])
    out = tmp_path / "return.xml"
    # 30 March 2026: 2025-26 has not ended, so the return due is 2024-25's, which A1 (referred
    # 1 May 2025) is not in (an empty return has no pack to take its LA code from).
    early = cin("export", str(out), "--lea", "344", today="2026-03-30")
    assert early.code == 0 and "Exported 0 children" in early.out
    assert "2024-25 (reference date 31/03/2025)" in early.out
    # 31 March 2026, the reference date itself: 2025-26 has ended.
    on_the_day = cin("export", str(out), today="2026-03-31")
    assert "Exported 1 child to" in on_the_day.out and "2025-26" in on_the_day.out


def test_census_options_are_refused_where_they_mean_nothing(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, [census_case("A1")])
    result = cin("export", str(tmp_path / "all.json"), "--census-year", "2026")
    assert result.code == 1
    assert "--census-year and --lea are for a census return (a FILE ending .xml)" in result.err
    bad = cin("export", str(tmp_path / "r.xml"), "--census-year", "25-26")
    assert bad.code == 2
    assert "'25-26' is not a census year: give its end, such as 2026 for 2025-26" in bad.err


def test_a_team_server_gives_the_same_return_and_list6(cin, tmp_path: Path,
                                                     postgres_server) -> None:
    from .test_list6 import rows_of

    name, url = postgres_server.new_database()
    try:
        cases = caseload(60)
        import_cases(cin, tmp_path, cases)
        import_cases(cin, tmp_path, cases, db=url.url)
        for file, options in (("return.xml", ["--census-year", "2026", "--lea", "344"]),
                              ("list6.xlsx", [])):
            local, server = tmp_path / f"local-{file}", tmp_path / f"server-{file}"
            assert cin("export", str(local), *options).code == 0
            assert cin("export", str(server), *options, db=url.url).code == 0
            if file.endswith(".xml"):
                assert server.read_bytes() == local.read_bytes()
            else:
                assert rows_of(server.read_bytes()) == rows_of(local.read_bytes())
    finally:
        postgres_server.drop(name)


def test_what_the_validator_would_query_about_an_assessment_is_refused(
        cin, tmp_path: Path) -> None:
    done = {"assessment_started": "2025-05-02", "assessment_completed": "2025-06-02"}
    import_cases(cin, tmp_path, [
        census_case("NOFACTORS", **done),
        census_case("OPEN21", **done, assessment_factors=["21"]),
        census_case("SHUT21", **done, assessment_factors=["21"],
                    closure={"date": "2025-06-02", "reason": "RC9"}),
    ])
    result = cin("export", str(tmp_path / "return.xml"), "--census-year", "2026")
    assert result.code == 1
    assert "2 cases cannot go in the census return" in result.err
    assert "NOFACTORS: the assessment was completed with no assessment_factors" in result.err
    assert "OPEN21: assessment factor 21 (no factors identified) on an episode not closed " \
        "RC8 or RC9" in result.err
    assert "SHUT21" not in result.err


def test_a_year_with_no_case_open_says_so_and_writes_nothing(cin, tmp_path: Path) -> None:
    import_cases(cin, tmp_path, [census_case("A1")])
    out = tmp_path / "return.xml"
    # A1 was referred on 1 May 2025, so census year 2025 (1 April 2024 to 31 March 2025) holds
    # no case: without --lea there is no pack to name the authority either.
    result = cin("export", str(out), "--census-year", "2025")
    assert result.code != 0 and not out.exists()
    assert ("no case was open in census year 2025 (1 Apr 2024 to 31 Mar 2025): nothing to "
            "return") in " ".join(result.err.split())
