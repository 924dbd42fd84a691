"""Field rules shared by the forms (through `models.commands`) and the importer.

Every check returns a list of `FieldError` (empty when the input is fine), so a caller can
collect every problem at once and show them all. Messages say what is wrong and what would be
accepted. Dates in messages are written the UK way ("5 Mar 2026").

Dates and text are kept within sense for both (docs/formats.md, "Date limits"; the limits
themselves are in `policies.limits`): every date on or after 14 Oct 1991, when Child in Need
began; nothing more than 40 weeks before the child's birth (pre-birth work); the child under 19
at allocation; the plan not before allocation and the assessment at most 3 months before it;
bookings at most 2 years ahead. Text
holds no control characters (line breaks and tabs only in long free text) and no bidirectional
override or isolate characters.

Forms and imports differ in one way, chosen by `historic`:
- a form (`historic=False`, the default) records a visit as it happens, so it must say whether
  the child was seen alone and must record the child's voice when the child was seen; a
  cancelled meeting needs a reason; a closure needs the pack's checklist done;
- an import (`historic=True`) brings in records from older systems, which often lack these
  fields, so they are optional there. Every other rule applies to both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from models.census_checks import CENSUS_DATES, census_dates, check_census_fields
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from policies.ages import SEEN_ALONE_FROM_AGE, age_in_years, expected_to_be_seen_alone
from policies.census_codes import CLOSURE_REASONS
from policies.dates import format_date
from policies.facts import MEETING_KINDS, MEETING_STATUSES, STEP_DOWN_SOURCES
from policies.limits import (
    ASSESSMENT_BEFORE_ALLOCATION_MONTHS,
    BOOKING_HORIZON_YEARS,
    EARLIEST_DOB,
    EARLIEST_EVENT,
    LATEST_DATE,
    MAX_AGE_AT_ALLOCATION,
    PRE_BIRTH_WEEKS,
    booking_horizon,
    earliest_before_birth,
)
from policies.safe_text import UNSAFE_CODE_POINTS

VISIT_LOCATIONS: tuple[str, ...] = ("home", "school", "other")

# DfE Children in Need census closure reason codes, in the census's own words (the same wording
# as Ofsted's Annex A): policies/census_codes.toml.
CENSUS_CLOSURE_REASONS: dict[str, str] = dict(CLOSURE_REASONS.codes)


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str
    record: str | None = None

    def __str__(self) -> str:
        if self.record:
            return f"{self.record}:{self.field}: {self.message}"
        return f"{self.field}: {self.message}"

    def for_record(self, record: str | None) -> FieldError:
        return FieldError(self.field, self.message, record)


class ValidationFailed(Exception):
    """Bad input: nothing was written. `.errors` lists every problem found."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors: list[FieldError] = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def fail_if(errors: Sequence[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _d(value: date) -> str:
    return format_date(value)


def _listed(options: Iterable[str]) -> str:
    return ", ".join(options)


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def errors_for(errors: Iterable[FieldError], field: str) -> bool:
    """Whether `field` already has an error (so a second, less useful one is not added)."""
    return any(e.field == field for e in errors)


def not_after_today(field: str, value: date | None, today: date, what: str) -> list[FieldError]:
    if value is not None and value > today:
        return [FieldError(field, f"{_d(value)} is after today ({_d(today)}); {what}")]
    return []


# --- dates within sense ---------------------------------------------------------------------


def check_event_date(field: str, value: date | None, *, dob: date | None) -> list[FieldError]:
    """Any date of something done or planned for a child: not before Child in Need began
    (EARLIEST_EVENT), not after LATEST_DATE, and not more than PRE_BIRTH_WEEKS before the
    child's birth (pre-birth work is allowed, nothing earlier)."""
    if value is None:
        return []
    if value < EARLIEST_EVENT:
        return [FieldError(field, (
            f"{_d(value)} is before {_d(EARLIEST_EVENT)}, when Child in Need (Children Act "
            f"1989, section 17) began; check the year (a date from {_d(EARLIEST_EVENT)} on is "
            "accepted)"
        ))]
    if value > LATEST_DATE:
        return [FieldError(field, (
            f"{_d(value)} is after {_d(LATEST_DATE)}, the last date cin accepts; check the year"
        ))]
    if dob is not None and value < earliest_before_birth(dob):
        return [FieldError(field, (
            f"{_d(value)} is more than {PRE_BIRTH_WEEKS} weeks before the child was born "
            f"({_d(dob)}); pre-birth work is accepted from {_d(earliest_before_birth(dob))} "
            "on. Check both dates"
        ))]
    return []


