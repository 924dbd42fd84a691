"""The rules for a case's DfE Children in Need census fields (called by
`models.validation.check_case`).

Codes must be in their census list (policies/census_codes.toml), a UPN must be one (its check
letter right), and the census dates in order. The census rules cited are the DfE validation
rules as data-to-insight/csc-validator-be-cin implements them (cin_validator/rules/):
1103 (assessment start not before the referral), 4015 (CIN plan start not before the
referral), 8608 (assessment start not after its end), 4011 (CIN plan end not before its
start), 8614 (assessment factors only for a completed assessment), 8869 (factor 21, "no
factors identified", alone), 1510 (the UPN's check letter), 8540 (disability codes).

`disabled` and `disabilities`: with codes recorded, `disabled` is true exactly when a code
other than NONE is given (`with_disabled_from_codes` makes it so where the codes are given
and the flag is not); with none recorded, `disabled` stands on its own, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from models.inputs import CaseInput
from policies.census_codes import (
    ASSESSMENT_FACTORS,
    DISABILITIES,
    ETHNICITIES,
    NO_DISABILITY,
    NO_FACTORS,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    SEXES,
    UPN_UNKNOWN_REASONS,
    CodeList,
    disabled_from,
    normalise_code,
    upn_problem,
)
from policies.dates import format_date

CENSUS_DATES: tuple[str, ...] = ("referral_date", "assessment_started", "plan_ended")
CENSUS_CODES: dict[str, CodeList] = {
    "referral_source": REFERRAL_SOURCES, "primary_need": PRIMARY_NEEDS, "sex": SEXES,
    "ethnicity": ETHNICITIES, "upn_unknown": UPN_UNKNOWN_REASONS,
}
CENSUS_CODE_LISTS: dict[str, CodeList] = {
    "assessment_factors": ASSESSMENT_FACTORS, "disabilities": DISABILITIES,
}
CENSUS_FIELDS: tuple[str, ...] = (
    "referral_date", "referral_source", "primary_need", "assessment_started",
    "assessment_factors", "plan_ended", "sex", "ethnicity", "upn", "upn_unknown",
    "disabilities",
)


def census_dates(case: Any) -> list[tuple[str, date | None]]:
    """The census dates of a case (a `CaseInput` or a stored `Case`) as (what, date) pairs, for
    the closure-date rule (census rules 8630 and 8565: a closure on or after each)."""
    return [("referral", case.referral_date), ("assessment start", case.assessment_started),
            ("plan end", case.plan_ended)]


def census_of(case: Any) -> dict[str, Any]:
    """`census_values` of a stored `Case` row object (its attributes)."""
    return {name: list(getattr(case, name) or []) if name in CENSUS_CODE_LISTS
            else getattr(case, name) for name in CENSUS_FIELDS}


def census_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The census fields of a stored case row (or merged values) as `CaseInput` takes them: a
    list column stored as null is an empty list."""
    return {name: list(values[name] or []) if name in CENSUS_CODE_LISTS else values[name]
            for name in CENSUS_FIELDS}


def tidied_codes(case: CaseInput) -> CaseInput:
    """Codes as the census writes them ("n1 " is N1; a UPN in capitals), blank as not
    given."""
    tidy: dict[str, Any] = {}
    for name in (*CENSUS_CODES, "upn"):
        value = getattr(case, name)
        if isinstance(value, str):
            tidy[name] = normalise_code(value) or None
    for name, codes in CENSUS_CODE_LISTS.items():
        tidy[name] = codes.ordered(
            code for code in map(normalise_code, getattr(case, name)) if code)
    return replace(case, **tidy)


def with_disabled_from_codes(case: CaseInput) -> CaseInput:
    """The case with `disabled` as its disability codes say (unchanged without codes)."""
    derived = disabled_from(case.disabilities)
    return case if derived is None or derived == case.disabled else replace(
        case, disabled=derived)


# (field, message): models.validation makes each a FieldError.
Problem = tuple[str, str]


