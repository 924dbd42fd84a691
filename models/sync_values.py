"""What the sync's senders share (issue 14): the answer a sent change gets, the conflict
it may find, and turning a snapshot's JSON values back into what the commands take."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.sync_changes import SNAPSHOT_KEYS
from models.sync_snapshot import RECORD_TABLES, date_columns
from models.validation import FieldError, ValidationFailed

# The fields a correction sets (models/corrections.py), by record type.
VISIT_FIELDS = ("date", "seen", "seen_alone", "not_alone_reason", "childs_voice", "location",
                "recorded")
MEETING_FIELDS = ("kind", "status", "date", "chair", "chair_role", "family_attended",
                  "circulated", "cancelled_on", "cancel_reason")
NOTE_FIELDS = ("decision", "rationale")
CORRECTED_FIELDS = {"visit": VISIT_FIELDS, "meeting": MEETING_FIELDS,
                    "oversight_note": NOTE_FIELDS}
# Fields of a record that a snapshot holds as ISO text and the commands take as dates (the
# case's own: models/sync_case_fields.py).
DATE_FIELDS = frozenset().union(*(date_columns(table) for table in RECORD_TABLES.values()))


@dataclass(frozen=True)
class Conflict:
    """A field changed on both sides since the last sync: the server's value stays."""

    ref: str
    record_type: str  # "case", "visit", "meeting" or "oversight_note"
    record_uid: str | None
    field: str
    base: Any
    server: Any
    laptop: Any
    laptop_with: Mapping[str, Any] = default(default_factory=dict)  # see ConflictView


@dataclass(frozen=True)
class Sent:
    """What became of a change the server did not refuse."""

    done: bool  # False: the server already had it (sent before), or every field conflicted
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class Environment:
    """What the server's commands need besides the session."""

    policies: Mapping[str, Any]
    calendar: Any
    today: date
    actor: str


def day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def typed(values: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: day(values.get(name)) if name in DATE_FIELDS else values.get(name)
            for name in names}


def has_uid(session: Session, kind: str, uid: str | None) -> bool:
    table = RECORD_TABLES[SNAPSHOT_KEYS.get(kind, kind)]
    return session.execute(select(table.c.id).where(table.c.uid == uid)).first() is not None


def record_id(session: Session, key: str, uid: str | None) -> int:
    table = RECORD_TABLES[key]
    found = session.execute(select(table.c.id).where(table.c.uid == uid)).scalar()
    if found is None:
        raise ValidationFailed([FieldError("record", "the team server has no such record "
                                                     "(withdrawn or removed there)")])
    return int(found)