def check_booking(field: str, value: date, *, today: date) -> list[FieldError]:
    """A date booked ahead: at most BOOKING_HORIZON_YEARS after today."""
    latest = booking_horizon(today)
    if value > latest:
        return [FieldError(field, (
            f"{_d(value)} is more than {BOOKING_HORIZON_YEARS} years after today "
            f"({_d(today)}); book it for {_d(latest)} or earlier"
        ))]
    return []


def check_dob(dob: date | None, *, allocated: date) -> list[FieldError]:
    """Born on or after EARLIEST_DOB, not after allocation (leave it blank for an unborn
    child), and under MAX_AGE_AT_ALLOCATION + 1 at allocation."""
    if dob is None:
        return []
    if dob < EARLIEST_DOB:
        return [FieldError("dob", (
            f"{_d(dob)} is before {_d(EARLIEST_DOB)}: a child born then was 19 or older when "
            f"Child in Need began ({_d(EARLIEST_EVENT)}); check the year"
        ))]
    if dob > allocated:
        return [FieldError(
            "dob",
            f"the date of birth ({_d(dob)}) is after allocation ({_d(allocated)}); "
            "check both dates (leave it blank for an unborn child)",
        )]
    age = age_in_years(dob, allocated)
    if age > MAX_AGE_AT_ALLOCATION:
        earliest = (allocated - relativedelta(years=MAX_AGE_AT_ALLOCATION + 1)
                    + relativedelta(days=1))
        return [FieldError("dob", (
            f"the child would have been {age} at allocation ({_d(allocated)}); a Child in Need "
            f"case is for a child under 18, so a date of birth from {_d(earliest)} on is "
            "accepted. Check both dates"
        ))]
    return []


# --- text within sense ----------------------------------------------------------------------

# What is refused on input is exactly what safe_text would have to show as an escape on output:
# control characters (C0, DEL, C1), direction-changing characters (they reorder what is shown,
# so a name or note could read differently from what is stored), line and paragraph
# separators and lone surrogates. Long free text may hold line breaks and tabs.
_CONTROL_NAMES = {0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x09: "tab",
                  0x0A: "line break", 0x0B: "vertical tab", 0x0C: "form feed",
                  0x0D: "carriage return", 0x1B: "escape character", 0x7F: "delete character"}


def _character_class(codes: frozenset[int]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]")


# Searched in C: an import checks every character of hundreds of thousands of voices and notes.
_REFUSED_ON_ONE_LINE = _character_class(UNSAFE_CODE_POINTS)
_REFUSED_IN_LONG_TEXT = _character_class(UNSAFE_CODE_POINTS - {ord("\n"), ord("\t")})


def _refused_character(text: str, *, long: bool) -> tuple[int, str] | None:
    """The position and code point of the first character refused in `text`, or None."""
    found = (_REFUSED_IN_LONG_TEXT if long else _REFUSED_ON_ONE_LINE).search(text)
    return None if found is None else (found.start(), found.group())


def _character_words(char: str) -> str:
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    if name is None:
        described = unicodedata.name(char, "")
        name = f"{described.lower()} character" if described else "control character"
    article = "an" if name[0] in "aeiou" else "a"
    return f"{article} {name} (U+{code:04X})"


def check_text(field: str, value: str | None, *, long: bool = False) -> list[FieldError]:
    """No control characters (C0, DEL, C1) and no bidirectional override or isolate characters.
    `long` free text (the child's voice, notes, reasons) may hold line breaks and tabs; every
    other field is one line."""
    if not value or not isinstance(value, str):
        return []
    found = _refused_character(value, long=long)
    if found is None:
        return []
    position, char = found
    accepted = (
        "plain text is accepted: line breaks and tabs are fine, other control characters "
        "and direction-changing characters are not"
        if long else
        "one line of plain text is accepted: no line breaks, tabs, control characters or "
        "direction-changing characters"
    )
    return [FieldError(
        field, f"has {_character_words(char)} at character {position + 1}; {accepted}")]


