"""`cin export return.xml --census-year 2026`: cin's cases as a DfE CIN census return.

The cases in the return are those open on any day of the census year (census_scope.CensusYear);
each is one child with one episode (CINdetails). What happened after the ReferenceDate is not
in the return: a closure after 31 March leaves the episode open, a plan ended or an assessment
completed after it is still running, and one started after it is left out.

A case the return cannot carry is refused, every reason at once and by ref: a ref that is not
an LAchildID (census rule 1580), a census field the return needs and the case lacks, a closure
reason of a pack's own with no census code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cin_tui import __version__
from cin_tui.census_scope import DIED, LA_CHILD_ID_WORDS, LEA_OF_PACK, CensusYear, valid_la_child_id
from cin_tui.formats.census_xml import (
    Assessment,
    CensusChild,
    CensusHeader,
    CensusReturn,
    ChildCharacteristics,
    ChildIdentifiers,
    CinDetails,
    CinPlanDates,
)
from models.inputs import CaseInput
from policies.census_codes import CLOSURE_REASONS, NO_DISABILITY, NO_FACTORS
from policies.dates import format_date

SOFTWARE = "cin-tui"
SCHOOL_AGE_UPN_UNKNOWN = ("UN2", "UN3", "UN4", "UN5", "UN6", "UN7")
NO_FACTOR_CLOSURES = ("RC8", "RC9")  # closed after assessment: what factor 21 goes with


@dataclass(frozen=True, slots=True)
class Refused:
    ref: str
    reasons: tuple[str, ...]

    def render(self) -> str:
        return f"{self.ref}: " + "; ".join(self.reasons)


class CensusExportRefused(Exception):
    """The cases the return cannot carry, and why; or (`lea_problem`) no LEA code for it."""

    def __init__(self, refused: list[Refused], lea_problem: str | None = None) -> None:
        self.refused = refused
        self.lea_problem = lea_problem
        super().__init__("\n".join([item.render() for item in refused]
                                   + ([lea_problem] if lea_problem else [])))


def in_year(case: CaseInput, year: CensusYear) -> bool:
    start = case.referral_date or case.allocated
    return year.open_in(start, case.closure.date if case.closure else None)


def census_return(cases: Iterable[CaseInput], *, year: CensusYear, today: date,
                  policies: Mapping[str, Any], lea: str | None = None) -> CensusReturn:
    """The return of the cases open in `year`; CensusExportRefused lists every case it cannot
    carry and why."""
    chosen = [case for case in cases if in_year(case, year)]
    refused: list[Refused] = []
    children = []
    for case in chosen:
        reasons: list[str] = []
        made = _child(case, year, policies.get(case.policy), reasons)
        if reasons:
            refused.append(Refused(case.ref, tuple(reasons)))
        elif made is not None:
            children.append(made)
    lea_problem = None
    if lea is None and not chosen:
        lea_problem = (f"no case was open in census year {year.year} "
                       f"({format_date(year.start)} to {format_date(year.reference_date)}): "
                       "nothing to return (--census-year YYYY names the year by the 31 March "
                       "it ends on)")
    elif lea is None:
        leas = sorted({LEA_OF_PACK.get(case.policy, f"none for pack {case.policy!r}")
                       for case in chosen})
        if len(leas) == 1 and leas[0].isdigit():
            lea = leas[0]
        else:
            lea_problem = ("no LA code for the return: the cases' packs give "
                           + ", ".join(leas) + "; a return is one "
                           "authority's: give --lea CODE (its 3-digit LA code)")
    if refused or lea_problem or lea is None:
        raise CensusExportRefused(refused, lea_problem)
    header = CensusHeader("CIN", year.year, year.reference_date, "L", lea, SOFTWARE,
                          __version__, "001", datetime(today.year, today.month, today.day))
    return CensusReturn(header, tuple(children))


def _child(case: CaseInput, year: CensusYear, policy: Any | None,
           reasons: list[str]) -> CensusChild | None:
    reasons += _identity_reasons(case, year)
    reference = year.reference_date
    closure_date = closure_reason = None
    if case.closure is not None and case.closure.date <= reference:
        closure_date = case.closure.date
        closure_reason = census_reason(case.closure.reason, policy)
        if closure_reason is None:
            reasons.append(f"closure reason {case.closure.reason!r} has no census code (RC1 "
                           "to RC9) in its pack")
    assessments = _assessments(case, year)
    reasons += _assessment_reasons(assessments, closure_reason)
    if reasons or case.referral_date is None:
        return None
    ids = ChildIdentifiers(case.ref, upn=case.upn, upn_unknown=case.upn_unknown,
                           birth_date=case.dob, sex=case.sex,
                           death_date=closure_date if closure_reason == DIED else None)
    about = ChildCharacteristics(case.ethnicity, tuple(case.disabilities) or (NO_DISABILITY,))
    episode = CinDetails(
        case.referral_date, case.referral_source, case.primary_need, closure_date,
        closure_reason, assessments=assessments, plan_dates=_plans(case, year),
        referral_nfa=False)
    return CensusChild(ids, about, (episode,))


def _identity_reasons(case: CaseInput, year: CensusYear) -> list[str]:
    """Why the child's identifiers and characteristics cannot go in the return."""
    reasons = []
    if not valid_la_child_id(case.ref):
        reasons.append(f"the ref is not an LAchildID: {LA_CHILD_ID_WORDS}")
    needed = [("referral_date", case.referral_date), ("referral_source", case.referral_source),
              ("primary_need", case.primary_need), ("sex", case.sex),
              ("ethnicity", case.ethnicity), ("dob", case.dob)]
    missing = [name for name, value in needed if value is None]
    if missing:
        reasons.append("the census needs " + ", ".join(missing))
    if case.upn is None and case.upn_unknown is None:
        reasons.append("the census needs upn, or upn_unknown (the reason it is unknown)")
    school_age = date(year.year - 6, 8, 31)  # born on or before: of school age (8770Q)
    if (case.upn is None and case.upn_unknown not in (None, *SCHOOL_AGE_UPN_UNKNOWN)
            and case.dob is not None and case.dob <= school_age):
        reasons.append(f"upn_unknown {case.upn_unknown} is not a reason for a child of school "
                       f"age (born on or before {format_date(school_age)}): give the UPN, or "
                       "a reason UN2 to UN7 (census query 8770Q)")
    if case.disabled and not case.disabilities:
        reasons.append("disabled, with no disability codes: give the codes (disabilities)")
    return reasons


