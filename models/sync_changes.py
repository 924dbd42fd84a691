"""What was recorded on the laptop since the last sync: the difference between a case in the
replica and the same case as the server had it then (its base, models/sync_snapshot.py).

Each difference is one `Change`, small enough to keep as JSON when the server refuses it
(table sync_refusals) and to send again later. Records are new when their uid is not in the
base; a correction is new the same way, and carries the record as the base had it, so a field
changed on the server meanwhile can be told from one changed only here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from models.case_edit import EDITABLE_FIELDS
from models.history import record_words, value_words
from models.sync_snapshot import Snapshot

# Record kinds of a snapshot, as the correction rows name them.
RECORD_TYPES = {"visits": "visit", "meetings": "meeting", "oversight_notes": "oversight_note",
                "task_completions": "task"}
SNAPSHOT_KEYS = {kind: key for key, kind in RECORD_TYPES.items()}
_MEETING_PROGRESS = ("status", "date", "chair", "chair_role", "family_attended", "circulated",
                     "cancelled_on", "cancel_reason")


@dataclass(frozen=True)
class Change:
    """One thing recorded on the laptop, to be sent through the server's own command.

    kind: "add_case", "edit_case", "visit", "meeting", "oversight_note", "task" (new
    records), "meeting_progress" (a booked meeting held, circulated or cancelled),
    "task_withdrawn", "correction" or "close". `values`: what the laptop has; `base`: the
    same as at the last sync, where a change on both sides is possible."""

    kind: str
    ref: str
    uid: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    base: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        """Names the change for life: the same change found again is the same key."""
        return f"{self.kind}:{self.ref}:{self.uid or ''}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(kind=data["kind"], ref=data["ref"], uid=data.get("uid"),
                   values=dict(data.get("values") or {}), base=data.get("base"))

    def summary(self) -> str:
        """The change in a few plain words, for `cin sync` and the sync screen."""
        values = self.values
        if self.kind == "add_case":
            return f"{self.ref}: the new case {values.get('name', '')}".rstrip()
        if self.kind == "edit_case":
            fields = ", ".join(name.replace("_", " ") for name in values)
            return f"{self.ref}: case details changed ({fields})"
        if self.kind == "task":
            return (f"{self.ref}: task {values.get('rule_id')} done on "
                    f"{value_words('date', values.get('done'))}")
        if self.kind in SNAPSHOT_KEYS:
            return f"{self.ref}: new {_first_lower(record_words(self.kind, values))}"
        if self.kind == "meeting_progress":
            return (f"{self.ref}: {_first_lower(record_words('meeting', values))} marked "
                    f"{values.get('status')}")
        if self.kind == "task_withdrawn":
            return f"{self.ref}: task {values.get('rule_id')} withdrawn"
        if self.kind == "correction":
            record = record_words(values.get("record_type", ""),
                                  values.get("after") or values.get("before"))
            return f"{self.ref}: {_first_lower(record)} {values.get('action')}"
        if self.kind == "close":
            return f"{self.ref}: case closed on {value_words('date', values.get('date'))}"
        return f"{self.ref}: {self.kind}"


def _first_lower(words: str) -> str:
    return words[:1].lower() + words[1:]


def laptop_changes(base: Snapshot | None, local: Snapshot) -> list[Change]:
    """Everything `local` has that `base` had not, in the order the server must take it: the
    case, new records, progress on old ones, corrections, the case's details, then a
    closure."""
    ref = local["case"]["ref"]
    changes: list[Change] = []
    edits: list[Change] = []
    if base is None:
        changes.append(Change("add_case", ref, values=dict(local["case"])))
        base = {"case": local["case"]}
    else:
        edited = {name: local["case"].get(name) for name in _editable(local)
                  if local["case"].get(name) != base["case"].get(name)}
        if edited:
            edits.append(Change("edit_case", ref, values=edited,
                                base={name: base["case"].get(name) for name in edited}))
    new_corrections = [c for uid, c in local.get("corrections", {}).items()
                       if uid not in base.get("corrections", {})]
    new_corrections.sort(key=lambda c: (c.get("at") or "", c["uid"]))
    corrected = {c.get("record_uid") for c in new_corrections}
    for key, kind in RECORD_TYPES.items():
        known = base.get(key, {})
        for uid, record in local.get(key, {}).items():
            if uid not in known:
                changes.append(Change(kind, ref, uid, _as_first_recorded(record, new_corrections)))
            elif key == "meetings" and uid not in corrected and _progressed(known[uid], record):
                changes.append(Change("meeting_progress", ref, uid, record, known[uid]))
            elif (key == "task_completions" and record.get("withdrawn_on")
                  and not known[uid].get("withdrawn_on")):
                changes.append(Change("task_withdrawn", ref, uid, record, known[uid]))
    for correction in new_corrections:
        key = SNAPSHOT_KEYS.get(correction["record_type"], "")
        record_base = base.get(key, {}).get(correction.get("record_uid") or "")
        changes.append(Change("correction", ref, correction["uid"], correction, record_base))
    # The case's details after its records: a plan start a held meeting set is then already
    # there, and a case handed to someone else takes this worker's records first.
    changes += edits
    if local.get("closure") is not None and base.get("closure") is None:
        changes.append(Change("close", ref, values=local["closure"]))
    return changes


def _editable(local: Snapshot) -> tuple[str, ...]:
    return tuple(name for name in EDITABLE_FIELDS if name in local["case"])


def _progressed(before: dict[str, Any], now: dict[str, Any]) -> bool:
    return any(before.get(name) != now.get(name) for name in _MEETING_PROGRESS)


def _as_first_recorded(record: dict[str, Any],
                       corrections: list[dict[str, Any]]) -> dict[str, Any]:
    """A record new on the laptop as it was first recorded: if it was corrected here too, the
    first correction's `before` (the corrections are sent after it, in order)."""
    for correction in corrections:
        if correction.get("record_uid") == record["uid"] and correction.get("before"):
            return {**record, **correction["before"]}
    return record