def check_texts(
    prefix: str, values: Iterable[tuple[str, str | None]], *, long: bool = False
) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, value in values:
        errors += check_text(f"{prefix}{name}", value, long=long)
    return errors


# --- visits ---------------------------------------------------------------------------------


def check_visit(
    visit: VisitInput,
    *,
    dob: date | None,
    today: date,
    allocated: date | None = None,
    closure_date: date | None = None,
    historic: bool = False,
    prefix: str = "",
) -> list[FieldError]:
    """Rules for one visit. `allocated` is accepted for symmetry with the other checks: visits
    before allocation are allowed (assessment visits often come first)."""
    f = prefix
    errors = check_event_date(f"{f}date", visit.date, dob=dob) or not_after_today(
        f"{f}date", visit.date, today, "record a visit once it has happened"
    )
    errors += check_texts(f, [("not_alone_reason", visit.not_alone_reason),
                              ("childs_voice", visit.childs_voice)], long=True)
    errors += check_text(f"{f}location", visit.location)
    if closure_date is not None and visit.date > closure_date:
        errors.append(FieldError(
            f"{f}date",
            f"{_d(visit.date)} is after the case was closed ({_d(closure_date)}); "
            "a closed case takes no new visits",
        ))
    if not visit.seen and visit.seen_alone:
        errors.append(FieldError(
            f"{f}seen_alone",
            "cannot be yes when the child was not seen; set seen to yes, "
            "or seen_alone to no or blank",
        ))
    if visit.seen:
        errors += _check_seen_child(visit, dob=dob, historic=historic, prefix=f)
    if (not historic and visit.seen and visit.seen_alone
            and not _blank(visit.not_alone_reason)
            and not errors_for(errors, f"{f}not_alone_reason")):
        errors.append(FieldError(
            f"{f}not_alone_reason",
            "only for a child not seen alone: leave it out, or say the child was not seen "
            "alone",
        ))
    if visit.location is not None and visit.location not in VISIT_LOCATIONS and not any(
        e.field == f"{f}location" for e in errors
    ):
        errors.append(FieldError(
            f"{f}location",
            f"{visit.location!r} is not a visit location; use one of: {_listed(VISIT_LOCATIONS)}",
        ))
    errors += check_withdrawal(f, visit.withdrawn_on, visit.withdrawn_reason, today=today,
                               dob=dob)
    if visit.recorded is not None:
        if visit.recorded < visit.date:
            errors.append(FieldError(
                f"{f}recorded",
                f"{_d(visit.recorded)} is before the visit ({_d(visit.date)}); "
                "a visit is recorded on or after the day it happened",
            ))
        errors += not_after_today(
            f"{f}recorded", visit.recorded, today, "use the date the record was written"
        )
    return errors


# --- visit warnings: saved only when the user confirms -------------------------------------

# A visit this long before allocation is asked about: an assessment visit may come before
# allocation, and an assessment finished up to ASSESSMENT_BEFORE_ALLOCATION_MONTHS before it is
# accepted (`_check_after_allocation`), so a visit earlier than that belongs to no assessment of
# this case: most likely a mistyped year. The same limit serves both, so they never disagree.
VISIT_BEFORE_ALLOCATION_MONTHS = ASSESSMENT_BEFORE_ALLOCATION_MONTHS


class NeedsConfirmation(Exception):
    """Input that is valid but looks mistaken: nothing was written. `.warnings` says what; the
    same input given again with confirmation (the form's second ctrl+s, the CLI's --confirm)
    is saved."""

    def __init__(self, warnings: Sequence[FieldError]) -> None:
        self.warnings: list[FieldError] = list(warnings)
        super().__init__("\n".join(str(w) for w in self.warnings))


