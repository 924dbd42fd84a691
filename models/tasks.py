"""The worker's own tasks: marking one done, and withdrawing that (issue 12, item 3).

A pack rule with `done_by = "worker"` (docs/policies.md, "Tasks the worker marks done") is a task
the worker ticks off with the date it was done: a `TaskCompletion` row, which the facts builder
reads into `CaseFacts.tasks_done` and the engine treats as met. A task repeated per meeting or
per period is done one occurrence at a time (the open deadline due on `due`, or the earliest
open one). Oversight points (`done_by = "manager"`) are refused: a manager's note clears them.
Like every command: validated all at once, one transaction, an audit row with before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from models import audit, versions
from models.caseload import load_case
from models.db import one_transaction
from models.inputs import CaseInput
from models.tables import Case, Closure, TaskCompletion
from models.validation import (
    FieldError,
    ValidationFailed,
    check_event_date,
    check_text,
    fail_if,
    not_after_today,
)
from policies.dates import format_date
from policies.deadlines import Deadline
from policies.packs import Policy, Rule
from policies.vocabulary import ANCHORS, or_list

__all__ = ["check_tasks_done", "complete_task", "find_rule", "import_tasks_done",
           "is_per_occurrence", "withdraw_task_completion", "worker_tasks"]


def worker_tasks(policy: Policy) -> list[Rule]:
    """The rules of `policy` the worker marks done themselves, in pack order."""
    return [rule for rule in policy.rules if rule.worker_task]


def find_rule(policy: Policy, typed: str) -> Rule | None:
    """The rule named by its own id ("invitations") or qualified id ("camden.invitations"),
    any case; None if the pack has none."""
    wanted = typed.strip().casefold().removeprefix(f"{policy.id}.")
    return next((rule for rule in policy.rules if rule.id.casefold() == wanted), None)


def is_per_occurrence(rule: Rule) -> bool:
    """Done one occurrence at a time (per booked meeting, or per period), not once."""
    return rule.repeat is not None or ANCHORS[rule.anchor].per_item


def rule_errors(policy: Policy, typed: str) -> tuple[Rule | None, list[FieldError]]:
    """The worker task `typed` names in `policy`, or the problem in words."""
    tasks = ", ".join(rule.id for rule in worker_tasks(policy)) or "none"
    rule = find_rule(policy, typed)
    if rule is None:
        return None, [FieldError("rule", f"{typed.strip()!r} is not a rule of the {policy.id} "
                                         f"pack; its worker tasks: {tasks}")]
    if rule.done_by == "manager":
        return None, [FieldError("rule", (
            f"{rule.qualified_id} ({rule.label}) is an oversight point: a manager's oversight "
            "note clears it, not the worker (o in the team view's walkthrough)"))]
    if not rule.worker_task:
        return None, [FieldError("rule", (
            f"{rule.qualified_id} ({rule.label}) is met by recording what it asks for (a "
            f"visit, a meeting, a date), not marked done; the {policy.id} pack's worker "
            f"tasks: {tasks}"))]
    return rule, []


@one_transaction
def complete_task(
    session: Session,
    *,
    ref: str,
    rule: str,
    done: date,
    due: date | None = None,
    note: str | None = None,
    policies: Mapping[str, Policy],
    calendar: Any,
    actor: str,
    today: date,
    expected_version: int | None = None,
) -> int:
    """Mark the worker task `rule` of case `ref` done on `done`: the open occurrence due on
    `due`, or the earliest open one. Returns the new TaskCompletion's id."""
    case = session.exec(select(Case).where(Case.ref == ref)).first()
    if case is None:
        raise ValidationFailed([FieldError("ref", f"no case with reference {ref!r}")])
    versions.claim(session, case, expected_version)
    errors: list[FieldError] = []
    closure = session.exec(select(Closure).where(Closure.case_id == case.id)).first()
    if closure is not None:
        errors.append(FieldError("ref", f"the case was closed on {format_date(closure.date)}; "
                                        "it has no open tasks"))
    policy = policies.get(case.policy_id)
    task: Rule | None = None
    if policy is None:
        errors.append(FieldError("rule", f"the case's policy {case.policy_id!r} is not "
                                         "installed, so its tasks are not known"))
    else:
        task, problems = rule_errors(policy, rule)
        errors += problems
    errors += check_event_date("done", done, dob=case.dob)
    errors += not_after_today("done", done, today, "give the day it was done")
    if done < case.allocated:
        errors.append(FieldError("done", f"{format_date(done)} is before the case was "
                                         f"allocated ({format_date(case.allocated)})"))
    errors += check_text("note", note, long=True)
    deadline: Deadline | None = None
    if task is not None and closure is None:
        deadline, problem = _open_occurrence(session, case, task, due, policies, calendar, today)
        if problem is not None:
            errors.append(problem)
    fail_if(errors)
    assert task is not None and deadline is not None and case.id is not None
    row = TaskCompletion(
        case_id=case.id, rule_id=task.qualified_id,
        due=deadline.due if is_per_occurrence(task) else None, done=done,
        recorded_by=actor, note=(note or "").strip() or None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="complete_task", case_ref=case.ref,
        summary=f"Task done on {format_date(done)}: {task.label} "
                f"(due {format_date(deadline.due)})",
        after=audit.snapshot(row),
    )
    assert row.id is not None
    return row.id


