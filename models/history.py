"""A case's history in words, for the case screen's timeline and `cin history`: each visit,
meeting and note (a withdrawn one marked "WITHDRAWN on 5 Nov 2026 by Jo: ..."), the closure,
and each correction and reopening ("Visit of 3 Nov 2026 corrected on 5 Nov 2026 by Jo: date
was 4 Nov 2026; typed the wrong day"), also used for the audit's summaries. Plain text, no
markup: callers make it safe to show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.queries import CaseDetail, CorrectionRecord
from models.validation import CENSUS_CLOSURE_REASONS
from policies.dates import format_date
from policies.deadlines import Missed

# The fields a correction can change, in the order a sentence names them.
FIELD_WORDS: dict[str, str] = {
    "kind": "kind",
    "status": "status",
    "date": "date",
    "seen": "child seen",
    "seen_alone": "seen alone",
    "not_alone_reason": "why not seen alone",
    "childs_voice": "child's voice",
    "location": "place",
    "recorded": "recorded on",
    "chair": "chair",
    "chair_role": "chair's role",
    "family_attended": "family attended",
    "circulated": "circulated",
    "cancelled_on": "cancelled on",
    "cancel_reason": "cancellation reason",
    "decision": "decision",
    "rationale": "rationale",
}
_DATE_FIELDS = frozenset({"date", "recorded", "circulated", "cancelled_on"})
RECORD_WORDS = {"visit": "visit", "meeting": "meeting", "oversight_note": "oversight note",
                "closure": "closure"}


def value_words(field: str, value: Any) -> str:
    """A stored value as a sentence shows it: dates the UK way, yes/no, "not recorded"."""
    if value is None or value == "":
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field in _DATE_FIELDS and isinstance(value, (str, date)):
        try:
            return format_date(value if isinstance(value, date) else date.fromisoformat(value))
        except ValueError:
            return str(value)
    if field == "kind" and isinstance(value, str):
        return value.replace("_", " ")
    if field in ("childs_voice", "not_alone_reason", "cancel_reason", "decision", "rationale"):
        return f"“{value}”"
    return str(value)


def changed_words(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """"date was 4 Nov 2026; seen alone was no": each field a correction changed, as it was."""
    before, after = before or {}, after or {}
    return "; ".join(
        f"{words} was {value_words(field, before.get(field))}"
        for field, words in FIELD_WORDS.items()
        if field in before and before.get(field) != after.get(field)
    )


def record_words(record_type: str, values: Mapping[str, Any] | None) -> str:
    """"Visit of 3 Nov 2026", "Review meeting of 18 Dec 2026", "Oversight note of 2 Nov 2026"."""
    values = values or {}
    when = values.get("recorded") if record_type == "oversight_note" else values.get("date")
    of = f" of {value_words('date', when)}" if when else ""
    if record_type == "meeting":
        kind = str(values.get("kind") or "").replace("_", " ")
        return f"{kind.capitalize()} meeting{of}" if kind else f"Meeting{of}"
    return f"{RECORD_WORDS.get(record_type, record_type).capitalize()}{of}"


def correction_sentence(correction: CorrectionRecord) -> str:
    """The history's line for one correction, withdrawal or reopening."""
    on = format_date(correction.recorded)
    if correction.action == "reopened":
        closed = correction.before or {}
        reason = f" ({closed['reason']})" if closed.get("reason") else ""
        return (f"Closed {value_words('date', closed.get('date'))}{reason}; reopened on {on} "
                f"by {correction.actor}: {correction.reason}")
    record = record_words(correction.record_type, correction.after or correction.before)
    if correction.action == "withdrawn":
        return f"{record} withdrawn on {on} by {correction.actor}: {correction.reason}"
    changes = changed_words(correction.before, correction.after)
    was = f": {changes}" if changes else ""
    return f"{record} corrected on {on} by {correction.actor}{was}; {correction.reason}"


def withdrawal_words(withdrawn_on: date, reason: str | None, actor: str | None = None) -> str:
    """"WITHDRAWN on 5 Nov 2026 by Jo: logged on the wrong child" (marks a withdrawn record)."""
    by = f" by {actor}" if actor else ""
    return f"WITHDRAWN on {format_date(withdrawn_on)}{by}: {reason or 'no reason recorded'}"


# --- the case's history, newest first -------------------------------------------------------

SHORT_ID_LENGTH = 8  # characters of a record's id (its uid) that lists show; enough to name it


def short_id(uid: str | None) -> str:
    return uid[:SHORT_ID_LENGTH] if uid else ""


def id_matches(uid: str | None, typed: str) -> bool:
    """Whether `typed` names the record: its whole id, or a start of it of 4 or more
    characters (as `cin history` and `cin meetings` show 8)."""
    typed = typed.strip().lower()
    if not uid:
        return False
    return uid == typed or (len(typed) >= 4 and uid.startswith(typed))