def visit_warnings(
    visit: VisitInput, *, allocated: date | None, other_visits: Iterable[date],
    prefix: str = "",
) -> list[FieldError]:
    """What to ask about before saving a visit (warnings, not errors): a date more than
    VISIT_BEFORE_ALLOCATION_MONTHS before the case's allocation, and a visit to the same child
    on the same date already recorded (`other_visits`: the dates of the child's visits)."""
    warnings: list[FieldError] = []
    if allocated is not None:
        earliest = allocated - relativedelta(months=VISIT_BEFORE_ALLOCATION_MONTHS)
        if visit.date < earliest:
            warnings.append(FieldError(f"{prefix}date", (
                f"{_d(visit.date)} is more than {VISIT_BEFORE_ALLOCATION_MONTHS} months before "
                f"the case was allocated ({_d(allocated)}); check the year"
            )))
    if visit.date in set(other_visits):
        warnings.append(FieldError(f"{prefix}date", (
            f"a visit to this child on {_d(visit.date)} is already recorded; is this the same "
            "visit twice?"
        )))
    return warnings


def case_visit_warnings(case: CaseInput) -> list[FieldError]:
    """`visit_warnings` for each visit of an imported case, against the case's allocation and
    its other visits in the same record; each names the record."""
    warnings: list[FieldError] = []
    dates = [visit.date for visit in case.visits]
    for i, visit in enumerate(case.visits, start=1):
        others = dates[:i - 1]  # the first of two on one date is fine; the second is asked about
        warnings += visit_warnings(visit, allocated=case.allocated, other_visits=others,
                                   prefix=f"visits[{i}].")
    record = case.source or case.ref
    return [w.for_record(record) for w in warnings]


def _check_seen_child(
    visit: VisitInput, *, dob: date | None, historic: bool, prefix: str
) -> list[FieldError]:
    f = prefix
    errors: list[FieldError] = []
    if visit.seen_alone is None and not historic:
        errors.append(FieldError(
            f"{f}seen_alone", "say whether the child was seen alone (yes or no)"
        ))
    if visit.seen_alone is False and _blank(visit.not_alone_reason):
        if dob is not None and expected_to_be_seen_alone(dob, visit.date):
            errors.append(FieldError(
                f"{f}not_alone_reason",
                f"the child was {age_in_years(dob, visit.date)} on {_d(visit.date)} and was "
                "not seen alone: record the reason (required for a child aged "
                f"{SEEN_ALONE_FROM_AGE} or over)",
            ))
        elif dob is None and not historic:
            errors.append(FieldError(
                f"{f}not_alone_reason",
                "the child was not seen alone and has no date of birth recorded: record the "
                f"reason (required for a child aged {SEEN_ALONE_FROM_AGE} or over)",
            ))
    if _blank(visit.childs_voice) and not historic:
        errors.append(FieldError(
            f"{f}childs_voice",
            "record the child's views and wishes (the child's voice) when the child was seen",
        ))
    return errors


def check_withdrawal(prefix: str, withdrawn_on: date | None, reason: str | None, *,
                     today: date, dob: date | None) -> list[FieldError]:
    """A withdrawn visit or meeting (models/corrections.py) as an import carries it: the day
    it was withdrawn, not after today, with the reason; no reason without the day."""
    f = prefix
    errors = check_event_date(f"{f}withdrawn_on", withdrawn_on, dob=dob)
    errors += not_after_today(f"{f}withdrawn_on", withdrawn_on, today,
                              "use the day it was withdrawn")
    errors += check_text(f"{f}withdrawn_reason", reason, long=True)
    if withdrawn_on is not None and _blank(reason):
        errors.append(FieldError(f"{f}withdrawn_reason",
                                 "say why it was withdrawn (required with withdrawn_on)"))
    if withdrawn_on is None and not _blank(reason):
        errors.append(FieldError(f"{f}withdrawn_on", "give the day it was withdrawn (required "
                                                      "with withdrawn_reason), or leave both out"))
    return errors


# --- meetings -------------------------------------------------------------------------------


