"""A meeting and the next one booked at it (issue 14). A meeting held on the laptop with its
next meeting booked is two new meetings and the link between them; each meeting is sent as
its own change (models/sync_records.py), and the link as a third, once both are on the
server, through `link_next_meeting`: one transaction, the case's version claimed, audited.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import audit, versions
from models.db import one_transaction
from models.history import record_words
from models.sync_changes import Change
from models.sync_values import Environment, Sent
from models.tables import Case, Meeting
from models.validation import FieldError, ValidationFailed


@one_transaction
def link_next_meeting(session: Session, *, ref: str, meeting_uid: str, next_uid: str,
                      replaces: str | None, actor: str) -> bool:
    """Record that meeting `next_uid` is the next one after held meeting `meeting_uid`, both
    of case `ref`. `replaces`: the next meeting it had before, as the change was made against
    it (None: none); another one on record is refused, never overwritten. False when the link
    is already there."""
    case = session.exec(select(Case).where(Case.ref == ref)).first()
    if case is None:
        raise ValidationFailed([FieldError("ref", f"no case with reference {ref!r}")])
    meetings = {m.uid: m for m in session.exec(select(Meeting).where(
        Meeting.case_id == case.id, col(Meeting.uid).in_([meeting_uid, next_uid])))}
    meeting, following = meetings.get(meeting_uid), meetings.get(next_uid)
    if meeting is None or following is None:
        raise ValidationFailed([FieldError("next_meeting", (
            "the team server does not have both meetings of this case (withdrawn or removed "
            "there)"))])
    if meeting.next_meeting_id == following.id:
        return False
    current = session.get(Meeting, meeting.next_meeting_id) if meeting.next_meeting_id else None
    this, then = _words(meeting, first=False), _words(following, first=False)
    errors: list[FieldError] = []
    if current is not None and current.uid != replaces:
        errors.append(FieldError("next_meeting", (
            f"the team server already has the {_words(current, first=False)} as the next "
            f"meeting after the {this}")))
    if meeting.status != "held":
        errors.append(FieldError("next_meeting", (
            f"the {this} is {meeting.status} on the team server; a next "
            "meeting is booked at a meeting held")))
    if following.date <= meeting.date:
        errors.append(FieldError("next_meeting", (
            f"the {then} is not after the {this}")))
    if errors:
        raise ValidationFailed(errors)
    versions.claim(session, case)
    meeting.next_meeting_id = following.id
    session.add(meeting)
    session.flush()
    audit.record(session, actor=actor, action="link_next_meeting", case_ref=ref,
                 summary=f"{_words(meeting)}: the next meeting is the {then}",
                 before={"meeting": meeting_uid,
                         "next_meeting": current.uid if current else None},
                 after={"meeting": meeting_uid, "next_meeting": next_uid})
    return True


def send_meeting_link(session: Session, change: Change, env: Environment) -> Sent:
    values = change.values
    done = link_next_meeting(session, ref=change.ref, meeting_uid=str(change.uid),
                             next_uid=str(values["next_meeting"]),
                             replaces=(change.base or {}).get("next_meeting"), actor=env.actor)
    return Sent(done=done)


def _words(meeting: Meeting, *, first: bool = True) -> str:
    """"Review meeting of 8 Feb 2027" (`first`: starting a sentence), else "review ..."."""
    words = record_words("meeting", {"kind": meeting.kind, "date": meeting.date})
    return words if first else words[:1].lower() + words[1:]