LOCATION_WORDS = {"home": "at home", "school": "at school", "other": "elsewhere"}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a case's history (the case screen's timeline, `cin history`)."""

    when: date
    what: str  # "Visit", the meeting's kind, "Oversight note", "Closed", "Correction", ...
    words: str
    record_type: str | None = None  # "visit", "meeting" or "oversight_note": correctable
    uid: str | None = None  # the record's identity, for `cin correct-visit` and the like
    withdrawn: str | None = None  # the mark of a withdrawn record (withdrawal_words)
    order: int = 0  # among entries of one day: visits, meetings, notes, closure, corrections


def default_meeting_label(kind: str) -> str:
    return f"{kind.replace('_', ' ').capitalize()} meeting"


def history(
    detail: CaseDetail,
    *,
    meeting_label: Callable[[str], str] = default_meeting_label,
    missed: Sequence[Missed] = (),
    rule_label: Callable[[str], str] = str,
) -> list[HistoryEntry]:
    """Every visit, meeting and oversight note (withdrawn ones marked), the closure, each
    correction and reopening, the worker's tasks marked done and the one-off milestones
    `missed` (history, not countdowns), newest first."""
    withdrawn_by = {c.record_uid: c.actor for c in detail.corrections
                    if c.action == "withdrawn" and c.record_uid}

    def mark(record: Any) -> str | None:
        if record.withdrawn_on is None:
            return None
        return withdrawal_words(record.withdrawn_on, record.withdrawn_reason,
                                withdrawn_by.get(record.uid))

    entries = [
        HistoryEntry(v.date, "Visit", visit_words(v), "visit", v.uid, mark(v), 0)
        for v in (*detail.visits, *detail.withdrawn_visits)
    ]
    entries += [
        HistoryEntry(m.date, meeting_label(m.kind), meeting_words(m), "meeting", m.uid,
                     mark(m), 1)
        for m in (*detail.meetings, *detail.withdrawn_meetings)
    ]
    entries += [
        HistoryEntry(n.recorded, "Oversight note", note_words(n), "oversight_note", n.uid,
                     mark(n), 2)
        for n in (*detail.oversight_notes, *detail.withdrawn_notes)
    ]
    if detail.closure is not None:
        entries.append(HistoryEntry(detail.closure.date, "Closed",
                                    closure_words(detail.closure), order=3))
    entries += [
        HistoryEntry(c.recorded, "Reopened" if c.action == "reopened" else "Correction",
                     correction_sentence(c), order=4)
        for c in detail.corrections if c.action in ("corrected", "reopened")
    ]
    entries += [
        HistoryEntry(task.done, "Task done",
                     rule_label(task.rule_id)
                     + (f" (due {format_date(task.due)})" if task.due else ""), order=5)
        for task in detail.facts.tasks_done
    ]
    entries += [
        HistoryEntry(m.due, "Missed",
                     f"{m.label}: due {format_date(m.due)}, never recorded; "
                     f"overtaken once {m.overtaken}", order=6)
        for m in missed
    ]
    return sorted(entries, key=lambda e: (e.when, e.order), reverse=True)


def visit_words(visit: Any) -> str:
    parts = [LOCATION_WORDS.get(visit.location, f"at {visit.location}") if visit.location
             else "place not recorded"]
    if not visit.seen:
        parts.append("child NOT seen")
    elif visit.seen_alone:
        parts.append("seen alone")
    elif visit.seen_alone is False:
        reason = f" ({visit.not_alone_reason})" if visit.not_alone_reason else ""
        parts.append(f"seen, not alone{reason}")
    else:
        parts.append("seen (alone not recorded)")
    if visit.childs_voice:
        parts.append(f"voice: “{visit.childs_voice}”")
    elif visit.seen:
        parts.append("child's voice not recorded")
    if visit.recorded:
        parts.append(f"recorded {format_date(visit.recorded)}")
    return " · ".join(parts)


def meeting_words(meeting: Any) -> str:
    if meeting.status == "booked":
        return "booked"
    if meeting.status == "cancelled":
        when = f" on {format_date(meeting.cancelled_on)}" if meeting.cancelled_on else ""
        reason = f": {meeting.cancel_reason}" if meeting.cancel_reason else ""
        return f"cancelled{when}{reason}"
    parts = ["held"]
    role = meeting.chair_role.replace("_", " ") if meeting.chair_role else None
    if meeting.chair:
        parts.append(f"chair {meeting.chair}" + (f" ({role})" if role else ""))
    elif role:
        parts.append(f"chaired by {role}")
    if meeting.family_attended is not None:
        parts.append("family attended" if meeting.family_attended else "family did not attend")
    parts.append(f"circulated {format_date(meeting.circulated)}" if meeting.circulated
                 else "not circulated yet")
    return " · ".join(parts)


def note_words(note: Any) -> str:
    actions = len(note.actions)
    parts = [f"by {note.author}", f"decision: {note.decision}", f"why: {note.rationale}"]
    if actions:
        parts.append(f"{actions} action{'s' if actions != 1 else ''}")
    return " · ".join(parts)


def closure_words(closure: Any) -> str:
    parts = [f"{closure.reason} {CENSUS_CLOSURE_REASONS.get(closure.reason, '')}".strip()]
    if closure.step_down_to_early_help:
        lead = f" (lead: {closure.lead_professional})" if closure.lead_professional else ""
        parts.append(f"stepped down to Early Help{lead}")
    if closure.note:
        parts.append(closure.note)
    return " · ".join(parts)
