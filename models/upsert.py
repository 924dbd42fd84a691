"""The bulk import: validate every record, then insert or update by `ref` in one transaction.

Built for authority-sized files (tens of thousands of children, each with a year of visits and
meetings): existing rows are read with a few whole-table queries and the changes are written
with executemany inserts and updates, never one ORM flush per row.

The merge rules (docs/formats.md, "How an import merges"), so that an import changes only what
its file carries and re-importing any export changes nothing:
- a case is matched by its `ref`; a case field the record does not give
  (`CaseInput.fields_given`) keeps its stored value, and only a given value (JSON `null`
  included) replaces it. A --policy/--worker default never replaces a stored value.
- a visit or meeting is matched by its identity (`uid`, the JSON `id`) when it has one, else by
  (date, seen) / (kind, date), preferring a stored record that already agrees; the fields it
  gives replace the stored ones, the others are kept. Unmatched ones are added.
- a case list's summary (`CaseInput.summary_history`, CSV) never changes a recorded value: a
  claim already satisfied changes nothing, one that fills what was not recorded (seen alone not
  recorded, a booked meeting now held) fills it, anything else is added as a new record.
- the closure is matched by its case; events and the closure checklist merge name by name.
An import never deletes: visits, meetings or a closure missing from the file are kept. Every
change gets an audit entry with the real values before and after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from sqlalchemy import Boolean, Date, RowMapping, bindparam, insert, select, update
from sqlmodel import Session

from models import audit, stored, versions
from models.census_checks import CENSUS_CODE_LISTS, CENSUS_FIELDS, census_values
from models.connection import driver_connection
from models.db import one_transaction
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.tables import Case, Closure, Meeting, Visit, Worker, new_uid, table_of
from models.validation import FieldError, check_case, check_cases, fail_if
from policies.dates import format_date, format_frequency, parse_frequency

CASES = table_of(Case)
VISITS = table_of(Visit)
MEETINGS = table_of(Meeting)
CLOSURES = table_of(Closure)
WORKERS = table_of(Worker)

# CaseInput field -> cases column, for the scalar fields of a case.
_CASE_FIELDS: dict[str, str] = {
    "name": "name", "dob": "dob", "worker": "worker_id", "team": "team",
    "policy": "policy_id", "family": "family", "disabled": "disabled",
    "private_fostering": "private_fostering", "visit_every": "visit_every",
    "allocated": "allocated", "assessment_completed": "assessment_completed",
    "plan_started": "plan_started", "stepped_down_from": "stepped_down_from",
    "stepped_down_on": "stepped_down_on", "events": "events",
    "complex_plan": "complex_plan", "key_worker_led": "key_worker_led",
    **{name: name for name in CENSUS_FIELDS},
}
CASE_COLUMNS = _CASE_FIELDS  # for models.case_edit: the same names for the same columns
_VISIT_COLUMNS = ("date", "seen", "seen_alone", "not_alone_reason", "childs_voice",
                  "location", "recorded", "withdrawn_on", "withdrawn_reason")
_VISIT_KEY = (0, 1)  # (date, seen)
_MEETING_COLUMNS = ("kind", "status", "date", "chair", "chair_role", "family_attended",
                    "circulated", "cancelled_on", "cancel_reason", "withdrawn_on",
                    "withdrawn_reason")
_MEETING_KEY = (0, 2)  # (kind, date)
_CLOSURE_COLUMNS = ("date", "reason", "note", "step_down_to_early_help", "lead_professional",
                    "checklist")


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class CaseChange:
    """One case's change as the audit records it: the values before and after (only the fields,
    visits, meetings and closure that changed or were added)."""

    ref: str
    summary: str
    before: dict[str, Any] | None  # None: the case is new
    after: dict[str, Any]


@dataclass
class ImportSummary:
    """What an import added and changed (or, for a dry run, would add and change)."""

    cases: Counts = field(default_factory=Counts)
    visits: Counts = field(default_factory=Counts)
    meetings: Counts = field(default_factory=Counts)
    closures: Counts = field(default_factory=Counts)
    added_refs: list[str] = field(default_factory=list)
    changed_refs: list[str] = field(default_factory=list)
    dry_run: bool = False
    details: list[CaseChange] = field(default_factory=list)  # in file order
    # Things the file says that an import does not do, for the user to act on.
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(c.added + c.changed for c in (self.cases, self.visits, self.meetings,
                                                 self.closures))

    def __str__(self) -> str:
        one = self.changes == 1
        verb = ("would be" if self.dry_run else "was" if one else "were")
        parts = [
            f"{name}: {c.added} added, {c.changed} changed, {c.unchanged} unchanged"
            for name, c in (("cases", self.cases), ("visits", self.visits),
                            ("meetings", self.meetings), ("closures", self.closures))
        ]
        head = "Nothing would change" if self.dry_run else "Nothing changed"
        if self.changes:
            head = f"{self.changes} record{'' if one else 's'} {verb} added or changed"
        return f"{head}. " + "; ".join(parts) + "."


@one_transaction
def upsert_cases(
    session: Session,
    *,
    cases: Sequence[CaseInput],
    actor: str,
    policies: Mapping[str, Any],
    today: date,
    dry_run: bool = False,
) -> ImportSummary:
    """Validate all `cases` (raising `ValidationFailed` with every error, each naming its
    record, before anything is written), then add or update them in one transaction with one
    audit entry per added or changed case. `dry_run` only works out the summary."""
    from models.tasks import check_tasks_done, import_tasks_done

    fail_if(check_cases(cases, policies=policies, today=today)
            + check_tasks_done(cases, policies=policies, today=today))
    plan = _Plan(session, cases, dry_run)
    fail_if(plan.errors)
    # A record checks on its own only what it carries: the case as it would be stored (its
    # stored values with the file's merged in) is checked too, e.g. a visit given without a
    # date of birth against the stored one.
    fail_if(plan.merged_errors(policies=policies, today=today))
    if not dry_run:
        plan.write(actor)
    plan.summary.notes += import_tasks_done(session, cases, policies=policies, actor=actor,
                                            dry_run=dry_run)
    return plan.summary


_Stored = tuple[Any, ...]


@dataclass(slots=True)
class _StoredChild:
    id: int
    case_id: int
    uid: str
    values: _Stored


class _StoredChildren:
    """A child table's stored rows, findable by identity and by natural key; each row can be
    matched once per import."""

    def __init__(self, rows: Iterable[_StoredChild], key_at: tuple[int, int]) -> None:
        self.key_at = key_at
        self.by_uid: dict[str, _StoredChild] = {}
        self.by_key: dict[tuple[Any, ...], list[_StoredChild]] = defaultdict(list)
        self.by_case: dict[int, list[_StoredChild]] = defaultdict(list)
        for row in rows:
            self.by_uid[row.uid] = row
            self.by_key[self.key(row.case_id, row.values)].append(row)
            self.by_case[row.case_id].append(row)
        self.taken: set[int] = set()

    def key(self, case_id: int, values: _Stored) -> tuple[Any, ...]:
        return (case_id, values[self.key_at[0]], values[self.key_at[1]])

    def candidates(self, case_id: int, values: _Stored) -> list[_StoredChild]:
        return [row for row in self.by_key.get(self.key(case_id, values), ())
                if row.id not in self.taken]


class _Plan:
    """Works out every insert and update, then writes them in bulk."""

    def __init__(self, session: Session, cases: Sequence[CaseInput], dry_run: bool) -> None:
        self.session = session
        self.summary = ImportSummary(dry_run=dry_run)
        self.errors: list[FieldError] = []
        self.workers: dict[str, int] = dict(
            session.execute(select(WORKERS.c.name, WORKERS.c.id)).all()
        )
        self.worker_names = {worker_id: name for name, worker_id in self.workers.items()}
        self.new_workers: dict[str, str | None] = {}
        stored_cases = {row.ref: row for row in session.execute(select(CASES)).mappings()}
        self.case_inserts: list[dict[str, Any]] = []
        self.case_updates: list[dict[str, Any]] = []
        # Visits and meetings, the bulk of an import, are handled as tuples in stored form.
        self.visit_inserts: list[tuple[str, str, _Stored]] = []   # (ref, uid, values)
        self.visit_updates: list[tuple[Any, ...]] = []            # (*values, id)
        self.meeting_inserts: list[tuple[str, str, _Stored]] = []
        self.meeting_updates: list[tuple[Any, ...]] = []
        self.closure_inserts: list[tuple[str, dict[str, Any]]] = []
        self.closure_updates: list[dict[str, Any]] = []
        self.uids_in_file: dict[str, str] = {}  # uid -> the record that gave it first
        self.merged: list[_MergedCase] = []  # each existing case the import changes, as merged

        dialect = session.get_bind().dialect
        self.visit_form = _StoredForm(VISITS, _VISIT_COLUMNS, _VISIT_KEY, dialect)
        self.meeting_form = _StoredForm(MEETINGS, _MEETING_COLUMNS, _MEETING_KEY, dialect)
        any_stored = bool(stored_cases)
        self.visits = self.visit_form.read(session) if any_stored else self.visit_form.empty()
        self.meetings = (self.meeting_form.read(session) if any_stored
                         else self.meeting_form.empty())
        existing_ids = {row["id"] for row in stored_cases.values()}
        closures = {
            row["case_id"]: row
            for row in session.execute(select(CLOSURES)).mappings()
            if row["case_id"] in existing_ids
        }
        for case in cases:
            row = stored_cases.get(case.ref)
            if row is None:
                self._add_case(case)
            else:
                self._update_case(case, row, closures.get(row["id"]))

    # --- working out changes

    def _case_value(self, case: CaseInput, name: str) -> Any:
        if name == "worker":
            return self._worker_key(case.worker, case.team)
        if name == "visit_every":
            return format_frequency(case.visit_every) if case.visit_every else None
        if name == "events":
            return {k: v.isoformat() for k, v in sorted(case.events.items())} or None
        if name in CENSUS_CODE_LISTS:
            return list(getattr(case, name)) or None
        return getattr(case, name)

    def _changed_case_values(self, case: CaseInput, row: RowMapping) -> dict[str, Any]:
        """The columns whose given value differs from the stored one."""
        given = case.fields_given
        changed: dict[str, Any] = {}
        for name, column in _CASE_FIELDS.items():
            if given is not None and name not in given and name not in case.defaulted:
                continue
            if name in case.defaulted and row[column] is not None:
                continue  # a --policy/--worker default fills a gap, never replaces
            if name == "events":
                value = _merged_events(row[column], case)
            else:
                value = self._case_value(case, name)
            if row[column] != value:
                changed[column] = value
        return changed

    def _worker_key(self, name: str | None, team: str | None) -> int | str | None:
        """The worker's id, or their name when the worker is new (resolved at write time)."""
        if name is None or not name.strip():
            return None
        name = name.strip()
        if name in self.workers:
            return self.workers[name]
        self.new_workers.setdefault(name, team)
        return name

    def _add_case(self, case: CaseInput) -> None:
        values = {column: self._case_value(case, name) for name, column in _CASE_FIELDS.items()}
        self.case_inserts.append({"ref": case.ref, **values})
        self.summary.cases.added += 1
        self.summary.added_refs.append(case.ref)
        after = self._readable(values)
        for what, inputs, form, inserts, counts in (
            ("visits", case.visits, self.visit_form, self.visit_inserts, self.summary.visits),
            ("meetings", case.meetings, self.meeting_form, self.meeting_inserts,
             self.summary.meetings),
        ):
            children: Sequence[VisitInput | MeetingInput] = inputs
            added = []
            for index, child in enumerate(children, start=1):
                uid = self._uid_for(case, what, index, child.uid, form, None)
                new = form.of(child)
                inserts.append((case.ref, uid, new))
                added.append(form.readable(uid, new))
            counts.added += len(children)
            if added:
                after[what] = added
        if case.closure is not None:
            closure = _closure_values(case.closure)
            self.closure_inserts.append((case.ref, closure))
            self.summary.closures.added += 1
            after["closure"] = _json_ready(closure)
        self._note_change(CaseChange(
            case.ref,
            "Imported a new case"
            + _child_counts(len(case.visits), len(case.meetings), case.closure is not None),
            None, after,
        ))

    def _update_case(
        self, case: CaseInput, row: RowMapping, closure: RowMapping | None,
    ) -> None:
        case_id = row["id"]
        changed = self._changed_case_values(case, row)
        if changed:
            self.case_updates.append({"id": case_id, **changed})
        notes: list[str] = []
        before: dict[str, Any] = self._readable({col: row[col] for col in changed})
        after: dict[str, Any] = self._readable(dict(changed))

        finals: dict[str, dict[Any, tuple[_Stored, int | None]]] = {}
        for what, inputs, form, stored_rows, inserts, updates, counts in (
            ("visits", case.visits, self.visit_form, self.visits, self.visit_inserts,
             self.visit_updates, self.summary.visits),
            ("meetings", case.meetings, self.meeting_form, self.meetings,
             self.meeting_inserts, self.meeting_updates, self.summary.meetings),
        ):
            children: Sequence[VisitInput | MeetingInput] = inputs
            was: list[dict[str, Any]] = []
            now: list[dict[str, Any]] = []
            added = updated = 0
            # Every record of the case after the import: stored id (or a new one's place in
            # the file) -> (values, place in the file or None when the file did not carry it).
            final: dict[Any, tuple[_Stored, int | None]] = {
                row.id: (row.values, None) for row in stored_rows.by_case.get(case_id, ())}
            finals[what] = final
            # Records that name their identity claim their stored record before any record is
            # matched by its natural key, whatever their order in the file.
            numbered = sorted(enumerate(children, start=1), key=lambda item: item[1].uid is None)
            for index, child in numbered:
                match, merged = self._match(case, case_id, what, index, child, form, stored_rows)
                final[match.id if match is not None else ("new", index)] = (merged, index)
                if match is None:
                    uid = self._uid_for(case, what, index, child.uid, form, stored_rows)
                    inserts.append((case.ref, uid, merged))
                    now.append(form.readable(uid, merged))
                    added += 1
                elif merged != match.values:
                    updates.append((*merged, match.id))
                    was.append(form.readable(match.uid, match.values, merged))
                    now.append(form.readable(match.uid, merged, match.values))
                    updated += 1
                else:
                    counts.unchanged += 1
            counts.added += added
            counts.changed += updated
            notes += _change_note(what[:-1], added, updated)
            if was:
                before[what] = was
            if now:
                after[what] = now
        final_closure: Mapping[Any, Any] | None = closure
        if case.closure is not None:
            new = _closure_values(case.closure)
            final_closure = new if closure is None else _merged_closure(closure, case.closure, new)
            if closure is None:
                self.closure_inserts.append((case.ref, new))
                self.summary.closures.added += 1
                notes.append("closed")
                after["closure"] = _json_ready(new)
            else:
                merged_closure = _merged_closure(closure, case.closure, new)
                differs = [c for c in _CLOSURE_COLUMNS if closure[c] != merged_closure[c]]
                if differs:
                    self.closure_updates.append(
                        {"id": closure["id"], **{c: merged_closure[c] for c in differs}})
                    self.summary.closures.changed += 1
                    notes.append("closure changed")
                    before["closure"] = _json_ready({c: closure[c] for c in differs})
                    after["closure"] = _json_ready({c: merged_closure[c] for c in differs})
                else:
                    self.summary.closures.unchanged += 1
        elif closure is not None and case.fields_given is not None and \
                "closure" in case.fields_given and not case.summary_history:
            self.summary.notes.append(
                f"{case.ref}: the file gives no closure but the case is closed on "
                f"{format_date(closure['date'])}; an import never reopens a case, so it stays "
                "closed.")

        if not changed and not notes:
            self.summary.cases.unchanged += 1
            return
        self.merged.append(_MergedCase(case, {**row, **changed}, finals["visits"],
                                       finals["meetings"], final_closure))
        self.summary.cases.changed += 1
        self.summary.changed_refs.append(case.ref)
        fields = [_field_name(col) for col in changed]
        said = ([f"changed {', '.join(fields)}"] if fields else []) + notes
        self._note_change(CaseChange(case.ref, "Imported changes: " + "; ".join(said),
                                     before, after))

    def _match(
        self, case: CaseInput, case_id: int, what: str, index: int, child: Any,
        form: _StoredForm, stored_rows: _StoredChildren,
    ) -> tuple[_StoredChild | None, _Stored]:
        """The stored record `child` is, if any, and its values after the merge."""
        new = form.of(child)
        given = form.given_at(child.fields_given)
        if child.uid is not None:
            if not self._claim_uid(case, what, index, child.uid):
                return None, new
            match = stored_rows.by_uid.get(child.uid)
            if match is not None and match.case_id != case_id:
                self.errors.append(FieldError(
                    f"{what}[{index}].id",
                    f"{child.uid} is the id of a {what[:-1]} of another case; give a new id, "
                    "or none", case.source))
                return None, new
        elif case.summary_history:
            return self._match_summary(case_id, new, given, form, stored_rows)
        else:
            candidates = stored_rows.candidates(case_id, new)
            match = next((row for row in candidates if _agrees(row.values, new, given)),
                         candidates[0] if candidates else None)
        if match is None:
            return None, new
        stored_rows.taken.add(match.id)
        merged = _merge(match.values, new, given)
        if form.takes_back_withdrawal(match.values, merged):
            # Like a closure, a withdrawal is never taken back by an import (an export made
            # before it says null): the record stays withdrawn, and the user is told.
            merged = form.keep_withdrawal(match.values, merged)
            self.summary.notes.append(
                f"{case.ref}: the file gives the {form.describe(match.values)} as not "
                "withdrawn, but it was withdrawn on "
                f"{format_date(stored.date_from_stored(match.values[form.withdrawn_at]))}; "
                "an import never takes back a withdrawal, so it stays withdrawn.")
        return match, merged

    def _match_summary(
        self, case_id: int, new: _Stored, given: tuple[int, ...], form: _StoredForm,
        stored_rows: _StoredChildren,
    ) -> tuple[_StoredChild | None, _Stored]:
        candidates = stored_rows.candidates(case_id, new)
        for row in candidates:
            if form.satisfies(row.values, new, given):
                stored_rows.taken.add(row.id)
                return row, row.values
        for row in candidates:
            filled = form.fill(row.values, new, given)
            if filled is not None:
                stored_rows.taken.add(row.id)
                return row, filled
        return None, new

    def _uid_for(self, case: CaseInput, what: str, index: int, uid: str | None,
                 form: _StoredForm, stored_rows: _StoredChildren | None) -> str:
        """The identity a new record gets: the file's (when unused), or a new one."""
        if uid is None:
            return new_uid()
        # A new case (no stored rows): its records' ids must be unused.
        if stored_rows is None and self._claim_uid(case, what, index, uid) \
                and uid in self._all_stored(form).by_uid:
            self.errors.append(FieldError(
                f"{what}[{index}].id",
                f"{uid} is already the id of a {what[:-1]} of another case; give a new "
                "id, or none", case.source))
        return uid

    def _claim_uid(self, case: CaseInput, what: str, index: int, uid: str) -> bool:
        """Each id once per file; False (and reported) when given before."""
        record = f"{case.source or case.ref} {what}[{index}]"
        first = self.uids_in_file.setdefault(uid, record)
        if first == record:
            return True
        self.errors.append(FieldError(
            f"{what}[{index}].id",
            f"{uid} is given twice (also {first}); each {what[:-1]} needs its own id",
            case.source))
        return False

    def _all_stored(self, form: _StoredForm) -> _StoredChildren:
        return self.visits if form is self.visit_form else self.meetings

    def _note_change(self, change: CaseChange) -> None:
        self.summary.details.append(change)

    # --- checking the merged result

    def merged_errors(self, *, policies: Mapping[str, Any], today: date) -> list[FieldError]:
        errors: list[FieldError] = []
        for merged in self.merged:
            visits = list(merged.visits.values())
            meetings = list(merged.meetings.values())
            as_stored = self._as_input(merged, visits, meetings)
            given = merged.case.fields_given
            for error in check_case(as_stored, policies=policies, today=today):
                field = _file_field(error.field, visits, meetings, self.visit_form,
                                    self.meeting_form)
                head = error.field.partition(".")[0]
                is_child = head.startswith(("visits[", "meetings["))
                if given is not None and not is_child and head not in given:
                    field = f"stored {field}"  # what the file did not carry, it conflicts with
                errors.append(FieldError(field, error.message, merged.case.source))
        return errors

    def _as_input(self, merged: _MergedCase, visits: list[tuple[_Stored, int | None]],
                  meetings: list[tuple[_Stored, int | None]]) -> CaseInput:
        values = merged.values
        worker = values["worker_id"]
        closure = merged.closure
        return CaseInput(
            ref=merged.case.ref, name=values["name"], allocated=values["allocated"],
            policy=values["policy_id"], dob=values["dob"],
            worker=self.worker_names.get(worker) if isinstance(worker, int) else worker,
            team=values["team"], family=values["family"], disabled=bool(values["disabled"]),
            private_fostering=bool(values["private_fostering"]),
            visit_every=_frequency_or_none(values["visit_every"]),
            assessment_completed=values["assessment_completed"],
            plan_started=values["plan_started"],
            stepped_down_from=values["stepped_down_from"],
            stepped_down_on=values["stepped_down_on"],
            complex_plan=bool(values["complex_plan"]),
            key_worker_led=bool(values["key_worker_led"]),
            events={k: date.fromisoformat(v) for k, v in (values["events"] or {}).items()},
            **census_values(values),
            visits=[self.visit_form.to_input(v, VisitInput) for v, _ in visits],
            meetings=[self.meeting_form.to_input(v, MeetingInput) for v, _ in meetings],
            closure=None if closure is None else ClosureInput(
                date=closure["date"], reason=closure["reason"], note=closure["note"],
                step_down_to_early_help=bool(closure["step_down_to_early_help"]),
                lead_professional=closure["lead_professional"],
                checklist=dict(closure["checklist"] or {})),
            source=merged.case.source,
        )

    # --- writing

    def write(self, actor: str) -> None:
        execute = self.session.execute
        if self.new_workers:
            execute(insert(WORKERS), [
                {"name": name, "team": team} for name, team in self.new_workers.items()
            ])
            self.workers = dict(execute(select(WORKERS.c.name, WORKERS.c.id)).all())
        now = audit.utc_now()
        for values in self.case_inserts:  # a new case starts at version 1 (models/versions.py)
            versions.noted_new_case(self.session, values["ref"])
        if self.case_inserts:
            execute(insert(CASES), [
                {**self._resolve_worker(values), "created_at": now, "updated_at": now}
                for values in self.case_inserts
            ])
        _update_by_id(self.session, CASES, [
            {**self._resolve_worker(row), "updated_at": now} for row in self.case_updates
        ])
        case_ids: dict[str, int] = dict(execute(select(CASES.c.ref, CASES.c.id)).all()) if (
            self.visit_inserts or self.meeting_inserts or self.closure_inserts
        ) else {}
        if self.closure_inserts:
            execute(insert(CLOSURES), [
                {"case_id": case_ids[ref], **values} for ref, values in self.closure_inserts
            ])
        _update_by_id(self.session, CLOSURES, self.closure_updates)
        for form, inserts, updates in (
            (self.visit_form, self.visit_inserts, self.visit_updates),
            (self.meeting_form, self.meeting_inserts, self.meeting_updates),
        ):
            form.insert(self.session,
                        [(case_ids[ref], uid, *values) for ref, uid, values in inserts])
            form.update(self.session, updates)
        audit.record_many(self.session, [
            {"actor": actor, "action": "import", "case_ref": change.ref,
             "summary": change.summary, "before": change.before, "after": change.after}
            for change in self.summary.details
        ], json_ready=True)

    def _readable(self, values: dict[str, Any]) -> dict[str, Any]:
        """Audit values name the worker rather than giving a row id, and dates as ISO text."""
        readable: dict[str, Any] = {}
        for column, value in values.items():
            if column == "worker_id":
                names = self.worker_names
                readable["worker"] = names.get(value, value) if isinstance(value, int) else value
            else:
                readable[_field_name(column)] = (value.isoformat() if isinstance(value, date)
                                                 else value)
        return readable

    def _resolve_worker(self, values: dict[str, Any]) -> dict[str, Any]:
        worker = values.get("worker_id")
        if isinstance(worker, str):
            return {**values, "worker_id": self.workers[worker]}
        return values


