"""Reads. Everything returned is a plain frozen dataclass (or a `policies.facts` object), so the
TUI and CLI hold no live ORM state and can keep results after the session ends.

Whole-caseload reads use a fixed handful of queries, however many cases there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from typing import Any, TypeAlias, cast

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from models import stored
from models.census_checks import census_of
from models.errors import CaseNotFound
from models.rows import CaseSummary
from models.tables import (
    AuditEntry,
    Case,
    Closure,
    Correction,
    Meeting,
    OversightAction,
    OversightNote,
    TaskCompletion,
    Visit,
    Worker,
    table_of,
)
from policies.dates import DateParseError, parse_frequency
from policies.facts import (
    CaseFacts,
    ClosureFact,
    Frequency,
    MeetingFact,
    OversightActionFact,
    TaskDoneFact,
    VisitFact,
)


@dataclass(frozen=True, slots=True)
class VisitRecord:
    id: int
    date: Date
    seen: bool
    seen_alone: bool | None
    not_alone_reason: str | None
    childs_voice: str | None
    location: str | None
    recorded: Date | None
    uid: str | None = None
    withdrawn_on: Date | None = None  # withdrawn: kept, but counts for nothing
    withdrawn_reason: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    id: int
    kind: str
    status: str
    date: Date
    chair: str | None
    chair_role: str | None
    family_attended: bool | None
    circulated: Date | None
    cancelled_on: Date | None
    cancel_reason: str | None
    next_meeting_id: int | None
    uid: str | None = None
    withdrawn_on: Date | None = None
    withdrawn_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ClosureRecord:
    date: Date
    reason: str
    note: str | None
    step_down_to_early_help: bool
    lead_professional: str | None
    checklist: dict[str, bool]


@dataclass(frozen=True, slots=True)
class OversightActionRecord:
    id: int
    description: str
    owner: str
    due: Date
    done: Date | None


@dataclass(frozen=True, slots=True)
class OversightNoteRecord:
    id: int
    author: str
    recorded: Date
    decision: str
    rationale: str
    cleared_flags: tuple[str, ...]
    actions: tuple[OversightActionRecord, ...]
    uid: str | None = None
    withdrawn_on: Date | None = None
    withdrawn_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CorrectionRecord:
    """One correction, withdrawal or reopening (models.tables.Correction)."""

    uid: str
    record_type: str  # "visit", "meeting", "oversight_note" or "closure"
    record_uid: str | None
    action: str  # "corrected", "withdrawn" or "reopened"
    recorded: Date
    at: datetime  # UTC
    actor: str
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """Everything about one case, for the case screen and its timeline (each list by date).

    `visits`, `meetings` and `oversight_notes` are the records that count; withdrawn ones are
    apart in `withdrawn_*` (shown in the history, counted nowhere), and `corrections` holds
    every correction, withdrawal and reopening, oldest first."""

    summary: CaseSummary
    assessment_completed: Date | None
    plan_started: Date | None
    stepped_down_from: str | None
    stepped_down_on: Date | None
    events: dict[str, Date]
    visits: tuple[VisitRecord, ...]
    meetings: tuple[MeetingRecord, ...]
    closure: ClosureRecord | None
    oversight_notes: tuple[OversightNoteRecord, ...]
    facts: CaseFacts
    withdrawn_visits: tuple[VisitRecord, ...] = ()
    withdrawn_meetings: tuple[MeetingRecord, ...] = ()
    withdrawn_notes: tuple[OversightNoteRecord, ...] = ()
    corrections: tuple[CorrectionRecord, ...] = ()
    # The case's version as read (models/versions.py): a form saves against it.
    version: int = 1
    # The DfE census fields (models/census_checks.CENSUS_FIELDS: lists as lists).
    census: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return self.summary.ref


@dataclass(frozen=True, slots=True)
class WorkerSummary:
    name: str
    team: str | None
    open_cases: int


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime  # UTC
    actor: str
    action: str
    case_ref: str | None
    summary: str
    before: dict[str, Any] | None = field(default=None)
    after: dict[str, Any] | None = field(default=None)
    case_version: int | None = None  # the case's version this change made (models/versions.py)


# --- cases ----------------------------------------------------------------------------------


# Each case with its worker's name and its closure date, both None when there is none.
_CaseQuery: TypeAlias = "Select[Case, str | None, Date | None]"


def _case_query(
    *, include_closed: bool, worker: str | None, ref: str | None,
    case_ids: Collection[int] | None = None,
) -> _CaseQuery:
    # cast: the outer joins make the name and date None for a case without a worker or
    # closure, which SQLAlchemy's types (taken from the columns) cannot say.
    query = cast(
        _CaseQuery, select(Case, col(Worker.name), col(Closure.date))
        .outerjoin(Worker, col(Case.worker_id) == col(Worker.id))
        .outerjoin(Closure, col(Closure.case_id) == col(Case.id))
    )
    if not include_closed:
        query = query.where(col(Closure.id).is_(None))
    if worker is not None:
        query = query.where(col(Worker.name) == worker)
    if ref is not None:
        query = query.where(col(Case.ref) == ref)
    if case_ids is not None:
        query = query.where(col(Case.id).in_(case_ids))
    return query.order_by(col(Case.ref))


def _summary(case: Case, worker: str | None, closure_date: Date | None) -> CaseSummary:
    return CaseSummary(
        ref=case.ref, name=case.name, dob=case.dob, worker=worker, team=case.team,
        policy_id=case.policy_id, family=case.family, closed=closure_date is not None,
        allocated=case.allocated, closure_date=closure_date, disabled=case.disabled,
        private_fostering=case.private_fostering, visit_every=case.visit_every,
    )


def list_cases(
    session: Session, *, include_closed: bool = False, worker: str | None = None
) -> list[CaseSummary]:
    rows = session.execute(_case_query(include_closed=include_closed, worker=worker, ref=None))
    return [_summary(case, name, closed) for case, name, closed in rows]


def case_facts(
    session: Session,
    *,
    include_closed: bool = False,
    worker: str | None = None,
    ref: str | None = None,
) -> list[tuple[CaseSummary, CaseFacts]]:
    """Each case (open ones unless `include_closed`; one worker's, or one `ref`'s, if given)
    with the facts the deadline engine reads. Ordered by ref."""
    query = _case_query(include_closed=include_closed, worker=worker, ref=ref)
    return [(summary, facts) for _id, summary, facts in _facts(session, query)]


def case_facts_by_id(
    session: Session, *, case_ids: Collection[int] | None = None
) -> list[tuple[int, CaseSummary, CaseFacts]]:
    """(case id, summary, facts) of every case, open or closed, or of the cases `case_ids`
    (at most a few hundred: they become one SQL parameter each). Ordered by ref."""
    query = _case_query(include_closed=True, worker=None, ref=None, case_ids=case_ids)
    return _facts(session, query)


def _facts(session: Session, query: _CaseQuery) -> list[tuple[int, CaseSummary, CaseFacts]]:
    rows = session.execute(query).all()
    if not rows:
        return []
    chosen = query.with_only_columns(col(Case.id)).order_by(None).scalar_subquery()
    children = _Children(session, chosen)
    return [
        (case.id, _summary(case, worker_name, closure_date), children.facts_for(case))
        for case, worker_name, closure_date in rows
    ]


class _Children:
    """Visits, meetings, closures and oversight of a set of cases, one query each."""

    def __init__(self, session: Session, case_ids: Any) -> None:
        # Visits and meetings are most of the rows: read them in stored form (models.stored).
        day, maybe_bool = stored.date_from_stored, stored.bool_from_stored
        v = table_of(Visit).c
        self.visit_facts: dict[int, list[VisitFact]] = defaultdict(list)
        for case_id, when, seen, alone, recorded in _raw_rows(
            session,
            select(v.case_id, v.date, v.seen, v.seen_alone, v.recorded)
            .where(v.case_id.in_(case_ids), v.withdrawn_on.is_(None))
            .order_by(v.date, v.id),
        ):
            self.visit_facts[case_id].append(
                VisitFact(day(when), bool(seen), maybe_bool(alone), day(recorded))
            )
        m = table_of(Meeting).c
        self.meeting_facts: dict[int, list[MeetingFact]] = defaultdict(list)
        for case_id, kind, status, when, chair_role, circulated, cancelled_on in _raw_rows(
            session,
            select(m.case_id, m.kind, m.status, m.date, m.chair_role, m.circulated,
                   m.cancelled_on)
            .where(m.case_id.in_(case_ids), m.withdrawn_on.is_(None))
            .order_by(m.date, m.id),
        ):
            self.meeting_facts[case_id].append(
                MeetingFact(kind, status, day(when), chair_role, day(circulated),
                            day(cancelled_on))
            )
        self.closures: dict[int, Closure] = {
            c.case_id: c
            for c in session.scalars(select(Closure).where(col(Closure.case_id).in_(case_ids)))
        }
        # A withdrawn note clears no flag and sets no action; the history still shows it.
        self.notes: dict[int, list[OversightNote]] = defaultdict(list)
        self.withdrawn_notes: dict[int, list[OversightNote]] = defaultdict(list)
        for note in session.scalars(
            select(OversightNote).where(col(OversightNote.case_id).in_(case_ids))
            .order_by(col(OversightNote.recorded), col(OversightNote.id))
        ):
            kept = self.notes if note.withdrawn_on is None else self.withdrawn_notes
            kept[note.case_id].append(note)
        self.actions: dict[int, list[OversightAction]] = defaultdict(list)
        action_query = (
            select(OversightAction, col(OversightNote.case_id), col(OversightNote.withdrawn_on))
            .join(OversightNote, col(OversightAction.note_id) == col(OversightNote.id))
            .where(col(OversightNote.case_id).in_(case_ids))
            .order_by(col(OversightAction.due), col(OversightAction.id))
        )
        self.actions_by_note: dict[int, list[OversightAction]] = defaultdict(list)
        for action, case_id, withdrawn in session.execute(action_query):
            if withdrawn is None:
                self.actions[case_id].append(action)
            self.actions_by_note[action.note_id].append(action)
        # Tasks marked done, leaving out those withdrawn.
        t = table_of(TaskCompletion).c
        self.tasks_done: dict[int, list[TaskDoneFact]] = defaultdict(list)
        for case_id, rule_id, due, done in _raw_rows(
            session,
            select(t.case_id, t.rule_id, t.due, t.done)
            .where(t.case_id.in_(case_ids), t.withdrawn_on.is_(None))
            .order_by(t.done, t.id),
        ):
            self.tasks_done[case_id].append(TaskDoneFact(rule_id, day(done), day(due)))

    def facts_for(self, case: Case) -> CaseFacts:
        assert case.id is not None
        closure = self.closures.get(case.id)
        cleared: set[str] = set()
        for note in self.notes[case.id]:
            cleared.update(note.cleared_flags or ())
        visit_every, events, unreadable = _readable(case)
        return CaseFacts(
            ref=case.ref,
            policy_id=case.policy_id,
            allocated=case.allocated,
            dob=case.dob,
            disabled=case.disabled,
            private_fostering=case.private_fostering,
            visit_every=visit_every,
            unreadable=unreadable,
            assessment_completed=case.assessment_completed,
            plan_started=case.plan_started,
            stepped_down_from=case.stepped_down_from,
            stepped_down_on=case.stepped_down_on,
            complex_plan=case.complex_plan,
            key_worker_led=case.key_worker_led,
            visits=tuple(self.visit_facts[case.id]),
            meetings=tuple(self.meeting_facts[case.id]),
            closure=ClosureFact(date=closure.date, reason=closure.reason) if closure else None,
            events=events,
            cleared_flags=frozenset(cleared),
            oversight_actions=tuple(
                OversightActionFact(
                    description=a.description, owner=a.owner, due=a.due, done=a.done
                )
                for a in self.actions[case.id]
            ),
            tasks_done=tuple(self.tasks_done[case.id]),
        )


def _raw_rows(session: Session, statement: Any) -> Sequence[Any]:
    """The rows as the driver returns them, without SQLAlchemy's per-row processing."""
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _events(saved: dict[str, str] | None) -> dict[str, Date]:
    return {name: Date.fromisoformat(text) for name, text in (saved or {}).items()}