def check_census_fields(case: CaseInput, refused: set[str]) -> list[Problem]:
    """Every census-field rule for `case`; `refused` names the fields already found wrong (a
    date already refused is not compared with others)."""
    errors: list[Problem] = []
    for name, codes in CENSUS_CODES.items():
        value = getattr(case, name)
        if value is not None and value not in codes:
            errors.append(_not_a_code(name, codes, value))
    for name, codes in CENSUS_CODE_LISTS.items():
        errors += _check_code_list(name, codes, getattr(case, name))
    errors += _check_upn(case)
    errors += _check_disabled(case)
    if case.assessment_factors and case.assessment_completed is None:
        errors.append(("assessment_factors", (
            "factors are recorded at the end of an assessment: give the date the assessment "
            "was completed, or leave the factors out (CIN census rule 8614)")))
    errors += _check_order(case, refused | {field for field, _ in errors})
    return errors


def _not_a_code(field: str, codes: CodeList, value: str) -> Problem:
    return (field, f"{codes.what} {value!r} is not a DfE code: {codes.accepted()}")


def _check_code_list(field: str, codes: CodeList, values: list[str]) -> list[Problem]:
    errors = [_not_a_code(field, codes, value) for value in values if value not in codes]
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        errors.append((field, f"{', '.join(repeated)} given more than once; give "
                                        "each code once"))
    if field == "disabilities" and NO_DISABILITY in values and len(set(values)) > 1:
        errors.append((field, (
            "NONE (no disability) cannot be given with other disability codes; give NONE "
            "alone, or the child's disabilities without it (CIN census rule 8540)")))
    if field == "assessment_factors" and NO_FACTORS in values and len(set(values)) > 1:
        errors.append((field, (
            "21 (no factors identified) cannot be given with other factors; give 21 alone, or "
            "the factors without it (CIN census rule 8869)")))
    return errors


def _check_upn(case: CaseInput) -> list[Problem]:
    errors: list[Problem] = []
    if case.upn is not None:
        problem = upn_problem(case.upn)
        if problem is not None:
            errors.append(("upn", f"{case.upn!r} {problem}"))
    if case.upn is not None and case.upn_unknown is not None:
        errors.append(("upn_unknown", (
            "a reason the UPN is unknown is given with a UPN; give the UPN, or the reason it "
            "is unknown, not both")))
    return errors


def _check_disabled(case: CaseInput) -> list[Problem]:
    derived = disabled_from(case.disabilities)
    if derived is None or derived == case.disabled:
        return []
    codes = ", ".join(case.disabilities)
    says = "a disability" if derived else "no disability"
    return [("disabled", (
        f"is {'yes' if case.disabled else 'no'}, but the disability codes ({codes}) say "
        f"{says}; disabled is yes exactly when a code other than NONE is given: change the "
        "codes, or leave disabled out and it follows them"))]


# (earlier field, later field, what the later is, census rule): the later is on or after
# the earlier. Strictly after for none: the census allows the same day throughout.
_ORDER: tuple[tuple[str, str, str, str], ...] = (
    ("referral_date", "assessment_started",
     "the assessment starts on or after the referral", "1103"),
    ("referral_date", "plan_started", "the CIN plan starts on or after the referral", "4015"),
    ("assessment_started", "assessment_completed",
     "the assessment is completed on or after it starts", "8608"),
    ("plan_started", "plan_ended", "the CIN plan ends on or after it starts", "4011"),
)

_WORDS = {"referral_date": "the referral", "assessment_started": "the assessment's start",
          "assessment_completed": "the assessment's completion",
          "plan_started": "the plan's start", "plan_ended": "the plan's end"}


def _check_order(case: CaseInput, refused: set[str]) -> list[Problem]:
    errors: list[Problem] = []
    if case.plan_ended is not None and case.plan_started is None and "plan_ended" not in refused:
        errors.append(("plan_ended", (
            "a plan end needs the plan's start: give plan_started too, or leave the end out")))
    for earlier, later, rule_words, rule in _ORDER:
        first: date | None = getattr(case, earlier)
        then: date | None = getattr(case, later)
        if first is None or then is None or earlier in refused or later in refused:
            continue
        if then < first:
            errors.append((later, (
                f"{format_date(then)} is before {_WORDS[earlier]} ({format_date(first)}); "
                f"{rule_words} (CIN census rule {rule}). Check both dates")))
    return errors