def _open_occurrence(
    session: Session, case: Case, task: Rule, due: date | None,
    policies: Mapping[str, Policy], calendar: Any, today: date,
) -> tuple[Deadline | None, FieldError | None]:
    """The open deadline of `task` to mark done (due on `due`, or the earliest), or why none."""
    row = load_case(session, ref=case.ref, policies=policies, calendar=calendar, today=today)
    open_ones = sorted((d for d in row.deadlines if d.rule_id == task.qualified_id),
                       key=lambda d: d.due)
    if not open_ones:
        return None, FieldError("rule", (
            f"{task.qualified_id} ({task.label}) has no open deadline on this case: it is "
            "done already, or not due (for a task before a meeting: no meeting is booked)"))
    if due is None:
        return open_ones[0], None
    chosen = next((d for d in open_ones if d.due == due), None)
    if chosen is None:
        dues = or_list([format_date(d.due) for d in open_ones])
        return None, FieldError("due", f"no open {task.id} deadline is due on "
                                       f"{format_date(due)}; open ones are due {dues}")
    return chosen, None


def latest_completion(session: Session, *, ref: str, rule: str,
                      policies: Mapping[str, Policy]) -> int:
    """The id of the task `rule` of case `ref` marked done most recently and not withdrawn."""
    case = session.exec(select(Case).where(Case.ref == ref)).first()
    if case is None:
        raise ValidationFailed([FieldError("ref", f"no case with reference {ref!r}")])
    policy = policies.get(case.policy_id)
    found = find_rule(policy, rule) if policy is not None else None
    rule_id = found.qualified_id if found is not None else rule.strip()
    row = session.exec(
        select(TaskCompletion).where(TaskCompletion.case_id == case.id,
                                     TaskCompletion.rule_id == rule_id,
                                     col(TaskCompletion.withdrawn_on).is_(None))
        .order_by(col(TaskCompletion.id).desc())).first()
    if row is None or row.id is None:
        raise ValidationFailed([FieldError("rule", f"no {rule_id} task is marked done on this "
                                                   "case, so there is nothing to withdraw")])
    return row.id


@one_transaction
def withdraw_task_completion(
    session: Session, *, completion_id: int, reason: str, actor: str, today: date,
    expected_version: int | None = None,
) -> None:
    """Withdraw a task marked done by mistake: kept (marked withdrawn, with the reason), no
    longer counted, so the deadline is open again."""
    row = session.get(TaskCompletion, completion_id)
    if row is None:
        raise ValidationFailed([FieldError("completion_id",
                                           f"no task marked done with id {completion_id}")])
    case = session.get(Case, row.case_id)
    assert case is not None
    versions.claim(session, case, expected_version)
    errors: list[FieldError] = []
    if row.withdrawn_on is not None:
        errors.append(FieldError("completion_id", (
            f"it was withdrawn already, on {format_date(row.withdrawn_on)}")))
    if not reason.strip():
        errors.append(FieldError("reason", "required: why it is withdrawn"))
    errors += check_text("reason", reason, long=True)
    fail_if(errors)
    before = audit.snapshot(row)
    row.withdrawn_on, row.withdrawn_reason = today, reason.strip()
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="withdraw_task_completion", case_ref=case.ref,
        summary=f"Task marked done on {format_date(row.done)} withdrawn ({row.rule_id}): "
                f"{reason.strip()}",
        before=before, after=audit.snapshot(row),
    )


def task_label(policies: Mapping[str, Policy], rule_id: str) -> str:
    """The label of a qualified rule id, or the id when its pack or rule is not known."""
    policy = policies.get(rule_id.split(".", 1)[0])
    rule = find_rule(policy, rule_id) if policy is not None else None
    return rule.label if rule is not None else rule_id