def check_meeting(
    meeting: MeetingInput,
    *,
    today: date,
    dob: date | None = None,
    closure_date: date | None = None,
    historic: bool = False,
    prefix: str = "",
) -> list[FieldError]:
    """Rules for one meeting. A booked meeting may be in the past (it has simply not been
    marked held yet) or the future, at most BOOKING_HORIZON_YEARS ahead. A cancelled meeting
    keeps the date it was planned for, which may be in the future; its cancellation date may
    not."""
    f = prefix
    errors = check_event_date(f"{f}date", meeting.date, dob=dob)
    if not errors and meeting.status != "held":
        errors += check_booking(f"{f}date", meeting.date, today=today)
    errors += check_texts(f, [("chair", meeting.chair), ("chair_role", meeting.chair_role)])
    errors += check_text(f"{f}cancel_reason", meeting.cancel_reason, long=True)
    errors += check_event_date(f"{f}circulated", meeting.circulated, dob=dob)
    errors += check_event_date(f"{f}cancelled_on", meeting.cancelled_on, dob=dob)
    errors += check_texts(f, [("kind", meeting.kind), ("status", meeting.status)])
    if meeting.kind not in MEETING_KINDS and not errors_for(errors, f"{f}kind"):
        errors.append(FieldError(
            f"{f}kind",
            f"{meeting.kind!r} is not a meeting kind; use one of: {_listed(MEETING_KINDS)}",
        ))
    if meeting.status not in MEETING_STATUSES and not errors_for(errors, f"{f}status"):
        errors.append(FieldError(
            f"{f}status",
            f"{meeting.status!r} is not a meeting status; use one of: "
            f"{_listed(MEETING_STATUSES)}",
        ))
    if meeting.status == "held" and not errors_for(errors, f"{f}date"):
        errors += not_after_today(
            f"{f}date", meeting.date, today,
            "only a booked meeting can be in the future: book it, or correct the date",
        )
        if closure_date is not None and meeting.date > closure_date:
            errors.append(FieldError(
                f"{f}date",
                f"{_d(meeting.date)} is after the case was closed ({_d(closure_date)})",
            ))
    if meeting.circulated is not None:
        if meeting.status != "held":
            errors.append(FieldError(
                f"{f}circulated",
                f"only a held meeting can be circulated (this one is {meeting.status})",
            ))
        elif meeting.circulated < meeting.date:
            errors.append(FieldError(
                f"{f}circulated",
                f"{_d(meeting.circulated)} is before the meeting ({_d(meeting.date)}); "
                "notes are circulated on or after the day it was held",
            ))
        errors += not_after_today(
            f"{f}circulated", meeting.circulated, today, "use the date they were sent"
        )
    if meeting.cancelled_on is not None:
        if meeting.status != "cancelled":
            errors.append(FieldError(
                f"{f}cancelled_on",
                f"only a cancelled meeting has a cancellation date (this one is "
                f"{meeting.status})",
            ))
        errors += not_after_today(
            f"{f}cancelled_on", meeting.cancelled_on, today, "use the date it was cancelled"
        )
    errors += check_withdrawal(f, meeting.withdrawn_on, meeting.withdrawn_reason, today=today,
                               dob=dob)
    if meeting.status == "cancelled" and not historic and _blank(meeting.cancel_reason):
        errors.append(FieldError(f"{f}cancel_reason", "say why the meeting was cancelled"))
    return errors


def check_plan_start(
    plan_start: date, *, allocated: date, dob: date | None, today: date,
    closure_date: date | None = None, field: str = "plan_started",
) -> list[FieldError]:
    """A plan start recorded with a meeting: within sense, not after today, on or after the
    allocation (as an import's plan_started) and not after the case's closure."""
    errors = check_event_date(field, plan_start, dob=dob) or not_after_today(
        field, plan_start, today, "the plan starts on or before today")
    if errors:
        return errors
    if plan_start < allocated:
        return [FieldError(field, (
            f"{_d(plan_start)} is before the case was allocated ({_d(allocated)}); the plan "
            f"starts on or after its allocation ({_d(allocated)} or later is accepted)"
        ))]
    if closure_date is not None and plan_start > closure_date:
        return [FieldError(field, (
            f"{_d(plan_start)} is after the case was closed ({_d(closure_date)})"
        ))]
    return []


# --- closure --------------------------------------------------------------------------------


def policy_closure_reasons(policy: Any) -> list[str]:
    """The pack's own closure reason codes (`policies.packs.ClosureReason.code`)."""
    return [str(reason.code) for reason in getattr(policy, "closure_reasons", ())]


