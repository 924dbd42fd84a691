"""The census fields through `cin`: add-case / edit-case options, the JSON and CSV formats
(round trip exact; an import changes only what its file carries) and `cin explain` in words.
Today is Mon 23 Nov 2026."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.packs.loader import load_policies

from .cli_helpers import case, write_json

POLICIES = load_policies(None)

CENSUS = {
    "referral_date": "2026-08-20", "referral_source": "3B", "primary_need": "N4",
    "assessment_started": "2026-08-24", "assessment_completed": "2026-09-15",
    "assessment_factors": ["1B", "4B"], "plan_started": "2026-09-20",
    "plan_ended": "2026-11-02", "sex": "M", "ethnicity": "AIND", "upn": "H801200001001",
    "upn_unknown": None, "disabilities": ["COMM", "AUT"], "disabled": True,
}


def exported(cin, path) -> list[dict]:
    assert cin("export", str(path)).code == 0
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def test_json_round_trip_is_exact_and_the_csv_on_top_changes_nothing(cin, tmp_path):
    source = write_json(tmp_path / "in.json", [case("C-1", **CENSUS), case("C-2")])
    assert cin("import", str(source)).code == 0
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    [one, two] = exported(cin, first)
    assert {key: one[key] for key in CENSUS} == CENSUS
    # Nothing recorded: nulls and empty lists, every key present.
    assert (two["primary_need"], two["disabilities"], two["assessment_factors"]) == (
        None, [], [])
    assert cin("import", str(first), database=tmp_path / "other.db").code == 0
    assert cin("export", str(second), database=tmp_path / "other.db").code == 0
    assert first.read_bytes() == second.read_bytes()
    as_csv = tmp_path / "all.csv"
    assert cin("export", str(as_csv)).code == 0
    text = as_csv.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].endswith(
        ',2026-08-20,3B,N4,2026-08-24,"1B, 4B",2026-11-02,M,AIND,H801200001001,,"COMM, AUT"')
    result = cin("import", str(as_csv))
    assert result.code == 0
    assert "Nothing changed" in result.out


def test_a_file_without_the_census_fields_leaves_them_as_they_are(cin, tmp_path):
    assert cin("import", str(write_json(tmp_path / "a.json", [case("C-1", **CENSUS)]))).code == 0
    renamed = write_json(tmp_path / "b.json", [case("C-1", name="New Name")])
    assert cin("import", str(renamed)).code == 0
    [record] = exported(cin, tmp_path / "out.json")
    assert record["name"] == "New Name"
    assert {key: record[key] for key in CENSUS} == CENSUS
    # A CSV case list without the census columns leaves them too.
    listed = tmp_path / "list.csv"
    listed.write_text("ref,name,allocated,policy\nC-1,Newer Name,01/09/2026,wirral\n",
                      encoding="utf-8")
    assert cin("import", str(listed)).code == 0
    [record] = exported(cin, tmp_path / "out2.json")
    assert record["name"] == "Newer Name" and record["primary_need"] == "N4"


def test_codes_in_files_read_as_the_census_writes_them(cin, tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text(
        "ref,name,allocated,policy,primary_need,disabilities,sex\n"
        "C-1,A Child,01/09/2026,wirral,n2,\"aut; mob\",f\n", encoding="utf-8")
    assert cin("import", str(listed)).code == 0
    [record] = exported(cin, tmp_path / "out.json")
    # The codes in capitals and in the census list's order; disabled follows the codes.
    assert (record["primary_need"], record["disabilities"], record["sex"],
            record["disabled"]) == ("N2", ["MOB", "AUT"], "F", True)


def test_a_bad_code_in_a_file_is_refused_with_record_and_field(cin, tmp_path):
    path = write_json(tmp_path / "in.json", [case("C-1", primary_need="N12",
                                                  upn="A801200001001")])
    result = cin("import", str(path))
    assert result.code == 1
    assert f"{path}:case 1 (ref C-1):primary_need: primary need 'N12' is not a DfE code: N0 " \
           "to N9" in result.err
    assert f"{path}:case 1 (ref C-1):upn: 'A801200001001' has the check letter A, but its " \
           "digits give H" in result.err


def test_add_case_and_edit_case_take_the_census_fields(cin, tmp_path):
    result = cin("add-case", "C-0100", "--policy", "wirral", "--name", "Finn Doyle",
                 "--allocated", "14/09/2026", "--referral-date", "10/09/2026",
                 "--referral-source", "2a", "--primary-need", "N1", "--sex", "M",
                 "--ethnicity", "wbri", "--upn-unknown", "UN4", "--disabilities", "NONE")
    assert (result.code, result.err) == (0, "")
    result = cin("edit-case", "C-0100", "--primary-need", "N3", "--disabilities", "mob, hear",
                 "--upn-unknown", "none")
    assert (result.code, result.err) == (0, "")
    assert result.out == ("C-0100: changed disabled, primary need, upn unknown, "
                          "disabilities.\n")
    [record] = exported(cin, tmp_path / "out.json")
    assert {key: record[key] for key in ("referral_date", "referral_source", "primary_need",
                                          "sex", "ethnicity", "upn_unknown", "disabilities",
                                          "disabled")} == {
        "referral_date": "2026-09-10", "referral_source": "2A", "primary_need": "N3",
        "sex": "M", "ethnicity": "WBRI", "upn_unknown": None, "disabilities": ["MOB", "HEAR"],
        "disabled": True}
    refused = cin("edit-case", "C-0100", "--sex", "X")
    assert refused.code == 1
    assert "sex 'X' is not a DfE code: M, F, U" in refused.err


def test_explain_shows_the_census_fields_in_words(cin, tmp_path):
    assert cin("import", str(write_json(tmp_path / "a.json", [case("C-1", **CENSUS)]))).code == 0
    out = cin("explain", "C-1").out
    assert "Referral: 20 Aug 2026, from 3B (HEALTH SERVICES \u2013 health visitor)" in out
    assert "Primary need: N4 (Family in acute stress)" in out
    assert "Sex: M (Male)" in out
    assert "Ethnicity: AIND (Indian)" in out
    assert "UPN: H801200001001" in out
    assert "Disability codes: COMM (Communication); AUT (Autism)" in out
    assert "Plan ended: 2 Nov 2026" in out


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(["primary_need", "referral_source", "sex", "ethnicity", "upn",
                              "upn_unknown", "disabilities", "assessment_factors"]),
       value=st.text(max_size=40))
def test_any_text_in_a_code_field_is_read_or_refused_on_that_field(field, value):
    """Whatever a file holds in a code field, reading and checking it never fails: the value
    is a code of its list (or a UPN) or the field says what is wrong, naming no other field."""
    from cin_tui.formats.json_format import read_json
    from models.validation import check_case

    record = case("C-1", **{field: value})
    cases, problems = read_json(json.dumps({"cases": [record]}))
    assert problems == []
    [read] = cases
    errors = check_case(read, policies=POLICIES, today=date(2026, 11, 23))
    fields = {error.field for error in errors}
    assert fields <= {field, "disabled"}  # codes that say a disability meet `disabled` = no
    for error in errors:
        assert "\x1b" not in error.message  # shown safely: repr() escapes control characters
