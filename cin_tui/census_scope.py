"""What the census return and cin's cases share: the census year, the authorities' LEA codes,
what an LAchildID may be, and how a census problem is located (child, element).

The census year (DfE, CIN census guide): the year ending on the ReferenceDate, 31 March; the
2025-26 return is census year 2026, 1 April 2025 to 31 March 2026. A child is in it when an
episode of need was open on any day of it: referred on or before 31 March, and not closed
before 1 April.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# The DfE's three-digit local authority (LEA) codes of the authorities whose procedures the
# shipped packs follow (DfE "LA codes" list; the same codes as the census header's <LEA>).
LEA_OF_PACK: dict[str, str] = {
    "wirral": "344",
    "rochdale": "354",
    "camden": "202",
    "trafford": "358",
    "leicestershire": "855",
}
PACK_OF_LEA: dict[str, str] = {lea: pack for pack, lea in LEA_OF_PACK.items()}

# Census rule 1580: LAchildID is letters and digits only; the CBDS field holds at most 20.
LA_CHILD_ID = re.compile(r"[A-Za-z0-9]{1,20}", re.ASCII)
LA_CHILD_ID_WORDS = "1 to 20 letters and digits, nothing else (census rule 1580)"
PLACEHOLDER_NAME = "Child {}"  # a child's name when the return's join file gives none
# A case closed RC2 (the child died) has no date of death of its own: the census's
# PersonDeathDate, which RC2 needs (census query 8585Q), is the closure date.
DIED = "RC2"


@dataclass(frozen=True, slots=True)
class CensusYear:
    """A census year by its end: CensusYear(2026) runs from 1 April 2025 to 31 March 2026."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def reference_date(self) -> date:
        return date(self.year, 3, 31)

    def open_in(self, start: date, closed: date | None) -> bool:
        """Whether an episode referred on `start` and closed on `closed` (None: open) was open
        on any day of this census year."""
        return start <= self.reference_date and (closed is None or closed >= self.start)

    @classmethod
    def latest_ended(cls, day: date) -> CensusYear:
        """The latest census year ended on or before `day` (its return is the one due)."""
        return cls(day.year if (day.month, day.day) >= (3, 31) else day.year - 1)


def valid_la_child_id(ref: str) -> bool:
    return LA_CHILD_ID.fullmatch(ref) is not None


# A case field (as models.validation names it) -> where the census return holds it, so that
# a problem found by the field rules is located by the return's own element names.
CENSUS_PLACE: dict[str, str] = {
    "ref": "ChildIdentifiers, LAchildID",
    "name": "--names (this child's name)",
    "dob": "ChildIdentifiers, PersonBirthDate",
    "sex": "ChildIdentifiers, Sex",
    "upn": "ChildIdentifiers, UPN",
    "upn_unknown": "ChildIdentifiers, UPNunknown",
    "ethnicity": "ChildCharacteristics, Ethnicity",
    "disabilities": "ChildCharacteristics, Disabilities",
    "disabled": "ChildCharacteristics, Disabilities",
    "referral_date": "CINdetails, CINreferralDate",
    "allocated": "CINdetails, CINreferralDate",
    "referral_source": "CINdetails, ReferralSource",
    "primary_need": "CINdetails, PrimaryNeedCode",
    "closure.date": "CINdetails, CINclosureDate",
    "closure.reason": "CINdetails, ReasonForClosure",
    "assessment_started": "CINdetails, Assessments, AssessmentActualStartDate",
    "assessment_completed": "CINdetails, Assessments, AssessmentAuthorisationDate",
    "assessment_factors": "CINdetails, Assessments, FactorsIdentifiedAtAssessment",
    "plan_started": "CINdetails, CINPlanDates, CINPlanStartDate",
    "plan_ended": "CINdetails, CINPlanDates, CINPlanEndDate",
    "policy": "Header, LEA (or --policy)",
}


def census_place(field: str) -> str:
    return CENSUS_PLACE.get(field, field)