def policy_checklist(
    policy: Any, reason: str | None = None, *, step_down: bool = False, every: bool = False
) -> list[tuple[str, str, bool]]:
    """The pack's closure checklist as (item id, label, required) triples: the items asked when
    closing for `reason` (policies.packs.ChecklistItem.applies), or `every` item."""
    found = []
    for item in getattr(policy, "closure_checklist", ()):
        applies = getattr(item, "applies", None)
        if every or applies is None or applies(reason, step_down=step_down):
            found.append((str(item.id), str(item.label), bool(getattr(item, "required", True))))
    return found


def closure_reason_words(reason: str, policy: Any | None) -> str:
    """ "RC2 (Died)", "outcomes_achieved (A review concluded ..., reported as RC7)" """
    if reason in CENSUS_CLOSURE_REASONS:
        return f"{reason} ({CENSUS_CLOSURE_REASONS[reason]})"
    for own in getattr(policy, "closure_reasons", ()) or ():
        if getattr(own, "code", None) == reason:
            census = getattr(own, "census", None)
            reported = f", reported as {census}" if census else ""
            return f"{reason} ({getattr(own, 'label', reason)}{reported})"
    return reason


def accepted_closure_reasons(policy: Any | None) -> list[str]:
    own = policy_closure_reasons(policy) if policy is not None else []
    return list(CENSUS_CLOSURE_REASONS) + [r for r in own if r not in CENSUS_CLOSURE_REASONS]


def check_closure(
    closure: ClosureInput,
    *,
    case_dates: Iterable[tuple[str, date]],
    today: date,
    policy: Any | None,
    historic: bool = False,
    prefix: str = "",
) -> list[FieldError]:
    """Rules for closing a case. `case_dates` are (what, date) pairs for everything else that
    happened in the case (allocation, visits, held meetings, ...): census rules 8630 (the
    referral) and 8565 (the assessment and the plan) need the closure date on or after them."""
    f = prefix
    errors = check_event_date(f"{f}date", closure.date, dob=None)
    errors += check_texts(f, [("reason", closure.reason),
                              ("lead_professional", closure.lead_professional)])
    errors += check_text(f"{f}note", closure.note, long=True)
    errors += check_texts(f, [("checklist", key) for key in closure.checklist])
    accepted = accepted_closure_reasons(policy)
    if closure.reason not in accepted and not errors_for(errors, f"{f}reason"):
        own = [r for r in accepted if r not in CENSUS_CLOSURE_REASONS]
        extra = f", or one of this pack's own: {_listed(own)}" if own else ""
        errors.append(FieldError(
            f"{f}reason",
            f"{closure.reason!r} is not a closure reason; use a census code RC1 to RC9{extra}",
        ))
    errors += not_after_today(
        f"{f}date", closure.date, today, "a case is closed on or before today"
    )
    later = [(what, when) for what, when in case_dates if when > closure.date]
    if later:
        what, when = max(later, key=lambda pair: pair[1])
        errors.append(FieldError(
            f"{f}date",
            f"{_d(closure.date)} is before the {what} on {_d(when)}; a closure date must be on "
            "or after every other date of the case (CIN census rules 8630 and 8565)",
        ))
    errors += _check_checklist(closure, policy, historic=historic, prefix=f)
    if (not historic and closure.step_down_to_early_help
            and not (closure.lead_professional or "").strip()):
        # Old records are imported as they were; a closure made now names who takes over.
        errors.append(FieldError(
            f"{f}lead_professional",
            "a step-down to Early Help needs its lead professional: give their name and agency "
            "(the person who leads the Early Help support), or untick the step-down",
        ))
    return errors


def _check_checklist(
    closure: ClosureInput, policy: Any | None, *, historic: bool, prefix: str
) -> list[FieldError]:
    """Item ids the pack knows; in a form (not `historic`), every required item that applies
    to this reason and step-down done. Items done that do not apply are kept as given."""
    every = policy_checklist(policy, every=True) if policy is not None else []
    ids = [item_id for item_id, _, _ in every]
    unknown = [key for key in closure.checklist if key not in ids]
    if unknown:
        accepted = f"items: {_listed(ids)}" if ids else "this pack has no closure checklist"
        return [FieldError(
            f"{prefix}checklist", f"unknown item {_listed(map(repr, unknown))}; {accepted}"
        )]
    if historic:
        return []
    asked = policy_checklist(policy, closure.reason,
                             step_down=closure.step_down_to_early_help)
    missing = [label for item_id, label, required in asked
               if required and not closure.checklist.get(item_id)]
    if missing:
        step_down = " with a step-down to Early Help" if closure.step_down_to_early_help else ""
        reason = f" for {closure_reason_words(closure.reason, policy)}" if closure.reason else ""
        return [FieldError(
            f"{prefix}checklist",
            f"not done: {'; '.join(missing)}. The pack requires these before a case is closed"
            f"{reason}{step_down}",
        )]
    return []