class _StoredForm:
    """A child table's columns in a fixed order, with conversions to the stored form (ISO
    date text, 0/1: see `models.stored`). New values are compared with the raw stored rows
    and written with plain executemany: no per-row statement machinery for the bulk."""

    def __init__(
        self, table: Any, columns: tuple[str, ...], key: tuple[int, int], dialect: Any
    ) -> None:
        self.table, self.columns, self.key_at = table, columns, key
        self.get = attrgetter(*columns)
        convert = [_to_stored(table.c[name].type, dialect) for name in columns]
        self.converted = [(i, f) for i, f in enumerate(convert) if f is not None]
        self.booleans = {i for i, name in enumerate(columns)
                         if isinstance(table.c[name].type, Boolean)}
        self.dates = {i for i, name in enumerate(columns)
                      if isinstance(table.c[name].type, Date)}
        # On PostgreSQL the values are read and written in SQLite's form too (ISO text, 0/1),
        # cast in SQL, so both engines compare and audit the very same values.
        self.postgresql = dialect.name == "postgresql"
        self.all_given = tuple(range(len(columns)))
        self._given_cache: dict[frozenset[str], tuple[int, ...]] = {}
        self.status_at = columns.index("status") if "status" in columns else None
        self.withdrawn_at = columns.index("withdrawn_on")
        self.withdrawal = (self.withdrawn_at, columns.index("withdrawn_reason"))

    def _read_as(self) -> list[str]:
        if not self.postgresql:
            return list(self.columns)
        return [f"CAST({c} AS TEXT)" if i in self.dates else
                f"CAST({c} AS INTEGER)" if i in self.booleans else c
                for i, c in enumerate(self.columns)]

    def _marks(self) -> list[str]:
        if not self.postgresql:
            return ["?"] * len(self.columns)
        return ["CAST(? AS DATE)" if i in self.dates else
                "CAST(CAST(? AS INTEGER) AS BOOLEAN)" if i in self.booleans else "?"
                for i in range(len(self.columns))]

    def takes_back_withdrawal(self, stored_values: _Stored, merged: _Stored) -> bool:
        return stored_values[self.withdrawn_at] is not None and merged[self.withdrawn_at] is None

    def keep_withdrawal(self, stored_values: _Stored, merged: _Stored) -> _Stored:
        values = list(merged)
        for i in self.withdrawal:
            values[i] = stored_values[i]
        return tuple(values)

    def of(self, child: Any) -> _Stored:
        values = list(self.get(child))
        for i, convert in self.converted:
            if values[i] is not None:
                values[i] = convert(values[i])
        return tuple(values)

    def to_input(self, values: _Stored, input_type: Any) -> Any:
        """A stored record back as the input that would make it (for checking)."""
        fields = dict(zip(self.columns, values, strict=True))
        for i in self.dates:
            if values[i] is not None:
                fields[self.columns[i]] = stored.date_from_stored(values[i])
        for i in self.booleans:
            if values[i] is not None:
                fields[self.columns[i]] = bool(values[i])
        return input_type(**fields)

    def describe(self, values: _Stored) -> str:
        """'visit of 2026-11-02' / 'review meeting of 2026-11-02', for a stored record."""
        when = values[self.columns.index("date")]
        if "kind" in self.columns:
            return f"{values[self.columns.index('kind')]} meeting of {when}"
        return f"visit of {when}"

    def given_at(self, fields_given: frozenset[str] | None) -> tuple[int, ...]:
        """The positions of the columns a record gave (every one when None)."""
        if fields_given is None:
            return self.all_given
        cached = self._given_cache.get(fields_given)
        if cached is None:
            cached = tuple(i for i, c in enumerate(self.columns) if c in fields_given)
            self._given_cache[fields_given] = cached
        return cached

    def satisfies(self, stored_values: _Stored, claim: _Stored, given: tuple[int, ...]) -> bool:
        """A summary's claim is already true of a stored record. A booked meeting is satisfied
        by one since held or cancelled: the summary is older than the record."""
        for i in given:
            if stored_values[i] == claim[i]:
                continue
            if i == self.status_at and claim[i] == "booked":
                continue
            return False
        return True

    def fill(self, stored_values: _Stored, claim: _Stored,
             given: tuple[int, ...]) -> _Stored | None:
        """The stored record with what the summary adds (a value not recorded, a booked meeting
        now held), or None when the claim would change a recorded value."""
        values = list(stored_values)
        for i in given:
            if stored_values[i] is None or (
                i == self.status_at and (stored_values[i], claim[i]) == ("booked", "held")
            ):
                values[i] = claim[i]
            elif stored_values[i] != claim[i]:
                return None
        return tuple(values)

    def readable(self, uid: str, values: _Stored, other: _Stored | None = None) -> dict[str, Any]:
        """A record for the audit: its id, its natural key, and its values (only those that
        differ from `other`, when given)."""
        shown: dict[str, Any] = {"id": uid}
        if other is None:
            shown.update(zip(self.columns, values, strict=True))
        else:
            shown.update((name, values[i]) for i, name in enumerate(self.columns)
                         if i in self.key_at or values[i] != other[i])
        for i in self.booleans:
            name = self.columns[i]
            if shown.get(name) is not None:
                shown[name] = bool(shown[name])
        return shown

    def empty(self) -> _StoredChildren:
        return _StoredChildren((), self.key_at)

    def read(self, session: Session) -> _StoredChildren:
        """Every stored row, in id order."""
        sql = (f"SELECT id, case_id, uid, {', '.join(self._read_as())} FROM {self.table.name} "
               "ORDER BY case_id, id")
        rows = (_StoredChild(row[0], row[1], row[2], row[3:])
                for row in _driver_cursor(session).execute(sql))
        return _StoredChildren(rows, self.key_at)

    def insert(self, session: Session, rows: list[tuple[Any, ...]]) -> None:
        """Rows are (case_id, uid, *values)."""
        if rows:
            marks = ", ".join(["?", "?", *self._marks()])
            _driver_cursor(session).executemany(
                f"INSERT INTO {self.table.name} (case_id, uid, {', '.join(self.columns)}) "
                f"VALUES ({marks})",
                rows,
            )

    def update(self, session: Session, rows: list[tuple[Any, ...]]) -> None:
        """Rows are (*values, id)."""
        if rows:
            assignments = ", ".join(f"{c} = {mark}"
                                    for c, mark in zip(self.columns, self._marks(), strict=True))
            _driver_cursor(session).executemany(
                f"UPDATE {self.table.name} SET {assignments} WHERE id = ?", rows
            )


