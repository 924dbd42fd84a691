"""Mark one of the worker's own tasks done (issue 12, item 3): which task, and the date done.

The tasks offered are the case's open deadlines of rules the pack gives the worker
(`done_by = "worker"`: letters, reports, updates to the child); the date defaults to today.
Saved through the same service method as `cin done` (models/tasks.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult

from models.validation import FieldError, ValidationFailed
from policies.dates import format_date
from policies.deadlines import Deadline
from screens.context import service_of
from screens.forms.base import CaseFormScreen, Field, date_input, select, text_input


def task_label(deadline: Deadline) -> str:
    """ "Invitation letters sent for the review, due 23 Dec 2026" """
    return f"{deadline.label}, due {format_date(deadline.due)}"


class TaskDoneForm(CaseFormScreen[str]):
    FORM_TITLE = "Mark a task done"

    def __init__(self, *, ref: str, name: str, tasks: list[Deadline], today: date,
                 privacy: bool = False) -> None:
        super().__init__(ref=ref, name=name, privacy=privacy)
        self.tasks = tasks  # open worker-task deadlines, soonest first
        self.today = today

    def fields(self) -> ComposeResult:
        options = [(task_label(d), index) for index, d in enumerate(self.tasks)]
        yield Field("rule", "Which task", select("task", options, value=0))
        yield Field("done", "Done on", date_input("done", self.today),
                    hint="The day it was done: 20/11/2026, 20 Nov 2026 or 2026-11-20")
        yield Field("note", "Note", text_input("note", "Optional: how, to whom"))

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        index = self.chosen("task")
        if index is None:
            errors.append(FieldError("rule", "choose the task that was done"))
        done = self.date_from("done", "done", errors)
        if errors or index is None:
            raise ValidationFailed(errors)
        deadline = self.tasks[int(index)]
        return {"ref": self.ref, "rule": deadline.rule_id, "due": deadline.due, "done": done,
                "note": self.optional_text("note"), "label": deadline.label}

    def save(self, value: dict[str, Any]) -> str:
        label = value.pop("label")
        service_of(self).complete_task(**value, expected_version=self.expected_version)
        return f"{label}: marked done on {format_date(value['done'])} ({self.ref})"

    def field_for(self, error: FieldError) -> Field | None:
        if error.field == "due":  # the occurrence chosen is no longer open
            error = FieldError("rule", error.message, error.record)
        return super().field_for(error)