# --- a whole case (imports) -----------------------------------------------------------------


def case_dates(case: CaseInput) -> list[tuple[str, date]]:
    """Everything dated that happened in a case, for the closure-date rule."""
    dated: list[tuple[str, date | None]] = [
        ("allocation", case.allocated),
        ("assessment completion", case.assessment_completed),
        ("plan start", case.plan_started),
        ("step-down", case.stepped_down_on),
        *census_dates(case),
    ]
    dated += [("visit", v.date) for v in case.visits]
    dated += [(f"{m.kind} meeting", m.date) for m in case.meetings if m.status == "held"]
    return [(what, when) for what, when in dated if when is not None]


def check_case(
    case: CaseInput, *, policies: Mapping[str, Any], today: date
) -> list[FieldError]:
    """Every rule for one imported case and its visits, meetings and closure (historic mode).
    Each error names the record (`case.source`, else the ref). Nested fields are numbered from
    1 as they appear in the record: `visits[2].seen_alone`."""
    errors = check_texts("", [("ref", case.ref), ("name", case.name), ("worker", case.worker),
                              ("team", case.team), ("family", case.family),
                              ("policy", case.policy),
                              ("stepped_down_from", case.stepped_down_from)])
    if _blank(case.ref):
        errors.append(FieldError("ref", "required: the case reference"))
    if _blank(case.name):
        errors.append(FieldError("name", "required: the child's name"))
    policy = policies.get(case.policy)
    if policy is None and not errors_for(errors, "policy"):
        errors.append(FieldError(
            "policy",
            f"{case.policy!r} is not a known policy; known: {_listed(sorted(policies))}",
        ))
    errors += check_event_date("allocated", case.allocated, dob=None) or not_after_today(
        "allocated", case.allocated, today, "use the allocation date"
    )
    dob_errors = check_dob(case.dob, allocated=case.allocated)
    errors += dob_errors
    # Dates are checked against the birth only when the date of birth itself is accepted.
    dob = None if dob_errors else case.dob
    for name in ("assessment_completed", "plan_started", "stepped_down_on", *CENSUS_DATES):
        when = getattr(case, name)
        errors += check_event_date(name, when, dob=dob) or not_after_today(
            name, when, today, "it must have happened"
        )
    errors += _check_after_allocation(case, errors)
    errors += [FieldError(field, message) for field, message
               in check_census_fields(case, {e.field for e in errors})]
    if not errors_for(errors, "stepped_down_from"):
        errors += _check_step_down(case)
    for event, when in case.events.items():
        if bad_name := check_text("events", event):
            errors += bad_name  # the name cannot be shown in a field name
            continue
        errors += check_event_date(f"events.{event}", when, dob=dob) or not_after_today(
            f"events.{event}", when, today, "it must have happened"
        )
    for i, visit in enumerate(case.visits, start=1):
        errors += check_visit(
            visit, dob=dob, allocated=case.allocated, today=today, historic=True,
            prefix=f"visits[{i}].",
        )
    for i, meeting in enumerate(case.meetings, start=1):
        errors += check_meeting(meeting, today=today, dob=dob, historic=True,
                                prefix=f"meetings[{i}].")
    if case.closure is not None:
        errors += check_closure(
            case.closure, case_dates=case_dates(case), today=today, policy=policy,
            historic=True, prefix="closure.",
        )
    record = case.source or case.ref
    return [e.for_record(record) for e in errors]