@dataclass(slots=True)
class _MergedCase:
    """An existing case as an import would leave it."""

    case: CaseInput
    values: dict[str, Any]  # case columns
    visits: dict[Any, tuple[_Stored, int | None]]
    meetings: dict[Any, tuple[_Stored, int | None]]
    closure: Mapping[Any, Any] | None  # a stored row or a dict, keyed by column name


def _file_field(field: str, visits: list[tuple[_Stored, int | None]],
                meetings: list[tuple[_Stored, int | None]], visit_form: _StoredForm,
                meeting_form: _StoredForm) -> str:
    """A merged case's field as the file names it (`visits[2].date`), or the stored record
    it is about when the file did not carry it (`stored visit of 2026-11-02.date`)."""
    for what, records, form in (("visits", visits, visit_form),
                                ("meetings", meetings, meeting_form)):
        if field.startswith(f"{what}["):
            index_text, _, rest = field[len(what) + 1:].partition("]")
            if not index_text.isdigit() or not 1 <= int(index_text) <= len(records):
                return field
            values, in_file = records[int(index_text) - 1]
            head = (f"{what}[{in_file}]" if in_file is not None
                    else f"stored {form.describe(values)}")
            return head + rest
    return field


def _frequency_or_none(text: str | None) -> Any:
    if not text:
        return None
    try:
        return parse_frequency(text)
    except ValueError:
        return None  # unreadable stored value: flagged by the caseload, not this import's doing


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _agrees(stored_values: _Stored, new: _Stored, given: tuple[int, ...]) -> bool:
    return all(stored_values[i] == new[i] for i in given)


