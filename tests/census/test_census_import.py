"""`cin import return.xml`: a census return's children become cases, all or nothing, with
every refusal located by child and element."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import DATA

RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year>
      <ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>354</LEA><SoftwareCode>x</SoftwareCode>
      <Release>1</Release><SerialNo>001</SerialNo><DateTime>2026-04-02T10:00:00</DateTime></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>R001</LAchildID><UPNunknown>UN1</UPNunknown>
        <PersonBirthDate>2022-05-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>3A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments><AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-07-01</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment></Assessments>
        <CINPlanDates><CINPlanStartDate>2025-07-02</CINPlanStartDate></CINPlanDates>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>R002</LAchildID><UPNunknown>UN1</UPNunknown>
        <PersonBirthDate>2023-01-10</PersonBirthDate><GenderCurrent>M</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>MWBC</Ethnicity>
        <Disabilities><Disability>HEAR</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-01-20</CINreferralDate><ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N5</PrimaryNeedCode><CINclosureDate>2023-06-01</CINclosureDate>
        <ReasonForClosure>RC7</ReasonForClosure><ReferralNFA>false</ReferralNFA>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2025-09-01</CINreferralDate><ReferralSource>5A</ReferralSource>
        <PrimaryNeedCode>N3</PrimaryNeedCode><CINclosureDate>2025-10-10</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure>
        <Assessments><AssessmentActualStartDate>2025-09-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-10-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>21</AssessmentFactors>
          </FactorsIdentifiedAtAssessment></Assessments>
        <Section47><S47ActualStartDate>2025-09-02</S47ActualStartDate></Section47>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def write_return(tmp_path: Path, text: str = RETURN) -> Path:
    path = tmp_path / "return.xml"
    path.write_text(text, encoding="utf-8")
    return path


def exported(cin, tmp_path: Path) -> dict[str, dict]:
    out = tmp_path / "all.json"
    assert cin("export", str(out)).code == 0
    return {case["ref"]: case for case in json.loads(out.read_text())["cases"]}


def test_each_child_becomes_a_case_named_from_the_join_file_or_a_placeholder(
        cin, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("LAchildID,name\nR001,Amira Khan\n", encoding="utf-8")
    result = cin("import", str(write_return(tmp_path)), "--names", str(names))
    assert result.code == 0, result.err
    assert "Added: R001, R002" in result.out
    # R002's Section 47 and its 2023 episode have no place in a case: the report says so.
    assert "child 2 (LAchildID R002):CINdetails: 1 other episode not imported" in result.out
    assert "not imported (a case does not hold them): Section47" in result.out
    cases = exported(cin, tmp_path)
    open_case, closed_case = cases["R001"], cases["R002"]
    assert open_case["name"] == "Amira Khan"
    assert closed_case["name"] == "Child R002"
    # LEA 354 is Rochdale's.
    assert open_case["policy"] == closed_case["policy"] == "rochdale"
    assert open_case["referral_date"] == open_case["allocated"] == "2025-06-02"
    assert open_case["plan_started"] == "2025-07-02" and open_case["closure"] is None
    assert open_case["assessment_factors"] == ["2A"]
    # R002: the open-in-year episode is the 2025 one, closed RC8; GenderCurrent read as sex.
    assert closed_case["closure"]["reason"] == "RC8"
    assert closed_case["closure"]["date"] == "2025-10-10"
    assert closed_case["sex"] == "M"
    assert closed_case["disabilities"] == ["HEAR"] and closed_case["disabled"] is True


def test_a_dry_run_writes_nothing_and_a_second_import_changes_nothing(
        cin, tmp_path: Path) -> None:
    path = write_return(tmp_path)
    dry = cin("import", str(path), "--dry-run")
    assert dry.code == 0 and "Would add: R001, R002" in dry.out
    assert not (tmp_path / "cases.db").exists()
    assert cin("import", str(path)).code == 0
    again = cin("import", str(path))
    assert "Nothing changed" in again.out


def test_an_import_changes_only_what_the_return_carries(cin, tmp_path: Path) -> None:
    path = write_return(tmp_path)
    assert cin("import", str(path)).code == 0
    assert cin("edit-case", "R001", "--name", "Amira Khan", "--team", "North").code == 0
    assert cin("import", str(path), "--policy", "camden").code == 0
    case = exported(cin, tmp_path)["R001"]
    # The return has no name or team, and a stored pack is never replaced by a default.
    assert (case["name"], case["team"], case["policy"]) == ("Amira Khan", "North", "rochdale")


def test_an_unknown_lea_needs_policy(cin, tmp_path: Path) -> None:
    path = write_return(tmp_path, RETURN.replace("<LEA>354</LEA>", "<LEA>201</LEA>"))
    result = cin("import", str(path))
    assert result.code == 1
    assert "Header:Source, LEA: '201' is not the LEA code of a shipped pack" in result.err
    assert "give --policy" in result.err
    assert cin("import", str(path), "--policy", "camden").code == 0


def test_a_wrong_code_refuses_the_whole_return_naming_child_and_element(
        cin, tmp_path: Path) -> None:
    path = write_return(tmp_path, RETURN.replace("<PrimaryNeedCode>N3", "<PrimaryNeedCode>N12"))
    result = cin("import", str(path))
    assert result.code == 1
    assert ("child 2 (LAchildID R002):CINdetails, PrimaryNeedCode: primary need 'N12' is not "
            "a DfE code") in result.err
    assert not (tmp_path / "cases.db").exists()


def refused(err: str, label: str) -> list[tuple[str, str]]:
    """(child, element) of each line `file:child:element: message` of a refusal."""
    pairs = []
    for line in err.splitlines():
        if line.startswith(label + ":"):
            child, element = line[len(label) + 1:].split(":")[:2]
            pairs.append((child, element))
    return pairs


def test_the_validators_fixtures_are_refused_child_by_child_and_field_by_field(
        cin, tmp_path: Path) -> None:
    # Worked out by reading the fixtures (both hold the same two children; the 2026 one adds
    # PreProceedingsandFGDM). ReferenceDate 2024-03-31: the 2023-24 year, 1 Apr 2023 on.
    one, two = "child 1 (LAchildID DfEX0000001)", "child 2 (LAchildID child_fails_assessments)"
    expected = {
        # closed 2023-02-27, before the year began
        (one, "CINdetails, CINclosureDate"),
        # assessment started 2028-04-28: after today (2026-04-20)
        (one, "CINdetails, Assessments, AssessmentActualStartDate"),
        # authorised 2020-09-19, two years before the referral (2022-10-06), the allocation
        (one, "CINdetails, Assessments, AssessmentAuthorisationDate"),
        (one, "ChildIdentifiers, Sex"),  # "1" is not M, F or U
        (one, "CINdetails, Assessments, FactorsIdentifiedAtAssessment"),  # "RB" is no factor
        # A123456789123: 1x2+2x3+...+3x13 = 404; 404 mod 23 = 13, the letter P, not A
        (one, "ChildIdentifiers, UPN"),
        (one, "ChildIdentifiers, UPNunknown"),  # a reason with a UPN
        # referred 2024-10-24, after the reference date
        (two, "CINdetails, CINreferralDate"),
        # assessment started 2023-12-25, before the referral (rule 1103)
        (two, "CINdetails, Assessments, AssessmentActualStartDate"),
        # authorised 2024-01-27, nine months before the referral (2024-10-24)
        (two, "CINdetails, Assessments, AssessmentAuthorisationDate"),
    }
    for year in ("2024", "2026"):
        path = DATA / f"CIN_Census_{year}.xml"
        result = cin("import", str(path), "--policy", "camden")
        assert result.code == 1
        assert set(refused(result.err, str(path))) == expected
        assert "10 problems found" in result.err
    assert not (tmp_path / "cases.db").exists()


def test_a_name_from_the_join_file_is_checked_as_any_name(cin, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("R001,Amira\x1b[2J Khan\nR002\n", encoding="utf-8")
    result = cin("import", str(write_return(tmp_path)), "--names", str(names))
    assert result.code == 1
    assert f"--names {names}: row 2: should be two cells: LAchildID,name" in result.err
    assert "child 1 (LAchildID R001):--names (this child's name):" in result.err
    assert "\x1b" not in result.err  # the escape is shown, never obeyed


def test_names_are_for_the_national_formats_only(cin, tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text('{"cases": []}', encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_text("R001,Amira Khan\n", encoding="utf-8")
    result = cin("import", str(cases), "--names", str(names))
    assert result.code == 1
    assert "--names: is for a census return or a List 6 workbook" in result.err


def test_a_return_is_known_by_its_content_whatever_its_name(cin, tmp_path: Path) -> None:
    path = tmp_path / "export from the recording system.txt"
    path.write_text(RETURN, encoding="utf-8")
    result = cin("import", str(path), "--dry-run")
    assert result.code == 0 and "Would add: R001, R002" in result.out
