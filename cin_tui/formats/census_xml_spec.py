"""The census XML's shape, written once: which element holds which dataclass field, of which
kind, in the schema's order. census_xml_read.py and census_xml_write.py both walk it, so the
reader and the writer cannot disagree about a name or an order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from cin_tui.formats.census_xml_model import (
    Assessment,
    CensusChild,
    CensusHeader,
    ChildCharacteristics,
    ChildIdentifiers,
    ChildProtectionPlan,
    CinDetails,
    CinPlanDates,
    PreProceedings,
    Section47,
)

Kind = Literal["text", "date", "datetime", "year", "bool", "int"]
Value = str | date | datetime | int | bool


@dataclass(frozen=True, slots=True)
class Leaf:
    """An element holding one value."""

    tag: str
    field: str
    kind: Kind = "text"
    required: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """A wrapper element whose leaves belong to the same dataclass (Header's CollectionDetails)."""

    tag: str
    parts: tuple[Leaf, ...]


@dataclass(frozen=True, slots=True)
class Values:
    """A wrapper holding repeated values: Disabilities > Disability*. `none_when_absent`: the
    field is None when the wrapper is missing (and () when it is empty)."""

    tag: str
    item: str
    field: str
    kind: Kind = "text"
    none_when_absent: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    cls: type
    parts: tuple[Leaf | Group | Values | Nested, ...]


@dataclass(frozen=True, slots=True)
class Nested:
    """A nested block: `many` ones become a tuple, a single one the dataclass itself."""

    tag: str
    field: str
    block: Block
    many: bool = True


Part = Leaf | Group | Values | Nested

HEADER = Block(CensusHeader, (
    Group("CollectionDetails", (
        Leaf("Collection", "collection"),
        Leaf("Year", "year", "year"),
        Leaf("ReferenceDate", "reference_date", "date"),
    )),
    Group("Source", (
        Leaf("SourceLevel", "source_level"),
        Leaf("LEA", "lea"),
        Leaf("SoftwareCode", "software_code"),
        Leaf("Release", "release"),
        Leaf("SerialNo", "serial_no"),
        Leaf("DateTime", "date_time", "datetime"),
    )),
))

# `GenderCurrent` (before 2024-25) is read into `sex` too; see census_xml_read.SYNONYMS.
IDENTIFIERS = Block(ChildIdentifiers, (
    Leaf("LAchildID", "la_child_id", required=True),
    Leaf("UPN", "upn"),
    Leaf("FormerUPN", "former_upn"),
    Leaf("UPNunknown", "upn_unknown"),
    Leaf("PersonBirthDate", "birth_date", "date"),
    Leaf("ExpectedPersonBirthDate", "expected_birth_date", "date"),
    Leaf("Sex", "sex"),
    Leaf("PersonDeathDate", "death_date", "date"),
))

CHARACTERISTICS = Block(ChildCharacteristics, (
    Leaf("Ethnicity", "ethnicity"),
    Values("Disabilities", "Disability", "disabilities"),
))

ASSESSMENT = Block(Assessment, (
    Leaf("AssessmentActualStartDate", "actual_start", "date", required=True),
    Leaf("AssessmentInternalReviewDate", "internal_review", "date"),
    Leaf("AssessmentAuthorisationDate", "authorisation", "date"),
    Values("FactorsIdentifiedAtAssessment", "AssessmentFactors", "factors",
           none_when_absent=True),
))

PLAN_DATES = Block(CinPlanDates, (
    Leaf("CINPlanStartDate", "start", "date", required=True),
    Leaf("CINPlanEndDate", "end", "date"),
))

SECTION47 = Block(Section47, (
    Leaf("S47ActualStartDate", "actual_start", "date", required=True),
    Leaf("InitialCPCtarget", "initial_cpc_target", "date"),
    Leaf("DateOfInitialCPC", "initial_cpc", "date"),
    Leaf("ICPCnotRequired", "icpc_not_required", "bool"),
))

PROTECTION_PLAN = Block(ChildProtectionPlan, (
    Leaf("CPPstartDate", "start", "date", required=True),
    Leaf("CPPendDate", "end", "date"),
    Leaf("InitialCategoryOfAbuse", "initial_category"),
    Leaf("LatestCategoryOfAbuse", "latest_category"),
    Leaf("NumberOfPreviousCPP", "previous_plans", "int"),
    Values("Reviews", "CPPreviewDate", "reviews", "date"),
))

PRE_PROCEEDINGS = Block(PreProceedings, (
    Leaf("PPStartDate", "start", "date"),
    Leaf("LBPSentDate", "letter_before_proceedings", "date"),
    Leaf("FGDMMeetingOffer", "fgdm_offered"),
    Leaf("FGDMMeetingFac", "fgdm_held"),
    Leaf("InitialPPMeetingDate", "initial_meeting", "date"),
    Leaf("ReviewMeetingsCount", "review_meetings", "int"),
    Leaf("StepDecisionDate", "step_decision", "date"),
    Leaf("PPOutcome", "outcome"),
    Leaf("CourtAppDate", "court_application", "date"),
    Leaf("LetterInitCPDate", "letter_ending", "date"),
))

CIN_DETAILS = Block(CinDetails, (
    Leaf("CINreferralDate", "referral_date", "date", required=True),
    Leaf("ReferralSource", "referral_source"),
    Leaf("PrimaryNeedCode", "primary_need"),
    Leaf("CINclosureDate", "closure_date", "date"),
    Leaf("ReasonForClosure", "closure_reason"),
    Leaf("DateOfInitialCPC", "initial_cpc", "date"),
    Nested("Assessments", "assessments", ASSESSMENT),
    Nested("CINPlanDates", "plan_dates", PLAN_DATES),
    Nested("Section47", "section47s", SECTION47),
    Leaf("ReferralNFA", "referral_nfa", "bool"),
    Nested("ChildProtectionPlans", "protection_plans", PROTECTION_PLAN),
    Nested("PreProceedingsandFGDM", "pre_proceedings", PRE_PROCEEDINGS),
))

CHILD = Block(CensusChild, (
    Nested("ChildIdentifiers", "identifiers", IDENTIFIERS, many=False),
    Nested("ChildCharacteristics", "characteristics", CHARACTERISTICS, many=False),
    Nested("CINdetails", "episodes", CIN_DETAILS),
))

# What a value of each kind must look like, for the reader's messages.
EXPECTED: dict[Kind, str] = {
    "text": "text",
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time (YYYY-MM-DDThh:mm:ss)",
    "year": "a year (YYYY)",
    "bool": "true or false (or 1 or 0)",
    "int": "a whole number",
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?",
                       re.ASCII)
_BOOLS = {"true": True, "1": True, "false": False, "0": False}


def parse_value(kind: Kind, text: str) -> Value:
    """The value of an element's text; ValueError when it is not of that kind."""
    if kind == "text":
        return text
    if kind == "date":
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    if kind == "datetime":
        if not _DATETIME.fullmatch(text):
            raise ValueError(text)
        return datetime.fromisoformat(text)
    if kind == "year":
        if not re.fullmatch(r"\d{4}", text, re.ASCII):
            raise ValueError(text)
        return int(text)
    if kind == "int":
        if not re.fullmatch(r"\d{1,6}", text, re.ASCII):
            raise ValueError(text)
        return int(text)
    if text.lower() not in _BOOLS:
        raise ValueError(text)
    return _BOOLS[text.lower()]


def format_value(value: Value) -> str:
    """An element's text for a value: ISO dates, "true"/"false" as the DfE guide writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
