"""`cin import return.xml`: a DfE CIN census return as cases for the shared upsert path.

Each child becomes one case: its open episode, or, with none open, its latest episode closed in
the return's census year (a closed case with its RC reason). A child with neither is refused:
a return holds only children in need during its year. The LAchildID is the ref; the name comes
from --names (a CSV of LAchildID,name) or is the placeholder "Child <LAchildID>"; the pack is
--policy's or the one of the header's LEA code (census_scope.PACK_OF_LEA). What the return
holds that a case cannot (Section 47 enquiries, child protection plans, pre-proceedings, a
former UPN...) is listed as not imported.

An import changes only what the file carries: a case field is given only when the return has a
value for it. The placeholder name, the pack and the allocation date (the referral date) fill
a new case, and never replace what a stored case has.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cin_tui.census_scope import DIED, PACK_OF_LEA, PLACEHOLDER_NAME, CensusYear, census_place
from cin_tui.formats.census_xml import CensusChild, CensusFileError, CinDetails, read_census
from cin_tui.formats.fields import Problem
from models.inputs import CaseInput, ClosureInput
from policies.census_codes import disabled_from
from policies.dates import format_date

_CLOSURE_GIVEN = frozenset({"date", "reason"})


@dataclass(frozen=True, slots=True)
class CensusCases:
    cases: list[CaseInput]
    problems: list[Problem]
    warnings: list[Problem]      # what is left out: other episodes, blocks a case cannot hold
    checked: list[CaseInput] = field(default_factory=list)  # refused, checked for all problems


def read_names(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """The join file: a CSV whose rows are LAchildID,name (a header row naming LAchildID is
    skipped)."""
    label = f"--names {path}"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return {}, [Problem(label, "", f"cannot be read ({error.strerror or error})")]
    except UnicodeDecodeError as error:
        return {}, [Problem(label, "", f"is not UTF-8 text (byte {error.start + 1})")]
    names: dict[str, str] = {}
    problems: list[Problem] = []
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        return {}, [Problem(label, "", f"is not a CSV file ({error})")]
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() == "lachildid":
            continue
        if len(cells) != 2 or not cells[0] or not cells[1]:
            problems.append(Problem(f"{label}: row {number}", "",
                                    "should be two cells: LAchildID,name"))
        elif cells[0] in names:
            problems.append(Problem(f"{label}: row {number}", "LAchildID",
                                    f"{cells[0]!r} is named twice"))
        else:
            names[cells[0]] = cells[1]
    return names, problems


def census_cases(data: bytes, *, policies: Mapping[str, Any], default_policy: str | None,
                 names: Mapping[str, str]) -> CensusCases:
    """The cases a census return holds, with every problem located by child and element."""
    try:
        read = read_census(data)
    except CensusFileError as failed:
        return CensusCases([], list(failed.problems), list(failed.warnings))
    header = read.census.header
    problems: list[Problem] = []
    warnings = list(read.warnings)
    reference = header.reference_date
    if reference is None and header.year is not None:
        reference = CensusYear(header.year).reference_date
    if reference is None:
        problems.append(Problem("Header", "CollectionDetails, ReferenceDate",
                                "is missing; the census year comes from it (31 March)"))
        return CensusCases([], problems, warnings)
    year = CensusYear(reference.year if reference.month <= 3 else reference.year + 1)
    policy = default_policy or PACK_OF_LEA.get(header.lea or "")
    if policy is None:
        known = ", ".join(f"{lea} ({pack})" for lea, pack in PACK_OF_LEA.items())
        problems.append(Problem("Header", "Source, LEA", (
            f"{header.lea!r} is not the LEA code of a shipped pack ({known}); give --policy "
            "to say which pack the children's cases follow")))
        return CensusCases([], problems, warnings)
    if policy not in policies:
        problems.append(Problem("--policy", "", f"{policy!r} is not a known policy"))
        return CensusCases([], problems, warnings)
    cases: list[CaseInput] = []
    checked: list[CaseInput] = []
    for number, child in enumerate(read.census.children, start=1):
        record = f"child {number} (LAchildID {child.identifiers.la_child_id})"
        episode, good = _episode(child, year, record, problems, warnings)
        if episode is not None:
            case = _case(child, episode, record, policy, names, warnings)
            (cases if good else checked).append(case)
    return CensusCases(cases, problems, warnings, checked)


def _episode(child: CensusChild, year: CensusYear, record: str, problems: list[Problem],
             warnings: list[Problem]) -> tuple[CinDetails | None, bool]:
    """The episode that becomes the case, and whether it may be imported (when not, the
    problems say why, and the case is only checked, so that all its problems show at once)."""
    open_ones = [episode for episode in child.episodes if episode.closure_date is None]
    if len(open_ones) > 1:
        problems.append(Problem(record, "CINdetails", (
            f"{len(open_ones)} episodes are open (no CINclosureDate); a child has at most "
            "one open episode of need")))
        return None, False
    in_year = [episode for episode in child.episodes
               if year.open_in(episode.referral_date, episode.closure_date)]
    latest = max(child.episodes, key=lambda episode: episode.referral_date)
    chosen = open_ones[0] if open_ones else max(
        in_year, key=lambda episode: episode.referral_date, default=None)
    if chosen is None or chosen not in in_year:
        problems.append(_out_of_year(chosen or latest, year, record))
        return chosen or latest, False
    others = len(child.episodes) - 1
    if others:
        warnings.append(Problem(record, "CINdetails", (
            f"{others} other episode{'s' if others != 1 else ''} not imported: a case is one "
            "episode (the open one, or the latest closed in the census year)")))
    return chosen, True


def _out_of_year(episode: CinDetails, year: CensusYear, record: str) -> Problem:
    """A return holds only children in need on some day of its year."""
    words = f"the {year.start.year}-{year.year % 100:02d} census year"
    if episode.referral_date > year.reference_date:
        return Problem(record, "CINdetails, CINreferralDate", (
            f"{format_date(episode.referral_date)} is after the return's reference date "
            f"({format_date(year.reference_date)}): a return holds only children in need "
            f"during {words}"))
    assert episode.closure_date is not None
    return Problem(record, "CINdetails, CINclosureDate", (
        f"{format_date(episode.closure_date)} is before {words} began "
        f"({format_date(year.start)}): a return holds only children in need during it"))


def _case(child: CensusChild, episode: CinDetails, record: str, policy: str,
          names: Mapping[str, str], warnings: list[Problem]) -> CaseInput:
    ids, about = child.identifiers, child.characteristics
    values: dict[str, Any] = {
        "ref": ids.la_child_id, "dob": ids.birth_date, "sex": ids.sex, "upn": ids.upn,
        "upn_unknown": ids.upn_unknown, "ethnicity": about.ethnicity,
        "referral_date": episode.referral_date, "referral_source": episode.referral_source,
        "primary_need": episode.primary_need,
    }
    if about.disabilities:
        values["disabilities"] = list(about.disabilities)
        values["disabled"] = bool(disabled_from(about.disabilities))
    assessment = max(episode.assessments, key=lambda a: a.actual_start, default=None)
    if assessment is not None:
        values["assessment_started"] = assessment.actual_start
        values["assessment_completed"] = assessment.authorisation
        if assessment.factors:
            values["assessment_factors"] = list(assessment.factors)
    plan = max(episode.plan_dates, key=lambda p: p.start, default=None)
    if plan is not None:
        values["plan_started"] = plan.start
        values["plan_ended"] = plan.end
    given = {name for name, value in values.items() if value is not None}
    closure = None
    if episode.closure_date is not None:
        closure = ClosureInput(date=episode.closure_date, reason=episode.closure_reason or "",
                               fields_given=_CLOSURE_GIVEN)
        given.add("closure")
    name = names.get(ids.la_child_id)
    if name is not None:
        given.add("name")
    _not_kept(child, episode, record, warnings)
    case = CaseInput(
        name=name or PLACEHOLDER_NAME.format(ids.la_child_id), allocated=episode.referral_date,
        policy=policy, closure=closure, source=record, fields_given=frozenset(given),
        defaulted=frozenset({"policy", "allocated"} | ({"name"} if name is None else set())),
        **{key: value for key, value in values.items() if value is not None},
    )
    return case


def _not_kept(child: CensusChild, episode: CinDetails, record: str,
              warnings: list[Problem]) -> None:
    ids = child.identifiers
    death = ids.death_date
    if episode.closure_reason == DIED and death == episode.closure_date:
        death = None  # the closure's date stands for it (census_scope.DIED)
    dropped = [tag for tag, value in (
        ("PersonDeathDate", death), ("FormerUPN", ids.former_upn),
        ("ExpectedPersonBirthDate", ids.expected_birth_date),
        ("DateOfInitialCPC", episode.initial_cpc),
        ("ReferralNFA true", episode.referral_nfa or None), ("Section47", episode.section47s),
        ("ChildProtectionPlans", episode.protection_plans),
        ("PreProceedingsandFGDM", episode.pre_proceedings),
    ) if value not in (None, ())]
    if len(episode.assessments) > 1:
        dropped.append(f"{len(episode.assessments) - 1} earlier Assessments")
    if len(episode.plan_dates) > 1:
        dropped.append(f"{len(episode.plan_dates) - 1} earlier CINPlanDates")
    if any(a.internal_review for a in episode.assessments):
        dropped.append("AssessmentInternalReviewDate")
    if dropped:
        warnings.append(Problem(record, "", "not imported (a case does not hold them): "
                                + ", ".join(dropped)))


def census_field_name(case: CaseInput, field: str) -> str:
    """A validation field of a census-made case, named by where the return holds it."""
    return census_place(field)
