"""The words of a case's corrections, for its history (the case screen, `cin history`) and
the audit trail: "Visit of 3 Nov 2026 corrected on 5 Nov 2026 by Jo: date was 4 Nov 2026;
typed the wrong day". Plain text, no markup: callers make it safe to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from models.queries import CorrectionRecord
from policies.dates import format_date

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