def _readable(case: Case) -> tuple[Frequency | None, dict[str, Date], str | None]:
    """The case's visiting frequency and events, and why they could not be read, if so (text
    written by another program or an older version): that case is flagged, the others are
    read as usual."""
    try:
        visit_every = parse_frequency(case.visit_every) if case.visit_every else None
    except DateParseError as error:
        return None, {}, ("the visiting frequency stored for this case cannot be read "
                          f"({str(error).rstrip('.')})")
    try:
        return visit_every, _events(case.events), None
    except (ValueError, TypeError, AttributeError):
        return visit_every, {}, "the event dates stored for this case cannot be read"


def get_case_detail(session: Session, ref: str) -> CaseDetail:
    """Everything about the case `ref`, open or closed. Raises `CaseNotFound`."""
    query = _case_query(include_closed=True, worker=None, ref=ref)
    row = session.execute(query).first()
    if row is None:
        raise CaseNotFound(ref)
    case, worker_name, closure_date = row
    chosen = select(col(Case.id)).where(col(Case.ref) == ref).scalar_subquery()
    children = _Children(session, chosen)
    closure = children.closures.get(case.id)
    visits = [_visit_record(v) for v in session.scalars(
        select(Visit).where(col(Visit.case_id) == case.id)
        .order_by(col(Visit.date), col(Visit.id)))]
    meetings = [_meeting_record(m) for m in session.scalars(
        select(Meeting).where(col(Meeting.case_id) == case.id)
        .order_by(col(Meeting.date), col(Meeting.id)))]
    return CaseDetail(
        summary=_summary(case, worker_name, closure_date),
        assessment_completed=case.assessment_completed,
        plan_started=case.plan_started,
        stepped_down_from=case.stepped_down_from,
        stepped_down_on=case.stepped_down_on,
        events=_events(case.events),
        visits=tuple(v for v in visits if v.withdrawn_on is None),
        meetings=tuple(m for m in meetings if m.withdrawn_on is None),
        closure=_closure_record(closure) if closure else None,
        oversight_notes=tuple(
            _note_record(n, children.actions_by_note) for n in children.notes[case.id]
        ),
        facts=children.facts_for(case),
        version=case.version,
        census=census_of(case),
        withdrawn_visits=tuple(v for v in visits if v.withdrawn_on is not None),
        withdrawn_meetings=tuple(m for m in meetings if m.withdrawn_on is not None),
        withdrawn_notes=tuple(
            _note_record(n, children.actions_by_note)
            for n in children.withdrawn_notes[case.id]
        ),
        corrections=tuple(_correction_record(c) for c in session.scalars(
            select(Correction).where(col(Correction.case_id) == case.id)
            .order_by(col(Correction.id)))),
    )