def _merge(stored_values: _Stored, new: _Stored, given: tuple[int, ...]) -> _Stored:
    if len(given) == len(new):
        return new
    values = list(stored_values)
    for i in given:
        values[i] = new[i]
    return tuple(values)


def _merged_events(stored_events: dict[str, str] | None, case: CaseInput) -> dict[str, str] | None:
    """Events merge name by name: a date given replaces, a name given as null clears, the others
    are kept."""
    events = dict(stored_events or {})
    for name in case.cleared_events:
        events.pop(name, None)
    events.update({name: when.isoformat() for name, when in case.events.items()})
    return dict(sorted(events.items())) or None


def _merged_closure(stored_closure: RowMapping, closure: Any,
                    new: dict[str, Any]) -> dict[str, Any]:
    given = closure.fields_given
    merged = {c: stored_closure[c] for c in _CLOSURE_COLUMNS}
    for column in _CLOSURE_COLUMNS:
        if given is not None and column not in given:
            continue
        if column == "checklist" and new["checklist"] is not None:
            merged["checklist"] = {**(stored_closure["checklist"] or {}), **new["checklist"]}
        else:
            merged[column] = new[column]
    return merged


def _to_stored(column_type: Any, dialect: Any) -> Any:
    """The conversion of a value to its stored form (None when it is stored as it is)."""
    if isinstance(column_type, Date):
        return stored.date_to_stored
    if isinstance(column_type, Boolean):
        return stored.bool_to_stored
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _driver_cursor(session: Session) -> Any:
    """A sqlite3 cursor on the session's own connection, inside its transaction (on
    PostgreSQL, one that takes the same SQL: models.connection.QmarkConnection)."""
    return driver_connection(session.connection()).cursor()


