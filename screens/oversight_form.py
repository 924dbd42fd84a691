"""Management oversight forms: record a note (decision, rationale, actions, flags addressed), and
mark one of its actions done. Both save through `models.commands`."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static, TextArea

from models.supervision import CasePage, clearable
from models.validation import FieldError, ValidationFailed, check_oversight_note
from policies.dates import DateParseError, format_date, parse_date
from screens import keys
from screens.cells import STATUS_WORDS, display_name
from screens.context import service_of
from screens.forms.base import Field, FormScreen, date_input, select, tick
from screens.text import shown, user_text

FIRST_ACTION_ROWS = 2
_COMMAND_ACTION_FIELD = re.compile(r"actions\[(\d+)\]\.(\w+)")


def _who(page: CasePage, privacy: bool) -> str:
    return f"{page.ref} {display_name(page.name, privacy)}"


class OversightNoteForm(FormScreen[str]):
    """Dismisses with a sentence saying what was saved, or None when cancelled."""

    FORM_TITLE = "Management oversight note"
    BINDINGS = keys.bindings(keys.ADD_ACTION)

    def __init__(self, *, page: CasePage, worker: str, author: str, today: date,
                 privacy: bool = False) -> None:
        super().__init__()
        self.page = page
        self.worker = worker
        self.author = author
        self.today = today
        self.privacy = privacy
        self.expected_version = page.detail.version  # saved against the case as shown
        self.flags = [flag for flag in page.flags if clearable(flag)]
        self.action_rows = FIRST_ACTION_ROWS
        self._row_of_command_action: dict[int, int] = {}

    def subtitle(self) -> str:
        return f"{_who(self.page, self.privacy)} · worker {self.worker} · {format_date(self.today)}"

    # ----- layout -----------------------------------------------------------------------

    def fields(self) -> ComposeResult:
        yield Field("author", "Manager", Input(shown(self.author), id="author", compact=True),
                    hint="Your name, as it goes on the record")
        yield Field("decision", "Decision", Input(id="decision", compact=True,
                                                  placeholder="What was decided"))
        yield Field("rationale", "Rationale",
                    TextArea(id="rationale", classes="rationale", soft_wrap=True,
                             show_line_numbers=False, tab_behavior="focus"),
                    hint="Why: the reasons, as they will be case-noted")
        if self.flags:
            rows = [Horizontal(tick(f"flag-{i}", self._flag_state(flag)),
                               Static(user_text(flag.label), classes="flag-words"),
                               classes="flag-row")
                    for i, flag in enumerate(self.flags)]
            yield Field("cleared_flags", "Flags addressed", Vertical(*rows, classes="flag-ticks"),
                        hint="Space ticks a flag this note answers: it is cleared")
        else:
            yield Static("No oversight flag is open on this case.", classes="field-hint")
        with Vertical(id="action-rows"):
            for row in range(1, self.action_rows + 1):
                yield from self._action_row(row)
        yield Static("Leave an action line empty if it is not needed; ctrl+n adds another line.",
                     classes="field-hint")

    def _flag_state(self, flag: Any) -> str:
        return f"{STATUS_WORDS.get(flag.status, flag.status)}, due {format_date(flag.due)}"

    def _action_row(self, row: int) -> list[Field]:
        record = f"action {row}"
        return [
            Field("description", f"Action {row}",
                  Input(id=f"a{row}-description", compact=True, placeholder="What is to be done"),
                  record=record, classes="action-first"),
            Field("owner", "  owner", Input(shown(self.worker) if row == 1 else "",
                                            id=f"a{row}-owner", compact=True,
                                            placeholder="Who will do it"),
                  record=record),
            Field("due", "  due", date_input(f"a{row}-due"), record=record,
                  hint="Day first (30/11/2026) or ISO (2026-11-30)"),
        ]

    async def action_add_action(self) -> None:
        self.action_rows += 1
        fields = self._action_row(self.action_rows)
        await self.query_one("#action-rows", Vertical).mount(*fields)
        for field in fields:
            field.show_error(None)
        fields[0].widget.focus()
        fields[-1].scroll_visible(animate=False)

    # ----- reading ----------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        """Every problem at once: a due date that cannot be read, and whatever the command
        would refuse in the rest of the note (the same `check_oversight_note`)."""
        errors: list[FieldError] = []
        actions: list[tuple[str, str, date | None]] = []
        self._row_of_command_action = {}
        for row in range(1, self.action_rows + 1):
            description = self.text(f"a{row}-description")
            owner = self.text(f"a{row}-owner")
            due_text = self.text(f"a{row}-due")
            suggested_owner = self.worker if row == 1 else ""
            if not description and not due_text and owner in ("", suggested_owner):
                continue  # an empty line (the first suggests the worker as its owner)
            record = f"action {row}"
            due = None
            if not due_text:
                errors.append(FieldError("due", "required: the date the action is due, such as "
                                                "30/11/2026 or 2026-11-30", record))
            else:
                try:
                    due = parse_date(due_text)
                except DateParseError as error:
                    errors.append(FieldError("due", str(error), record))
            actions.append((description, owner, due))
            self._row_of_command_action[len(actions)] = row
        author, decision = self.text("author"), self.text("decision")
        rationale = self.query_one("#rationale", TextArea).text.strip()
        cleared = [flag.flag_id for i, flag in enumerate(self.flags) if self.ticked(f"flag-{i}")]
        errors += check_oversight_note(author=author, decision=decision, rationale=rationale,
                                       actions=actions, cleared_flags=cleared, today=self.today)
        if errors:
            raise ValidationFailed(errors)
        return {"ref": self.page.ref, "author": author, "decision": decision,
                "rationale": rationale, "actions": actions, "cleared_flags": cleared}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).add_oversight_note(**value, expected_version=self.expected_version)
        parts = []
        if value["actions"]:
            count = len(value["actions"])
            parts.append(f"{count} action{'s' if count != 1 else ''} now showing as "
                         f"{'deadlines' if count != 1 else 'a deadline'}")
        if value["cleared_flags"]:
            count = len(value["cleared_flags"])
            parts.append(f"{count} flag{'s' if count != 1 else ''} cleared")
        return (f"Oversight note recorded for {_who(self.page, self.privacy)}"
                + (f": {'; '.join(parts)}" if parts else ""))

    # ----- errors -----------------------------------------------------------------------

    def field_for(self, error: FieldError) -> Field | None:
        """The command numbers the actions it was given ("actions[2].owner"); show the
        message under that action's line on the form."""
        match = _COMMAND_ACTION_FIELD.fullmatch(error.field)
        if match is not None:
            row = self._row_of_command_action.get(int(match.group(1)), int(match.group(1)))
            error = FieldError(match.group(2), error.message, f"action {row}")
        return super().field_for(error)

    def record_for(self, error: FieldError) -> str | None:
        return error.record