def _visit_record(v: Visit) -> VisitRecord:
    assert v.id is not None
    return VisitRecord(
        id=v.id, date=v.date, seen=v.seen, seen_alone=v.seen_alone,
        not_alone_reason=v.not_alone_reason, childs_voice=v.childs_voice,
        location=v.location, recorded=v.recorded, uid=v.uid,
        withdrawn_on=v.withdrawn_on, withdrawn_reason=v.withdrawn_reason,
    )


def _meeting_record(m: Meeting) -> MeetingRecord:
    assert m.id is not None
    return MeetingRecord(
        id=m.id, kind=m.kind, status=m.status, date=m.date, chair=m.chair,
        chair_role=m.chair_role, family_attended=m.family_attended, circulated=m.circulated,
        cancelled_on=m.cancelled_on, cancel_reason=m.cancel_reason,
        next_meeting_id=m.next_meeting_id, uid=m.uid,
        withdrawn_on=m.withdrawn_on, withdrawn_reason=m.withdrawn_reason,
    )


def _closure_record(c: Closure) -> ClosureRecord:
    return ClosureRecord(
        date=c.date, reason=c.reason, note=c.note,
        step_down_to_early_help=c.step_down_to_early_help,
        lead_professional=c.lead_professional, checklist=dict(c.checklist or {}),
    )