def _update_by_id(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """UPDATE rows by primary key with executemany; each dict holds "id" and new values."""
    grouped: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:  # executemany needs the same parameters in every row
        grouped[tuple(sorted(k for k in row if k != "id"))].append(row)
    for columns, group in grouped.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("p_id"))
            .values({c: bindparam(f"p_{c}", type_=table.c[c].type) for c in columns})
        )
        session.execute(statement, [{f"p_{k}": v for k, v in row.items()} for row in group])


def _closure_values(closure: Any) -> dict[str, Any]:
    values = {c: getattr(closure, c) for c in _CLOSURE_COLUMNS}
    values["checklist"] = dict(closure.checklist) or None
    return values


def _field_name(column: str) -> str:
    return {"worker_id": "worker", "policy_id": "policy"}.get(column, column)


def _child_counts(visits: int, meetings: int, closed: bool) -> str:
    parts = []
    if visits:
        parts.append(f"{visits} visit{'s' if visits != 1 else ''}")
    if meetings:
        parts.append(f"{meetings} meeting{'s' if meetings != 1 else ''}")
    if closed:
        parts.append("a closure")
    return f" with {', '.join(parts)}" if parts else ""


def _change_note(what: str, added: int, updated: int) -> list[str]:
    notes = []
    if added:
        notes.append(f"{added} {what}{'s' if added != 1 else ''} added")
    if updated:
        notes.append(f"{updated} {what}{'s' if updated != 1 else ''} changed")
    return notes