class ActionDoneForm(FormScreen[str]):
    FORM_TITLE = "Mark an oversight action done"

    def __init__(self, *, page: CasePage, today: date, privacy: bool = False) -> None:
        super().__init__()
        self.page = page
        self.today = today
        self.privacy = privacy
        self.expected_version = page.detail.version  # saved against the case as shown

    def subtitle(self) -> str:
        return _who(self.page, self.privacy)

    def fields(self) -> ComposeResult:
        options = [(f"{item.action.description} ({item.action.owner}, due "
                    f"{format_date(item.action.due)})", item.action.id)
                   for item in self.page.open_actions]
        yield Field("action_id", "Which action", select("action_id", options, value=options[0][1]))
        yield Field("done", "Done on", date_input("done", self.today),
                    hint="The day it was done: 23/11/2026 or 2026-11-23")

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        action_id = self.chosen("action_id")
        if action_id is None:
            errors.append(FieldError("action_id", "choose the action that was done"))
        done = self.date_from("done", "done", errors)
        if errors:
            raise ValidationFailed(errors)
        return {"action_id": action_id, "done": done}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).complete_oversight_action(**value, expected_version=self.expected_version)
        description = next(item.action.description for item in self.page.open_actions
                           if item.action.id == value["action_id"])
        return f"Action done on {format_date(value['done'])}: {description}"
