"""A case's DfE census fields: every rule with the message the user reads, saving them by hand
and by import (an import changes only what it carries), and migration 0010 keeping old data.
Today is Mon 23 Nov 2026."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from models import case_edit
from models.commands import upsert_cases
from models.db import make_engine, open_database, session_scope
from models.inputs import CaseInput, ClosureInput
from models.migrate import current_revision, head_revision, upgrade
from models.queries import audit_log, get_case_detail
from models.validation import ValidationFailed, check_case

from .conftest import TODAY

ALLOCATED = date(2026, 9, 1)


def good_case(**changes) -> CaseInput:
    case = CaseInput(
        ref="C1", name="Amira Hassan", allocated=ALLOCATED, policy="wirral",
        dob=date(2016, 3, 4), referral_date=date(2026, 8, 20), referral_source="2A",
        primary_need="N1", assessment_started=date(2026, 8, 24),
        assessment_completed=date(2026, 9, 15), assessment_factors=["3B", "4B"],
        plan_started=date(2026, 9, 20), sex="F", ethnicity="WBRI", upn="H801200001001",
        disabilities=["NONE"], source="cases.json:1",
    )
    return replace(case, **changes)


def messages(case: CaseInput, policies) -> list[str]:
    return [str(e) for e in check_case(case, policies=policies, today=TODAY)]


CHECKS_ONLY = pytest.mark.no_database(
    "checks inputs before anything is saved: no database is opened")


@CHECKS_ONLY
def test_a_case_with_every_census_field_passes(policies):
    assert messages(good_case(), policies) == []


@CHECKS_ONLY
def test_a_code_not_in_its_list_names_the_field_and_the_codes_accepted(policies):
    case = good_case(primary_need="N12", sex="X", referral_source="11", upn_unknown="UN9",
                     upn=None, ethnicity="WHIT", disabilities=["MOB", "LEGS"])
    assert messages(case, policies) == [
        "cases.json:1:referral_source: referral source '11' is not a DfE code: 1A, 1B, 1C, 1D, "
        "2A, 2B, 3A, 3B, 3C, 3D, 3E, 3F, 4, 5A, 5B, 5C, 5D, 6, 7, 8, 9, 10",
        "cases.json:1:primary_need: primary need 'N12' is not a DfE code: N0 to N9",
        "cases.json:1:sex: sex 'X' is not a DfE code: M, F, U",
        "cases.json:1:ethnicity: ethnicity 'WHIT' is not a DfE code: WBRI, WIRI, WIRT, WOTH, "
        "WROM, MWBC, MWBA, MWAS, MOTH, AIND, APKN, ABAN, AOTH, BCRB, BAFR, BOTH, CHNE, OOTH, "
        "REFU, NOBT",
        "cases.json:1:upn_unknown: UPN unknown reason 'UN9' is not a DfE code: UN1 to UN7",
        "cases.json:1:disabilities: disability code 'LEGS' is not a DfE code: NONE, MOB, HAND, "
        "PC, INC, COMM, LD, HEAR, VIS, BEH, CON, AUT, DDA",
        # MOB says the child is disabled; the case says not (disabled defaults to no here).
        "cases.json:1:disabled: is no, but the disability codes (MOB, LEGS) say a disability; "
        "disabled is yes exactly when a code other than NONE is given: change the codes, or "
        "leave disabled out and it follows them",
    ]


@CHECKS_ONLY
def test_none_and_21_stand_alone(policies):
    case = good_case(disabilities=["NONE", "MOB"], disabled=True,
                     assessment_factors=["21", "3B"])
    assert messages(case, policies) == [
        "cases.json:1:assessment_factors: 21 (no factors identified) cannot be given with other "
        "factors; give 21 alone, or the factors without it (CIN census rule 8869)",
        "cases.json:1:disabilities: NONE (no disability) cannot be given with other disability "
        "codes; give NONE alone, or the child's disabilities without it (CIN census rule 8540)",
    ]


@CHECKS_ONLY
def test_a_upn_and_its_unknown_reason_not_both_and_a_wrong_check_letter(policies):
    # A801200001001: the digits give H (worked in tests/policies/test_census_codes.py).
    case = good_case(upn="A801200001001", upn_unknown="UN3")
    assert messages(case, policies) == [
        "cases.json:1:upn: 'A801200001001' has the check letter A, but its digits give H; check "
        "each character (CIN census rule 1510)",
        "cases.json:1:upn_unknown: a reason the UPN is unknown is given with a UPN; give the "
        "UPN, or the reason it is unknown, not both",
    ]


@CHECKS_ONLY
def test_census_dates_in_order_with_the_rules_that_say_so(policies):
    case = good_case(referral_date=date(2026, 8, 25), assessment_started=date(2026, 8, 24),
                     plan_started=date(2026, 9, 20), plan_ended=date(2026, 9, 19))
    assert messages(case, policies) == [
        "cases.json:1:assessment_started: 24 Aug 2026 is before the referral (25 Aug 2026); the "
        "assessment starts on or after the referral (CIN census rule 1103). Check both dates",
        "cases.json:1:plan_ended: 19 Sep 2026 is before the plan's start (20 Sep 2026); the CIN "
        "plan ends on or after it starts (CIN census rule 4011). Check both dates",
    ]
    late_referral = good_case(referral_date=date(2026, 9, 21), assessment_started=None)
    assert messages(late_referral, policies) == [
        "cases.json:1:plan_started: 20 Sep 2026 is before the referral (21 Sep 2026); the CIN "
        "plan starts on or after the referral (CIN census rule 4015). Check both dates",
    ]
    assessed = good_case(assessment_started=date(2026, 9, 16))
    assert messages(assessed, policies) == [
        "cases.json:1:assessment_completed: 15 Sep 2026 is before the assessment's start "
        "(16 Sep 2026); the assessment is completed on or after it starts (CIN census rule "
        "8608). Check both dates",
    ]


@CHECKS_ONLY
def test_a_plan_end_needs_a_plan_and_factors_need_a_completed_assessment(policies):
    case = good_case(plan_started=None, plan_ended=date(2026, 10, 1),
                     assessment_completed=None)
    assert messages(case, policies) == [
        "cases.json:1:assessment_factors: factors are recorded at the end of an assessment: give "
        "the date the assessment was completed, or leave the factors out (CIN census rule 8614)",
        "cases.json:1:plan_ended: a plan end needs the plan's start: give plan_started too, or "
        "leave the end out",
    ]


@CHECKS_ONLY
def test_a_census_date_in_the_future_is_refused(policies):
    assert messages(good_case(plan_ended=date(2026, 11, 24)), policies) == [
        "cases.json:1:plan_ended: 24 Nov 2026 is after today (23 Nov 2026); it must have happened"
    ]


@CHECKS_ONLY
def test_closure_before_the_referral_cites_8630_and_8565(policies):
    case = good_case(assessment_started=None, assessment_completed=None,
                     assessment_factors=[], plan_started=None,
                     referral_date=date(2026, 9, 10), closure=ClosureInput(date(2026, 9, 5), "RC8"))
    assert messages(case, policies) == [
        "cases.json:1:closure.date: 5 Sep 2026 is before the referral on 10 Sep 2026; a closure "
        "date must be on or after every other date of the case (CIN census rules 8630 and "
        "8565)",
    ]


# --- saved by hand and by import (both engines) ---------------------------------------------


def run(engine, command, **kwargs):
    with session_scope(engine) as session:
        return command(session, **kwargs)


def detail(engine, ref="C1"):
    with session_scope(engine, write=False) as session:
        return get_case_detail(session, ref)


def test_add_case_keeps_every_census_field_and_disabled_follows_the_codes(engine, policies):
    run(engine, case_edit.add_case, policies=policies, actor="Jo", today=TODAY,
        case=good_case(source=None, primary_need="n2", disabilities=["lD", "mob"]))
    census = detail(engine).census
    assert census == {
        "referral_date": date(2026, 8, 20), "referral_source": "2A", "primary_need": "N2",
        "assessment_started": date(2026, 8, 24), "assessment_factors": ["3B", "4B"],
        "plan_ended": None, "sex": "F", "ethnicity": "WBRI", "upn": "H801200001001",
        "upn_unknown": None, "disabilities": ["MOB", "LD"],  # the census list's order
    }
    assert detail(engine).summary.disabled  # MOB and LD: a disabled child


def test_edit_case_changes_census_fields_and_audits_only_those(engine, policies):
    run(engine, case_edit.add_case, policies=policies, actor="Jo", today=TODAY,
        case=good_case(source=None))
    changed = run(engine, case_edit.edit_case, ref="C1", policies=policies, actor="Jo",
                  today=TODAY, changes={"primary_need": "N4", "disabilities": ["AUT"],
                                        "upn": None, "upn_unknown": "UN4"})
    assert changed == ["disabled", "primary_need", "upn", "upn_unknown", "disabilities"]
    case = detail(engine)
    assert case.summary.disabled and case.census["disabilities"] == ["AUT"]
    with session_scope(engine, write=False) as session:
        entry = audit_log(session, "C1")[-1]
    assert entry.before == {"disabled": False, "primary_need": "N1", "upn": "H801200001001",
                            "upn_unknown": None, "disabilities": ["NONE"]}
    assert entry.after == {"disabled": True, "primary_need": "N4", "upn": None,
                           "upn_unknown": "UN4", "disabilities": ["AUT"]}


def test_an_edit_refuses_a_bad_code_and_saves_nothing(engine, policies):
    run(engine, case_edit.add_case, policies=policies, actor="Jo", today=TODAY,
        case=good_case(source=None))
    with pytest.raises(ValidationFailed) as failed:
        run(engine, case_edit.edit_case, ref="C1", policies=policies, actor="Jo", today=TODAY,
            changes={"primary_need": "N12"})
    assert [str(e) for e in failed.value.errors] == [
        "primary_need: primary need 'N12' is not a DfE code: N0 to N9"]
    assert detail(engine).census["primary_need"] == "N1"


def test_an_import_without_the_census_fields_leaves_them_as_they_are(engine, policies):
    with session_scope(engine) as session:
        upsert_cases(session, cases=[good_case()], actor="Jo", policies=policies, today=TODAY)
    before = detail(engine).census
    # A file that carries only the name (the other fields not given) changes only the name.
    renamed = CaseInput(ref="C1", name="Amira H", allocated=ALLOCATED, policy="wirral",
                        fields_given=frozenset({"ref", "name", "allocated", "policy"}))
    with session_scope(engine) as session:
        summary = upsert_cases(session, cases=[renamed], actor="Jo", policies=policies,
                               today=TODAY)
    assert summary.cases.changed == 1
    assert detail(engine).census == before
    assert detail(engine).summary.name == "Amira H"


# --- migration 0010 -------------------------------------------------------------------------


def test_a_database_at_0008_with_cases_migrates_and_reads_the_same(empty_database):
    engine = make_engine(empty_database)
    upgrade(engine, "0008")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO workers (id, name, team) VALUES (1, 'Sam', 'East')"))
        connection.execute(sa.text(
            "INSERT INTO cases (id, ref, name, dob, worker_id, policy_id, disabled, "
            "private_fostering, visit_every, allocated, assessment_completed, plan_started, "
            "complex_plan, key_worker_led, created_at, updated_at, version) VALUES "
            "(1, 'C1', 'Amy', :dob, 1, 'wirral', :yes, :no, '10wd', :allocated, :assessed, "
            ":plan, :no, :no, :now, :now, 3)"),
            {"dob": date(2015, 3, 1), "yes": True, "no": False, "allocated": date(2026, 1, 5),
             "assessed": date(2026, 1, 20), "plan": date(2026, 2, 2),
             "now": "2026-01-05 09:00:00"})
    engine.dispose()
    engine = open_database(empty_database)  # migrates to the head
    try:
        assert current_revision(engine) == head_revision()
        case = detail(engine)
        assert (case.summary.name, case.summary.worker, case.summary.visit_every) == (
            "Amy", "Sam", "10wd")
        # disabled was true with no codes: it stays true, meaning what it meant.
        assert case.summary.disabled and case.census["disabilities"] == []
        assert (case.assessment_completed, case.plan_started, case.version) == (
            date(2026, 1, 20), date(2026, 2, 2), 3)
        assert all(value in (None, []) for value in case.census.values())  # none recorded
    finally:
        engine.dispose()


def test_closing_a_case_before_its_census_dates_is_refused(engine, add_case, policies):
    from models import commands

    # The plan ended on 12 Nov 2026: a closure dated 11 Nov would show activity after it.
    add_case("C1", allocated=date(2026, 9, 1), plan_started=date(2026, 9, 20),
             referral_date=date(2026, 8, 20), plan_ended=date(2026, 11, 12))
    with pytest.raises(ValidationFailed) as failed:
        run(engine, commands.close_case, ref="C1",
            closure=ClosureInput(date(2026, 11, 11), "RC7"), policies=policies, actor="Sam",
            today=TODAY)
    assert [str(e) for e in failed.value.errors] == [
        "date: 11 Nov 2026 is before the plan end on 12 Nov 2026; a closure date must be on or "
        "after every other date of the case (CIN census rules 8630 and 8565)"]