# --- the import: `tasks_done` of a case record (docs/formats.md) ----------------------------


def check_tasks_done(cases: Sequence[CaseInput], *, policies: Mapping[str, Policy],
                     today: date) -> list[FieldError]:
    """Every problem with the cases' `tasks_done`, each naming its record: the rule must be a
    worker task or a one-off milestone of the case's pack; the date done not in the future nor
    before allocation."""
    errors: list[FieldError] = []
    for case in cases:
        policy = policies.get(case.policy)
        for index, task in enumerate(case.tasks_done, start=1):
            where = f"tasks_done[{index}]."
            found: list[FieldError] = []
            if policy is not None:
                rule = find_rule(policy, task.rule)
                if rule is None or not (rule.worker_task or rule.milestone):
                    accepted = ", ".join(r.id for r in policy.rules
                                         if r.worker_task or r.milestone) or "none"
                    found.append(FieldError("rule", (
                        f"{task.rule.strip()!r} is not a task or milestone of the {policy.id} "
                        f"pack that can be recorded as done; accepted: {accepted}")))
            found += check_event_date("done", task.done, dob=case.dob)
            found += not_after_today("done", task.done, today, "give the day it was done")
            if task.done < case.allocated:
                found.append(FieldError("done", f"{format_date(task.done)} is before the case "
                                                f"was allocated ({format_date(case.allocated)})"))
            found += check_event_date("due", task.due, dob=case.dob)
            found += check_text("note", task.note, long=True)
            errors += [FieldError(where + e.field, e.message, case.source) for e in found]
    return errors


def import_tasks_done(session: Session, cases: Sequence[CaseInput], *,
                      policies: Mapping[str, Policy], actor: str, dry_run: bool) -> list[str]:
    """Add each case's `tasks_done` not stored yet (matched by rule and due date; a different
    date done or note replaces the stored one), with one audit entry per case changed. Never
    removes one. Returns what changed, a line per case. Call after the cases are written."""
    wanted = [case for case in cases if case.tasks_done]
    if not wanted:
        return []
    ids = dict(session.exec(select(Case.ref, Case.id)).all())
    stored: dict[tuple[int, str, date | None], TaskCompletion] = {
        (row.case_id, row.rule_id, row.due): row
        for row in session.exec(select(TaskCompletion).where(
            col(TaskCompletion.withdrawn_on).is_(None)))
    }
    lines: list[str] = []
    for case in wanted:
        case_id = ids.get(case.ref)  # None: a new case in a dry run
        added: list[dict[str, Any]] = []
        before: list[dict[str, Any]] = []
        after: list[dict[str, Any]] = []
        for task in case.tasks_done:
            rule_id = _qualified(policies.get(case.policy), case.policy, task.rule)
            note = (task.note or "").strip() or None
            row = stored.get((case_id, rule_id, task.due)) if case_id is not None else None
            if row is None:
                new = TaskCompletion(case_id=case_id or 0, rule_id=rule_id, due=task.due,
                                     done=task.done, recorded_by=actor, note=note)
                if not dry_run:
                    session.add(new)
                added.append(_task_values(new))
            elif (row.done, row.note) != (task.done, note):
                before.append(_task_values(row))
                row.done, row.note = task.done, note
                if not dry_run:
                    session.add(row)
                after.append(_task_values(row))
        if not added and not after:
            continue
        said = [f"{len(added)} added"] if added else []
        said += [f"{len(after)} changed"] if after else []
        lines.append(f"{case.ref}: tasks done: {', '.join(said)}")
        if not dry_run:
            session.flush()
            audit.record(session, actor=actor, action="import", case_ref=case.ref,
                         summary=f"Imported tasks done: {', '.join(said)}",
                         before={"tasks_done": before} if before else None,
                         after={"tasks_done": [*added, *after]})
    return lines


def _qualified(policy: Policy | None, policy_id: str, typed: str) -> str:
    rule = find_rule(policy, typed) if policy is not None else None
    if rule is not None:
        return rule.qualified_id
    typed = typed.strip()
    return typed if typed.startswith(f"{policy_id}.") else f"{policy_id}.{typed}"


def _task_values(row: TaskCompletion) -> dict[str, Any]:
    return {"rule": row.rule_id, "done": row.done.isoformat(),
            "due": row.due.isoformat() if row.due else None, "note": row.note}