def _note_record(
    n: OversightNote, actions_by_note: dict[int, list[OversightAction]]
) -> OversightNoteRecord:
    assert n.id is not None
    return OversightNoteRecord(
        id=n.id, author=n.author, recorded=n.recorded, decision=n.decision,
        rationale=n.rationale, cleared_flags=tuple(n.cleared_flags or ()),
        actions=tuple(
            OversightActionRecord(
                id=a.id, description=a.description, owner=a.owner, due=a.due, done=a.done
            )
            for a in actions_by_note[n.id]
            if a.id is not None
        ),
        uid=n.uid, withdrawn_on=n.withdrawn_on, withdrawn_reason=n.withdrawn_reason,
    )


def _correction_record(c: Correction) -> CorrectionRecord:
    return CorrectionRecord(
        uid=c.uid, record_type=c.record_type, record_uid=c.record_uid, action=c.action,
        recorded=c.recorded, at=c.at, actor=c.actor, reason=c.reason, before=c.before,
        after=c.after,
    )


def siblings_of(session: Session, ref: str) -> list[CaseSummary]:
    """The other open cases in the same family (sibling group) as `ref`, by ref."""
    family = session.execute(select(col(Case.family)).where(col(Case.ref) == ref)).first()
    if family is None:
        raise CaseNotFound(ref)
    if family[0] is None:
        return []
    query = _case_query(include_closed=False, worker=None, ref=None).where(
        col(Case.family) == family[0], col(Case.ref) != ref
    )
    return [_summary(case, name, closed) for case, name, closed in session.execute(query)]


