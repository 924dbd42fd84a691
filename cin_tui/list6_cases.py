"""Ofsted's Annex A List 6 and cin's cases, both ways.

Export (`cin export list6.xlsx`): the cases open on any day of the six months before today
(Annex A's period for List 6), one row each. "Date Child Was Last Seen" is the latest visit
at which the child was seen (a withdrawn visit does not count); "Age of Child (Years)" is the
age in whole years on the export's today; "Case Status" is "e) Closed episode" for a closed
case, "c) Child in need plan" with a plan running, and "d) Open assessment" otherwise (an open
case with no plan yet).

Import (`cin import list6.xlsx`): each row adds or updates the case whose ref is the Child
Unique ID. What a row gives is imported; an empty cell changes nothing. Age and Case Status are
worked out by cin, so they are read and not imported. The last-seen date is a visit the child
was seen at (added if not already recorded, as a CSV's last_visit). Every row needs its CIN
Start Date (the referral; a new case's allocation date too), and a new case a pack (--policy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cin_tui.census_export import census_reason
from cin_tui.census_scope import PLACEHOLDER_NAME
from cin_tui.formats.annex_a import List6Row
from cin_tui.formats.annex_a_labels import code_for, label_for
from cin_tui.formats.fields import Problem
from models.inputs import CaseInput, ClosureInput, VisitInput

PERIOD_MONTHS = 6
_SEEN = frozenset({"date", "seen"})
_CLOSURE_GIVEN = frozenset({"date", "reason"})

# A List 6 column -> the case field it fills, for locating the field rules' problems.
COLUMN_OF_FIELD = {
    "ref": "Child Unique ID", "name": "--names (this child's name)",
    "sex": "Gender", "ethnicity": "Ethnicity", "dob": "Date of Birth",
    "disabled": "Does the Child have a Disability", "referral_date": "CIN Start Date",
    "allocated": "CIN Start Date", "primary_need": "Primary Need Code",
    "closure.date": "CIN Closure Date", "closure.reason": "Reason for Closure",
    "team": "Allocated Team", "worker": "Allocated Worker",
    "policy": "--policy (the pack of a child not stored yet)",
}


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has no such day)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def list6_rows(cases: Iterable[CaseInput], *, today: date,
               policies: Mapping[str, Any]) -> list[List6Row]:
    since = months_before(today, PERIOD_MONTHS)
    rows = []
    for case in cases:
        closed = case.closure.date if case.closure else None
        if closed is not None and closed < since:
            continue
        rows.append(_row(case, today, policies.get(case.policy)))
    return rows


def _label(column: str, code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return label_for(column, code)
    except KeyError:
        return code


def _row(case: CaseInput, today: date, policy: Any | None) -> List6Row:
    seen = [visit.date for visit in case.visits if visit.seen and visit.withdrawn_on is None]
    closure = case.closure
    reason = census_reason(closure.reason, policy) if closure else None
    plan_running = case.plan_started is not None and case.plan_ended is None
    status = "CLOSED" if closure else "CIN" if plan_running else "ASSESSMENT"
    return List6Row(
        child_id=case.ref,
        gender=_label("Gender", case.sex),
        ethnicity=_label("Ethnicity", case.ethnicity),
        birth_date=case.dob,
        age_years=age_on(case.dob, today) if case.dob else None,
        disability=label_for("Does the Child have a Disability", "Y" if case.disabled else "N"),
        cin_start=case.referral_date,
        primary_need=_label("Primary Need Code", case.primary_need),
        last_seen=max(seen, default=None),
        closure_date=closure.date if closure else None,
        closure_reason=_label("Reason for Closure", reason or (closure.reason if closure
                                                                else None)),
        case_status=label_for("Case Status", status),
        team=case.team,
        worker=case.worker,
    )


def list6_cases(rows: Iterable[List6Row], *, default_policy: str | None,
                default_worker: str | None, names: Mapping[str, str],
                problems: list[Problem]) -> list[CaseInput]:
    """The cases a List 6 gives; every cell refused is added to `problems`, by row and
    column."""
    cases = []
    for number, row in enumerate(rows, start=2):
        record = f"row {number} (Child Unique ID {row.child_id})"
        values: dict[str, Any] = {}
        for column, field, text in (("Gender", "sex", row.gender),
                                    ("Ethnicity", "ethnicity", row.ethnicity),
                                    ("Primary Need Code", "primary_need", row.primary_need)):
            if text is not None:
                values[field] = _code(column, text, record, problems)
        if row.disability is not None:
            flag = _code("Does the Child have a Disability", row.disability, record, problems)
            if flag in ("Y", "N"):
                values["disabled"] = flag == "Y"
        values.update(dob=row.birth_date, referral_date=row.cin_start, team=row.team)
        closure = None
        if row.closure_date is not None or row.closure_reason is not None:
            reason = (_code("Reason for Closure", row.closure_reason, record, problems)
                      if row.closure_reason else None)
            if row.closure_date is None or reason is None:
                problems.append(Problem(record, "CIN Closure Date", (
                    "a closure needs both its date and its Reason for Closure")))
            else:
                closure = ClosureInput(date=row.closure_date, reason=reason,
                                       fields_given=_CLOSURE_GIVEN)
        visits = [VisitInput(date=row.last_seen, seen=True, fields_given=_SEEN)] \
            if row.last_seen else []
        worker = row.worker or default_worker
        given = {field for field, value in values.items() if value is not None}
        given |= {"closure"} if closure else set()
        given |= {"visits"} if visits else set()
        given |= {"worker"} if row.worker else set()
        name = names.get(row.child_id)
        given |= {"name"} if name else set()
        if row.cin_start is None:
            problems.append(Problem(record, "CIN Start Date", (
                "is empty; every List 6 row has the date its episode of need started")))
            continue
        cases.append(CaseInput(
            ref=row.child_id, name=name or PLACEHOLDER_NAME.format(row.child_id),
            allocated=row.cin_start, policy=default_policy or "", worker=worker, closure=closure,
            visits=visits, source=record, fields_given=frozenset(given), summary_history=True,
            defaulted=frozenset({"policy", "allocated"} | ({"name"} if not name else set())
                                | ({"worker"} if worker and not row.worker else set())),
            **{field: value for field, value in values.items()
               if value is not None and field != "worker"},
        ))
    return cases


def _code(column: str, text: str, record: str, problems: list[Problem]) -> str | None:
    code = code_for(column, text)
    if code is None:
        from cin_tui.formats.annex_a_labels import LABELS

        problems.append(Problem(record, column, (
            f"{text!r} is not one of Annex A's: " + ", ".join(LABELS[column].values()))))
    return code
