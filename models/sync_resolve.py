"""The worker's choices after a sync (issue 14): which value of a conflict to keep, and
whether to let go of a change the team server refused. Each is one replica transaction with
an audit entry; the laptop's value, when kept, is written here through the same command a
form uses and reaches the server (and its audit trail) at the next sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlmodel import Session

from models import audit
from models.case_edit import edit_case
from models.commands import complete_oversight_action
from models.sync_case_fields import case_changes, record_value_words
from models.sync_changes import SNAPSHOT_KEYS
from models.sync_local import CONFLICTS, REFUSALS, ConflictView, RefusalView, conflicts, refusals
from models.sync_local import words as field_words
from models.sync_push import correct_record
from models.sync_snapshot import ACTIONS, RECORD_TABLES, read_snapshot
from models.validation import FieldError, ValidationFailed

Keep = Literal["server", "laptop"]
KEPT_REASON = "Kept this laptop's value after a sync conflict"


def resolve_conflict(session: Session, conflict_id: int, *, keep: Keep,
                     policies: Mapping[str, Any], actor: str, today: date) -> ConflictView:
    """Keep the server's value (the laptop's is let go) or the laptop's (written here, sent
    at the next sync). Returns the conflict as it was."""
    found = [c for c in conflicts(session) if c.id == conflict_id]
    if not found:
        raise ValidationFailed([FieldError("conflict", f"there is no sync conflict number "
                                                       f"{conflict_id}; `cin sync --conflicts` "
                                                       "lists them")])
    conflict = found[0]
    what = field_words(conflict.record_type, conflict.field)
    server = record_value_words(conflict.record_type, conflict.field, conflict.server)
    laptop = record_value_words(conflict.record_type, conflict.field, conflict.laptop)
    if keep == "laptop":
        _write_laptop_value(session, conflict, policies=policies, actor=actor, today=today)
        summary = (f"Sync conflict over {what}: kept this laptop's value ({laptop}) over the "
                   f"team server's ({server}); it is sent at the next sync")
    else:
        summary = (f"Sync conflict over {what}: kept the team server's value ({server}); this "
                   f"laptop's ({laptop}) was let go")
    session.execute(delete(CONFLICTS).where(CONFLICTS.c.id == conflict_id))
    audit.record(session, actor=actor, action=f"sync_keep_{keep}", case_ref=conflict.ref,
                 summary=summary, before={"field": conflict.field, "server": conflict.server,
                                          "laptop": conflict.laptop},
                 after={"field": conflict.field, "kept": keep})
    return conflict


def _write_laptop_value(session: Session, conflict: ConflictView, *,
                        policies: Mapping[str, Any], actor: str, today: date) -> None:
    if conflict.record_type == "case":
        edit_case(session, ref=conflict.ref,
                  changes=case_changes({conflict.field: conflict.laptop}),
                  policies=policies, actor=actor, today=today)
        return
    snapshot = read_snapshot(session, conflict.ref) or {}
    record = snapshot.get(SNAPSHOT_KEYS[conflict.record_type], {}).get(conflict.record_uid)
    if record is not None and conflict.field.startswith("action "):  # "action 2 done"
        _mark_action(session, str(conflict.record_uid), int(conflict.field.split()[1]) - 1,
                     conflict.laptop, actor=actor)
        return
    if record is None:
        raise ValidationFailed([FieldError("conflict", "the record is no longer on this "
                                                       "laptop; keep the server's value")])
    correct_record(session, ref=conflict.ref, record_type=conflict.record_type,
                   record_uid=str(conflict.record_uid),
                   values={**record, **conflict.laptop_with, conflict.field: conflict.laptop},
                   reason=KEPT_REASON,
                   actor=actor, today=today)


def _mark_action(session: Session, note_uid: str, number: int, done: Any, *,
                 actor: str) -> None:
    notes, actions = RECORD_TABLES["oversight_notes"], ACTIONS
    action_ids = [int(found) for (found,) in session.execute(
        select(actions.c.id).join(notes, notes.c.id == actions.c.note_id)
        .where(notes.c.uid == note_uid).order_by(actions.c.id))]
    complete_oversight_action(session, action_id=action_ids[number],
                              done=date.fromisoformat(done) if done else None, actor=actor)


def discard_refusal(session: Session, refusal_id: int, *, actor: str) -> RefusalView:
    """Let go of a change the team server refused (kept in this laptop's audit trail)."""
    found = [r for r in refusals(session) if r.id == refusal_id]
    if not found:
        raise ValidationFailed([FieldError("refused", f"there is no refused change number "
                                                      f"{refusal_id}; `cin sync --conflicts` "
                                                      "lists them")])
    refusal = found[0]
    session.execute(delete(REFUSALS).where(REFUSALS.c.id == refusal_id))
    audit.record(session, actor=actor, action="sync_discard", case_ref=refusal.ref,
                 summary=f"Discarded a change the team server refused: {refusal.summary} "
                         f"(refused: {refusal.reason})",
                 before=refusal.change.as_json(), after=None)
    return refusal


def pending_counts(session: Session) -> tuple[int, int]:
    """(conflicts, refused changes) waiting on this laptop."""
    return (len(session.execute(select(CONFLICTS.c.id)).all()),
            len(session.execute(select(REFUSALS.c.id)).all()))