def _check_after_allocation(case: CaseInput, errors: list[FieldError]) -> list[FieldError]:
    """The plan starts on or after allocation; the assessment at most
    ASSESSMENT_BEFORE_ALLOCATION_MONTHS before it (an assessment team's handover)."""
    found: list[FieldError] = []
    plan = case.plan_started
    if plan is not None and plan < case.allocated and not errors_for(errors, "plan_started"):
        found.append(FieldError("plan_started", (
            f"{_d(plan)} is before the case was allocated ({_d(case.allocated)}); the plan of "
            f"this case starts on or after its allocation ({_d(case.allocated)} or later is "
            "accepted). Check both dates"
        )))
    assessed = case.assessment_completed
    if (assessed is None or errors_for(errors, "assessment_completed")
            or errors_for(errors, "allocated")):
        return found  # an allocation date out of range is reported already
    earliest = case.allocated - relativedelta(months=ASSESSMENT_BEFORE_ALLOCATION_MONTHS)
    if assessed < earliest:
        found.append(FieldError("assessment_completed", (
            f"{_d(assessed)} is more than {ASSESSMENT_BEFORE_ALLOCATION_MONTHS} months before "
            f"the case was allocated ({_d(case.allocated)}); an assessment finished by an "
            f"assessment team before the case was allocated is accepted from {_d(earliest)} "
            "on. Check both dates"
        )))
    return found


def _check_step_down(case: CaseInput) -> list[FieldError]:
    if case.stepped_down_from is None:
        if case.stepped_down_on is not None:
            return [FieldError(
                "stepped_down_from",
                f"required with stepped_down_on; use one of: {_listed(STEP_DOWN_SOURCES)}",
            )]
        return []
    if case.stepped_down_from not in STEP_DOWN_SOURCES:
        return [FieldError(
            "stepped_down_from",
            f"{case.stepped_down_from!r} is not a step-down source; use one of: "
            f"{_listed(STEP_DOWN_SOURCES)}",
        )]
    if case.stepped_down_on is None:
        return [FieldError("stepped_down_on", "required with stepped_down_from: the date")]
    return []


def check_cases(
    cases: Sequence[CaseInput], *, policies: Mapping[str, Any], today: date
) -> list[FieldError]:
    """`check_case` for each, plus: no reference appears twice in one import."""
    errors: list[FieldError] = []
    first_seen: dict[str, str] = {}
    for case in cases:
        errors += check_case(case, policies=policies, today=today)
        record = case.source or case.ref
        if case.ref in first_seen:
            errors.append(FieldError(
                "ref",
                f"{case.ref!r} appears more than once in this import "
                f"(first at {first_seen[case.ref]}); each case once",
                record,
            ))
        else:
            first_seen[case.ref] = record
    return errors


# --- management oversight notes -------------------------------------------------------------


def check_oversight_note(
    *,
    author: str,
    decision: str,
    rationale: str,
    actions: Sequence[tuple[str, str, date | None]],
    cleared_flags: Sequence[str],
    today: date,
) -> list[FieldError]:
    """Rules for a manager's oversight note and its actions (description, owner, due), the
    actions numbered from 1 (`actions[2].owner`). A due date of None is one the caller could
    not read and has reported already: the action's other fields are still checked, so a
    form shows every problem at once."""
    errors = [
        FieldError(name, f"required: the {what}")
        for name, value, what in (
            ("author", author, "manager's name"),
            ("decision", decision, "decision"),
            ("rationale", rationale, "reasons for the decision"),
        )
        if not (value or "").strip()
    ]
    errors += check_text("author", author)
    errors += check_text("decision", decision, long=True)
    errors += check_text("rationale", rationale, long=True)
    for i, (description, owner, due) in enumerate(actions, start=1):
        errors += check_text(f"actions[{i}].description", description, long=True)
        errors += check_text(f"actions[{i}].owner", owner)
        if not (description or "").strip():
            errors.append(FieldError(f"actions[{i}].description", "required: what is to be done"))
        if not (owner or "").strip():
            errors.append(FieldError(f"actions[{i}].owner", "required: who will do it"))
        if due is None:
            continue
        errors += check_booking(f"actions[{i}].due", due, today=today)
        if due < today:
            errors.append(FieldError(
                f"actions[{i}].due",
                f"{_d(due)} is before today ({_d(today)}); an action is due today or later",
            ))
    for flag in cleared_flags:
        errors += check_text("cleared_flags", flag)
    if any(not flag.strip() for flag in cleared_flags):
        errors.append(FieldError("cleared_flags", "a cleared flag cannot be blank"))
    return errors
