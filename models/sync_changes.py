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

from models.history import record_words, value_words
from models.sync_case_fields import ADD_CARRIES, EDIT_CARRIES, EDIT_KEYS, LOCAL_COLUMNS
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
    "meeting_link" (the next meeting booked at a meeting),
    "task_withdrawn", "action_done", "correction", "close", or "unsendable" (a change no
    command carries, kept for the worker to see). `values`: what the laptop has; `base`: the
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
        if self.kind == "meeting_link":
            following = record_words("meeting", {"kind": values.get("next_kind"),
                                                 "date": values.get("next_date")})
            return (f"{self.ref}: {_first_lower(following)} booked as the next after the "
                    f"{_first_lower(record_words('meeting', values))}")
        if self.kind == "task_withdrawn":
            return f"{self.ref}: task {values.get('rule_id')} withdrawn"
        if self.kind == "correction":
            record = record_words(values.get("record_type", ""),
                                  values.get("after") or values.get("before"))
            return f"{self.ref}: {_first_lower(record)} {values.get('action')}"
        if self.kind == "action_done":
            done = values.get("done")
            return (f"{self.ref}: oversight action \"{values.get('description')}\" "
                    + (f"done on {value_words('date', done)}" if done else "open again"))
        if self.kind == "unsendable":
            return f"{self.ref}: {values.get('what')} changed outside cin's forms"
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
            elif key == "oversight_notes" and uid not in corrected:
                changes += _actions_done(ref, uid, known[uid], record)
    changes += _meeting_links(ref, base, local)
    for correction in new_corrections:
        key = SNAPSHOT_KEYS.get(correction["record_type"], "")
        record_base = base.get(key, {}).get(correction.get("record_uid") or "")
        changes.append(Change("correction", ref, correction["uid"], correction, record_base))
    # The case's details after its records: a plan start a held meeting set is then already
    # there, and a case handed to someone else takes this worker's records first.
    changes += edits
    if local.get("closure") is not None and base.get("closure") is None:
        changes.append(Change("close", ref, values=local["closure"]))
    return changes + _unsendable(ref, base, local, changes)


def _meeting_links(ref: str, base: Snapshot, local: Snapshot) -> list[Change]:
    """Next meetings booked at a meeting on the laptop: the link, once both meetings are
    sent (models/sync_links.py)."""
    meetings, known = local.get("meetings", {}), base.get("meetings", {})
    links: list[Change] = []
    for uid, meeting in meetings.items():
        following = meetings.get(meeting.get("next_meeting") or "")
        was = known.get(uid, {}).get("next_meeting")
        if following is not None and following["uid"] != was:
            links.append(Change("meeting_link", ref, uid, {
                "kind": meeting.get("kind"), "date": meeting.get("date"),
                "next_meeting": following["uid"], "next_kind": following.get("kind"),
                "next_date": following.get("date")}, {"next_meeting": was}))
    return links


def _actions_done(ref: str, note_uid: str, before: dict[str, Any],
                  now: dict[str, Any]) -> list[Change]:
    """An oversight note's actions marked done (or open again) on the laptop, by position
    (a note's actions never change order or number)."""
    old = before.get("actions") or []
    return [Change("action_done", ref, f"{note_uid}#{number}",
                   {**action, "note_uid": note_uid, "number": number},
                   {"done": old[number].get("done")})
            for number, action in enumerate(now.get("actions") or [])
            if number < len(old) and action.get("done") != old[number].get("done")]


# What sync compares of a case and its records to find a change it has no command for.
_NOT_COMPARED = frozenset({"created_at", "updated_at", "next_meeting", "actions"})


def _unsendable(ref: str, base: Snapshot, local: Snapshot,
                changes: list[Change]) -> list[Change]:
    """Changes no command sent above can carry (an import into the replica, a change made
    outside cin): kept as refusals, never lost without a word when the server's copy is
    fetched."""
    covered = {c.uid for c in changes} | {c.values.get("record_uid") for c in changes
                                          if c.kind == "correction"}
    covered |= {c.values.get("note_uid") for c in changes if c.kind == "action_done"}
    found: list[Change] = []
    added = any(c.kind == "add_case" for c in changes)
    carried = ADD_CARRIES if added else EDIT_CARRIES
    odd = sorted(name for name, value in local["case"].items()
                 if name not in _NOT_COMPARED and name not in LOCAL_COLUMNS
                 and name not in carried
                 and (not _blank(value) if added else value != base["case"].get(name)))
    if odd:
        found.append(Change("unsendable", ref, "case", {
            "what": f"the case's {', '.join(n.replace('_', ' ') for n in odd)}",
            **{name: local["case"].get(name) for name in odd}}))
    for key in RECORD_TYPES:
        known = base.get(key, {})
        for uid, record in local.get(key, {}).items():
            if uid in known and uid not in covered and _differs(known[uid], record):
                found.append(Change("unsendable", ref, uid, {
                    "what": _first_lower(record_words(RECORD_TYPES[key], record)), **record}))
    if (base.get("closure") is not None and local.get("closure") is not None
            and not any(c.values.get("action") == "reopened" for c in changes
                        if c.kind == "correction")
            and _differs(base["closure"], local["closure"])):
        found.append(Change("unsendable", ref, "closure",
                            {"what": "the closure", **local["closure"]}))
    return found


def _blank(value: Any) -> bool:
    """Whether a field of a case added on the laptop holds nothing worth sending."""
    return value is None or value is False or value in ("", [], {})


def _differs(before: dict[str, Any], now: dict[str, Any]) -> bool:
    return any(before.get(name) != now.get(name)
               for name in set(before) | set(now) if name not in _NOT_COMPARED)


def _editable(local: Snapshot) -> tuple[str, ...]:
    return tuple(name for name in EDIT_KEYS if name in local["case"])


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