# --- workers and audit ----------------------------------------------------------------------


def list_workers(session: Session) -> list[WorkerSummary]:
    """Every worker, by name, with how many open cases they hold."""
    open_cases = (
        select(col(Case.worker_id), func.count(col(Case.id)).label("n"))
        .outerjoin(Closure, col(Closure.case_id) == col(Case.id))
        .where(col(Closure.id).is_(None))
        .group_by(col(Case.worker_id))
        .subquery()
    )
    query = (
        select(col(Worker.name), col(Worker.team), func.coalesce(open_cases.c.n, 0))
        .outerjoin(open_cases, open_cases.c.worker_id == col(Worker.id))
        .order_by(col(Worker.name))
    )
    return [WorkerSummary(name, team, n) for name, team, n in session.execute(query)]


def audit_log(
    session: Session,
    ref: str | None = None,
    *,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[AuditRecord]:
    """The audit trail (of one case when `ref` is given), in the order changes were made."""
    query = select(AuditEntry)
    if ref is not None:
        query = query.where(col(AuditEntry.case_ref) == ref)
    order = (col(AuditEntry.id).desc(),) if newest_first else (col(AuditEntry.id),)
    query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return [
        AuditRecord(
            id=e.id, at=e.at, actor=e.actor, action=e.action, case_ref=e.case_ref,
            summary=e.summary, before=e.before, after=e.after, case_version=e.case_version,
        )
        for e in session.scalars(query)
        if e.id is not None
    ]