def _assessment_reasons(assessments: tuple[Assessment, ...],
                        closure_reason: str | None) -> list[str]:
    """Why the assessment as the return shows it would be queried."""
    reasons = []
    for assessment in assessments:
        if assessment.authorisation is not None and not assessment.factors:
            reasons.append("the assessment was completed with no assessment_factors: give "
                           "them, or 21 when none were identified (census query 8897Q)")
        if NO_FACTORS in (assessment.factors or ()) and closure_reason not in NO_FACTOR_CLOSURES:
            reasons.append("assessment factor 21 (no factors identified) on an episode not "
                           "closed RC8 or RC9 by 31 March: close it so, or give the factors "
                           "found (census query 8873Q)")
    return reasons


def census_reason(reason: str, policy: Any | None) -> str | None:
    """The census code of a closure reason: an RC code itself, or a pack reason's `census`."""
    if reason in CLOSURE_REASONS:
        return reason
    for own in getattr(policy, "closure_reasons", ()) or ():
        if own.code == reason:
            return own.census
    return None


def _before(day: date | None, reference: date) -> date | None:
    return day if day is not None and day <= reference else None


def _assessments(case: CaseInput, year: CensusYear) -> tuple[Assessment, ...]:
    """The assessment, when it ran on some day of the year (census rule 8696: one completed
    before the year began is not in the return)."""
    started = _before(case.assessment_started, year.reference_date)
    if started is None:
        return ()
    completed = _before(case.assessment_completed, year.reference_date)
    if completed is not None and completed < year.start:
        return ()
    # Factors are recorded when the assessment is authorised; with no authorisation date the
    # element is absent (census rules 8614, 8897Q).
    factors = tuple(case.assessment_factors) if completed is not None else None
    return (Assessment(started, authorisation=completed, factors=factors),)


def _plans(case: CaseInput, year: CensusYear) -> tuple[CinPlanDates, ...]:
    """The CIN plan, when it ran on some day of the year."""
    started = _before(case.plan_started, year.reference_date)
    if started is None:
        return ()
    ended = _before(case.plan_ended, year.reference_date)
    if ended is not None and ended < year.start:
        return ()
    return (CinPlanDates(started, ended),)
