"""The DfE Children in Need census return as typed values: what census_xml_read.py reads and
census_xml_write.py writes.

One dataclass per block of the XML, fields in the schema's element order (the XSD kept in
SocialFinanceDigitalLabs/liia-tools, liiatools/spec/cin_census/, plus the 2024-25 `Sex` and the
2025-26 `PreProceedingsandFGDM`). Codes (Sex, Ethnicity, ReferralSource, PrimaryNeedCode,
ReasonForClosure, ...) are kept as written: judging them against the DfE code lists is the
importer's job, so a return with a wrong code still reads and the importer can say which child
and field is refused.

A repeated block that may be absent or empty keeps the difference where the validator sees it:
`factors` is None when `FactorsIdentifiedAtAssessment` is absent and () when it is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class CensusHeader:
    collection: str | None = None           # "CIN"
    year: int | None = None                 # the census year's end: 2026 for 2025-26
    reference_date: date | None = None      # 31 March of that year
    source_level: str | None = None         # "L" (local authority)
    lea: str | None = None                  # the 3-digit local authority code
    software_code: str | None = None
    release: str | None = None
    serial_no: str | None = None            # digits, kept as text: "001"
    date_time: datetime | None = None       # when the file was made


@dataclass(frozen=True, slots=True)
class ChildIdentifiers:
    la_child_id: str
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown: str | None = None          # UN1-UN10: why there is no UPN
    birth_date: date | None = None
    expected_birth_date: date | None = None
    sex: str | None = None                  # `Sex` (from 2024-25) or the older `GenderCurrent`
    death_date: date | None = None


@dataclass(frozen=True, slots=True)
class ChildCharacteristics:
    ethnicity: str | None = None
    disabilities: tuple[str, ...] = ()      # "NONE" when the child has none


@dataclass(frozen=True, slots=True)
class Assessment:
    actual_start: date
    internal_review: date | None = None
    authorisation: date | None = None       # the assessment's completion
    factors: tuple[str, ...] | None = None  # None: no FactorsIdentifiedAtAssessment element


@dataclass(frozen=True, slots=True)
class CinPlanDates:
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Section47:
    actual_start: date
    initial_cpc_target: date | None = None
    initial_cpc: date | None = None
    icpc_not_required: bool | None = None


@dataclass(frozen=True, slots=True)
class ChildProtectionPlan:
    start: date
    end: date | None = None
    initial_category: str | None = None     # category of abuse: NEG, PHY, SAB, EMO, MUL
    latest_category: str | None = None
    previous_plans: int | None = None       # NumberOfPreviousCPP
    reviews: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class PreProceedings:
    """`PreProceedingsandFGDM` (2025-26): pre-proceedings and family group decision making."""

    start: date | None = None               # PPStartDate
    letter_before_proceedings: date | None = None  # LBPSentDate
    fgdm_offered: str | None = None         # FGDMMeetingOffer
    fgdm_held: str | None = None            # FGDMMeetingFac
    initial_meeting: date | None = None     # InitialPPMeetingDate
    review_meetings: int | None = None      # ReviewMeetingsCount
    step_decision: date | None = None       # StepDecisionDate
    outcome: str | None = None              # PPOutcome
    court_application: date | None = None   # CourtAppDate
    letter_ending: date | None = None       # LetterInitCPDate


@dataclass(frozen=True, slots=True)
class CinDetails:
    """One episode of need (`CINdetails`): from referral to closure."""

    referral_date: date
    referral_source: str | None = None
    primary_need: str | None = None         # N0-N9
    closure_date: date | None = None
    closure_reason: str | None = None       # RC1-RC9
    initial_cpc: date | None = None         # DateOfInitialCPC at episode level
    assessments: tuple[Assessment, ...] = ()
    plan_dates: tuple[CinPlanDates, ...] = ()
    section47s: tuple[Section47, ...] = ()
    referral_nfa: bool | None = None        # referral, no further action
    protection_plans: tuple[ChildProtectionPlan, ...] = ()
    pre_proceedings: tuple[PreProceedings, ...] = ()


@dataclass(frozen=True, slots=True)
class CensusChild:
    identifiers: ChildIdentifiers
    characteristics: ChildCharacteristics
    episodes: tuple[CinDetails, ...]


@dataclass(frozen=True, slots=True)
class CensusReturn:
    header: CensusHeader
    children: tuple[CensusChild, ...]
