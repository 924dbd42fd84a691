"""Reopen a closed case, with the reason; the closure stays in the case's history."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from models.history import closure_words
from models.validation import ValidationFailed
from policies.dates import format_date
from screens.context import service_of
from screens.forms.base import CaseFormScreen
from screens.forms.correct import reason_error, reason_field
from screens.text import user_text


class ReopenForm(CaseFormScreen[str]):
    FORM_TITLE = "Reopen the case"

    def __init__(self, *, ref: str, name: str, closure: Any, privacy: bool = False) -> None:
        super().__init__(ref=ref, name=name, privacy=privacy)
        self.closure = closure

    def fields(self) -> ComposeResult:
        yield Static(user_text(f"Closed on {format_date(self.closure.date)}: "
                               f"{closure_words(self.closure)}", multiline=True))
        yield Static(user_text("The case will be open again, with its deadlines, and can be "
                               "closed again later. The closure stays in its history.",
                               "italic", multiline=True), classes="dialog-note")
        yield reason_field("e.g. closed by mistake; the family asked for help again")

    def collect(self) -> str:
        reason = self.text("reason")
        if errors := reason_error(reason):
            raise ValidationFailed(errors)
        return reason

    def save(self, reason: str) -> str:
        service_of(self).reopen_case(ref=self.ref, reason=reason,
                                     expected_version=self.expected_version)
        return f"Case {self.ref} reopened"
