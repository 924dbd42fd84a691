"""The DfE census code lists shipped as data, their words, and the UPN check letter."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from policies.census_codes import (
    ASSESSMENT_FACTORS,
    CLOSURE_REASONS,
    DISABILITIES,
    ETHNICITIES,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    SEXES,
    UPN_ALPHABET,
    UPN_UNKNOWN_REASONS,
    census_facts,
    disabled_from,
    split_codes,
    upn_check_letter,
    upn_problem,
)


def test_every_list_has_the_census_codes_with_words():
    # Counts from the census schema's enumerations (CIN_schema_2024.xsd): 22 referral sources
    # (1A-1D, 2A-2B, 3A-3F, 4, 5A-5D, 6-10), N0-N9, 20 ethnicities, NONE + 12 disabilities,
    # RC1-RC9, UN1-UN7; sex from 2024-25 is M, F or U.
    assert len(REFERRAL_SOURCES.codes) == 22
    assert list(PRIMARY_NEEDS) == [f"N{n}" for n in range(10)]
    assert len(ETHNICITIES.codes) == 20
    assert len(DISABILITIES.codes) == 13 and "NONE" in DISABILITIES
    assert list(CLOSURE_REASONS) == [f"RC{n}" for n in range(1, 10)]
    assert list(UPN_UNKNOWN_REASONS) == [f"UN{n}" for n in range(1, 8)]
    assert list(SEXES) == ["M", "F", "U"]
    assert "21" in ASSESSMENT_FACTORS and "24A" in ASSESSMENT_FACTORS
    for codes in (REFERRAL_SOURCES, PRIMARY_NEEDS, ETHNICITIES, DISABILITIES,
                  ASSESSMENT_FACTORS, CLOSURE_REASONS, SEXES, UPN_UNKNOWN_REASONS):
        assert all(words.strip() for words in codes.codes.values()), codes.name


def test_codes_are_shown_in_words():
    assert PRIMARY_NEEDS.words("N1") == "N1 (Abuse or neglect)"
    assert REFERRAL_SOURCES.words("2A") == "2A (SCHOOLS)"
    assert ETHNICITIES.words("WBRI") == "WBRI (White British)"
    assert CLOSURE_REASONS.words("RC2") == "RC2 (Died)"
    assert PRIMARY_NEEDS.words("N12") == "N12"  # not a code: shown as it is
    assert ("N1 Abuse or neglect", "N1") in PRIMARY_NEEDS.choices()


def test_accepted_codes_read_as_a_run_or_a_list():
    assert PRIMARY_NEEDS.accepted() == "N0 to N9"
    assert UPN_UNKNOWN_REASONS.accepted() == "UN1 to UN7"
    assert SEXES.accepted() == "M, F, U"


def test_codes_typed_in_one_line_and_kept_in_the_lists_order():
    assert split_codes(" mob; hand ,comm ") == ["MOB", "HAND", "COMM"]
    assert DISABILITIES.ordered(["LD", "MOB", "XYZ", "COMM"]) == ["MOB", "COMM", "LD", "XYZ"]


def test_disabled_follows_codes_only_when_codes_are_given():
    assert disabled_from([]) is None
    assert disabled_from(["NONE"]) is False
    assert disabled_from(["MOB"]) is True


# --- UPN check letters, worked by hand --------------------------------------------------------


def test_a_permanent_upn_check_letter():
    # H801200001001: characters 2-13 are 8 0 1 2 0 0 0 0 1 0 0 1, weights 2..13:
    # 8*2 + 1*4 + 2*5 + 1*10 + 1*13 = 16 + 4 + 10 + 10 + 13 = 53; 53 mod 23 = 7; the 8th
    # letter of ABCDEFGHJK... (A=0) is H.
    assert upn_check_letter("H801200001001") == "H"
    assert upn_problem("H801200001001") is None
    # A950000178301 (the validator's own passing example): 9*2 + 5*3 + 1*8 + 7*9 + 8*10 +
    # 3*11 + 1*13 = 18 + 15 + 8 + 63 + 80 + 33 + 13 = 230 = 10 * 23, remainder 0: A.
    assert upn_problem("A950000178301") is None


def test_a_temporary_upn_ending_in_a_letter():
    # ?80120000100A: as above but character 13 is the letter A, worth 0: 53 - 13 = 40;
    # 40 mod 23 = 17; letter 17 (A=0 ... H=7, J=8, K=9, L=10, M=11, N=12, P=13, Q=14, R=15,
    # T=16, U=17) is U.
    assert upn_check_letter("?80120000100A") == "U"
    assert upn_problem("U80120000100A") is None


def test_wrong_upns_say_what_is_wrong():
    # R247962919251 is the validator's own failing example (rule 1510): 2*2 + 4*3 + 7*4 + 9*5
    # + 6*6 + 2*7 + 9*8 + 1*9 + 9*10 + 2*11 + 5*12 + 1*13 = 405 = 17 * 23 + 14: letter 14, Q.
    assert upn_problem("R247962919251") == (
        "has the check letter R, but its digits give Q; check each character (CIN census rule "
        "1510)")
    assert upn_problem("H80120000100").startswith("is 12 characters long; a UPN is 13")
    assert upn_problem("I801200001001").startswith("is not a UPN")  # no I in the alphabet


@given(st.text(alphabet="0123456789", min_size=11, max_size=11),
       st.sampled_from("0123456789" + UPN_ALPHABET))
def test_the_right_letter_is_accepted_and_every_other_refused(digits, last):
    body = digits + last
    right = upn_check_letter("?" + body)
    assert upn_problem(right + body) is None
    for wrong in UPN_ALPHABET.replace(right, ""):
        assert "check letter" in (upn_problem(wrong + body) or "")


def test_census_facts_in_words_leave_out_what_is_not_recorded():
    facts = census_facts({
        "referral_date": date(2026, 5, 20), "referral_source": "2A", "primary_need": "N1",
        "assessment_started": None, "assessment_factors": ["3B", "4B"], "plan_ended": None,
        "sex": "F", "ethnicity": None, "upn": None, "upn_unknown": "UN4",
        "disabilities": ["NONE"],
    })
    assert facts == [
        ("Referral", "20 May 2026, from 2A (SCHOOLS)"),
        ("Primary need", "N1 (Abuse or neglect)"),
        ("Assessment factors", "3B (Domestic violence: concerns about the child\u2019s "
                               "parent(s)/carer(s) being the subject of domestic violence); "
                               "4B (Mental health: concerns about the mental health of the "
                               "parent(s)/carer(s))"),
        ("Sex", "F (Female)"),
        ("UPN", "unknown: UN4 (Child is new to the local authority and the UPN is not yet "
                "obtained)"),
        ("Disability codes", "NONE (No disability)"),
    ]
    assert census_facts({}) == []
