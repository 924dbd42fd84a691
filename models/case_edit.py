"""Adding a case by hand, and changing a case's own details (the new-case and edit-case forms,
`cin add-case` and `cin edit-case`).

Both check a case with the rules an import uses (`models.validation.check_case`), so a case made
by hand is one an import would accept, and both write one audit entry: an added case with every
value, an edit with only the fields it changed, before and after. An edit changes the case row
only, never its visits, meetings or closure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any, TypedDict

from sqlmodel import Session, select

from models import audit, versions
from models.census_checks import (
    CENSUS_CODE_LISTS,
    census_of,
    tidied_codes,
    with_disabled_from_codes,
)
from models.db import one_transaction
from models.inputs import CaseInput, ClosureInput
from models.tables import Case, Closure, Worker
from models.upsert import CASE_COLUMNS
from models.validation import FieldError, ValidationFailed, check_case, fail_if
from policies.dates import format_frequency, parse_frequency
from policies.facts import Frequency


class CaseChanges(TypedDict, total=False):
    """The details of a case an edit may change (CaseInput's names); a field left out keeps
    its value, one given as None clears it."""

    name: str
    dob: date | None
    worker: str | None
    team: str | None
    family: str | None
    disabled: bool
    private_fostering: bool
    visit_every: Frequency | None
    allocated: date
    assessment_completed: date | None
    plan_started: date | None
    complex_plan: bool
    key_worker_led: bool
    referral_date: date | None
    referral_source: str | None
    primary_need: str | None
    assessment_started: date | None
    assessment_factors: list[str]
    plan_ended: date | None
    sex: str | None
    ethnicity: str | None
    upn: str | None
    upn_unknown: str | None
    disabilities: list[str]


EDITABLE_FIELDS: tuple[str, ...] = tuple(CaseChanges.__annotations__)
_TEXT_FIELDS = ("name", "worker", "team", "family")


@one_transaction
def add_case(
    session: Session, *, case: CaseInput, policies: Mapping[str, Any], actor: str, today: date
) -> str:
    """Add one case (no history: its visits and meetings are logged afterwards). The reference
    must be new. Returns the reference."""
    case = with_disabled_from_codes(_tidied(case))
    errors = [FieldError(e.field, e.message) for e in check_case(
        replace(case, visits=[], meetings=[], closure=None), policies=policies, today=today)]
    if case.visits or case.meetings or case.closure is not None:
        errors.append(FieldError("ref", "a new case is added without history; log its visits "
                                        "and meetings once it is added"))
    if case.ref and session.exec(select(Case).where(Case.ref == case.ref)).first() is not None:
        errors.append(FieldError(
            "ref", f"a case with reference {case.ref!r} already exists; give another "
                   "reference, or edit that case"))
    fail_if(errors)
    now = audit.utc_now()
    row = Case(ref=case.ref, name=case.name, policy_id=case.policy, allocated=case.allocated,
               created_at=now, updated_at=now)
    values = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    _apply(session, row, values, team=case.team)
    session.add(row)
    session.flush()
    versions.noted_new_case(session, case.ref)
    audit.record(
        session, actor=actor, action="add_case", case_ref=case.ref,
        summary=f"Added the case ({case.policy} policy)",
        after={"ref": case.ref, "policy": case.policy, **_readable(values)},
    )
    return case.ref


@one_transaction
def edit_case(
    session: Session, *, ref: str, changes: CaseChanges, policies: Mapping[str, Any],
    actor: str, today: date, expected_version: int | None = None,
) -> list[str]:
    """Change the details of the case `ref` (see `CaseChanges`). Returns the names of the
    fields that changed (none: nothing was written). `expected_version`: the case's version
    the changes were made against (see models/versions.py)."""
    row = session.exec(select(Case).where(Case.ref == ref)).first()
    if row is None:
        raise ValidationFailed([FieldError("ref", f"no case with reference {ref!r}")])
    versions.claim(session, row, expected_version)
    unknown = [name for name in changes if name not in EDITABLE_FIELDS]
    if unknown:
        raise ValidationFailed([FieldError(name, "cannot be changed by an edit; the details "
                                           f"that can: {', '.join(EDITABLE_FIELDS)}")
                                for name in unknown])
    current = _as_input(session, row)
    edited = _tidied(replace(current, **changes))
    if "disabilities" in changes:  # the flag follows codes given (models/census_checks.py)
        edited = with_disabled_from_codes(edited)
    fail_if([FieldError(e.field, e.message)
             for e in check_case(edited, policies=policies, today=today)])
    old = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    new = {name: getattr(edited, name) for name in EDITABLE_FIELDS}
    changed = {name: value for name, value in new.items() if value != old[name]}
    if not changed:
        session.rollback()  # nothing changed: the version claimed above stays as it was
        return []
    _apply(session, row, changed, team=edited.team)
    row.updated_at = audit.utc_now()
    session.add(row)
    session.flush()
    names = list(changed)
    audit.record(
        session, actor=actor, action="edit_case", case_ref=ref,
        summary=f"Changed {', '.join(name.replace('_', ' ') for name in names)}",
        before=_readable({name: old[name] for name in names}),
        after=_readable(changed),
    )
    return names


def _tidied(case: CaseInput) -> CaseInput:
    """Text as a form or command line gives it: surrounding spaces off, blank as not given."""
    tidy: dict[str, Any] = {}
    for name in ("ref", "policy", *_TEXT_FIELDS):
        value = getattr(case, name)
        if isinstance(value, str):
            stripped = value.strip()
            tidy[name] = stripped if stripped or name in ("ref", "name", "policy") else None
    return tidied_codes(replace(case, **tidy))


def _as_input(session: Session, row: Case) -> CaseInput:
    """The stored case as the input that would make it, with its closure (its date must stay
    on or after the case's own dates)."""
    worker = session.get(Worker, row.worker_id) if row.worker_id is not None else None
    closure = session.exec(select(Closure).where(Closure.case_id == row.id)).first()
    return CaseInput(
        ref=row.ref, name=row.name, allocated=row.allocated, policy=row.policy_id, dob=row.dob,
        worker=worker.name if worker is not None else None, team=row.team, family=row.family,
        disabled=row.disabled, private_fostering=row.private_fostering,
        visit_every=_frequency(row.visit_every), assessment_completed=row.assessment_completed,
        plan_started=row.plan_started, stepped_down_from=row.stepped_down_from,
        stepped_down_on=row.stepped_down_on, complex_plan=row.complex_plan,
        key_worker_led=row.key_worker_led,
        **census_of(row),
        closure=None if closure is None else ClosureInput(
            date=closure.date, reason=closure.reason, note=closure.note,
            step_down_to_early_help=closure.step_down_to_early_help,
            lead_professional=closure.lead_professional,
            checklist=dict(closure.checklist or {})),
    )


def _frequency(text: str | None) -> Frequency | None:
    try:
        return parse_frequency(text) if text else None
    except ValueError:
        return None  # unreadable stored text: the edit then replaces it (or keeps it out)


def _apply(session: Session, row: Case, values: Mapping[str, Any], *, team: str | None) -> None:
    """Set these values on the case row; a new worker is added with the case's `team`."""
    for name, value in values.items():
        column = CASE_COLUMNS[name]
        if name == "worker":
            row.worker_id = _worker_id(session, value, team)
        elif name == "visit_every":
            row.visit_every = format_frequency(value) if value is not None else None
        elif name in CENSUS_CODE_LISTS:
            setattr(row, column, list(value) or None)
        else:
            setattr(row, column, value)


def _worker_id(session: Session, name: str | None, team: str | None) -> int | None:
    """The worker's id; a worker not known yet is added (with the case's team)."""
    if name is None:
        return None
    worker = session.exec(select(Worker).where(Worker.name == name)).first()
    if worker is None:
        worker = Worker(name=name, team=team)
        session.add(worker)
        session.flush()
    assert worker.id is not None
    return worker.id


def _readable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values for the audit: dates as ISO text, a frequency as "4w"."""
    return {name: format_frequency(value) if isinstance(value, Frequency)
            else value.isoformat() if isinstance(value, date) else value
            for name, value in values.items()}
