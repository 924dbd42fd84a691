"""Close a case: date, reason, step-down to Early Help, and the authority's closure checklist."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Label, Select

from models.inputs import ClosureInput
from models.validation import (
    CENSUS_CLOSURE_REASONS,
    FieldError,
    ValidationFailed,
    check_closure,
)
from screens.context import service_of
from screens.forms.base import (
    CaseFormScreen,
    Field,
    date_input,
    select,
    text_input,
    tick,
)
from screens.text import user_text


def reason_options(policy: Any | None) -> list[tuple[str, str]]:
    """Census codes RC1-RC9 with their census wording, then the pack's own reasons, each with
    the census code it is reported as, in words too."""
    options = [(f"{code}  {words}", code) for code, words in CENSUS_CLOSURE_REASONS.items()]
    for reason in getattr(policy, "closure_reasons", ()) or ():
        code = getattr(reason, "code", str(reason))
        if code in CENSUS_CLOSURE_REASONS:
            continue
        census = getattr(reason, "census", None)
        reported = (f"; reported as {census} {CENSUS_CLOSURE_REASONS.get(census, '')}".rstrip()
                    if census else "")
        options.append((f"{getattr(reason, 'label', code)}  ({code}{reported})", code))
    return options


_NONE_YET = "Choose the reason to see what this authority's checklist asks for it."
_NONE_FOR_REASON = "Nothing on this authority's checklist for this reason."


class Checklist(Vertical):
    """The pack's closure checklist: one box per item, only the items that apply to the reason
    and step-down chosen shown (`show_for`). A hidden item keeps its tick, in case the reason
    is changed back. Focus goes to the first box shown."""

    def __init__(self, items: list[Any]) -> None:
        super().__init__(classes="checklist")
        self.items = items
        self.shown: list[bool] = [_applies(item, None, False) for item in items]

    def compose(self) -> ComposeResult:
        # The box and its wording side by side, so a long item wraps instead of being cut off.
        for index, item in enumerate(self.items):
            optional = "" if getattr(item, "required", True) else " (if it applies)"
            with Horizontal(classes="check-item", id=f"check-row-{index}") as row:
                row.display = self.shown[index]
                yield tick(f"check-{index}")
                yield Label(user_text(f"{item.label}{optional}"), classes="check-label")
        none = Label(_NONE_YET, classes="check-none")
        none.display = not any(self.shown)
        yield none

    def show_for(self, reason: str | None, step_down: bool) -> None:
        self.shown = [_applies(item, reason, step_down) for item in self.items]
        for index, shown in enumerate(self.shown):
            self.query_one(f"#check-row-{index}").display = shown
        none = self.query_one(".check-none", Label)
        none.update(_NONE_YET if reason is None else _NONE_FOR_REASON)
        none.display = not any(self.shown)

    def focus(self, scroll_visible: bool = True) -> Checklist:
        boxes = [box for index, box in enumerate(self.query(Checkbox)) if self.shown[index]]
        if boxes:
            boxes[0].focus(scroll_visible)
        return self

    @property
    def done(self) -> dict[str, bool]:
        """The items shown, ticked or not."""
        return {item.id: self.query_one(f"#check-{index}", Checkbox).value
                for index, item in enumerate(self.items) if self.shown[index]}


def _applies(item: Any, reason: str | None, step_down: bool) -> bool:
    applies = getattr(item, "applies", None)
    return True if applies is None else bool(applies(reason, step_down=step_down))


class CloseCaseForm(CaseFormScreen[str]):
    FORM_TITLE = "Close the case"

    def __init__(self, *, ref: str, name: str, policy: Any | None, today: date,
                 privacy: bool = False) -> None:
        super().__init__(ref=ref, name=name, privacy=privacy)
        self.policy = policy
        self.today = today

    def subtitle(self) -> str:
        authority = getattr(self.policy, "name", "")
        return f"{super().subtitle()} · {authority}"

    def fields(self) -> ComposeResult:
        yield Field("date", "Closed on", date_input("date", self.today))
        yield Field("reason", "Reason",
                    select("reason", reason_options(self.policy), prompt="Choose the reason"),
                    hint="Census codes RC1-RC9, then this authority's own reasons; the "
                         "checklist below follows the reason")
        yield Field("note", "Note", text_input("note", "Optional"))
        yield Field("step_down_to_early_help", "Stepped down to Early Help",
                    tick("step_down_to_early_help", "yes"))
        yield Field("lead_professional", "Early Help lead professional",
                    text_input("lead_professional", "Name and agency"),
                    hint="Who leads the Early Help support after the step-down")
        items = list(getattr(self.policy, "closure_checklist", ()) or ())
        if items:
            yield Field("checklist", "Closure checklist", Checklist(items),
                        hint="What this authority's procedure asks before a case closes for "
                             "the reason chosen (and a step-down, if ticked)")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "reason":
            self._show_checklist()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "step_down_to_early_help":
            self._show_checklist()

    def _show_checklist(self) -> None:
        for checklist in self.query(Checklist):
            checklist.show_for(self.chosen("reason"), self.ticked("step_down_to_early_help"))

    def collect(self) -> ClosureInput:
        errors: list[FieldError] = []
        when = self.date_from("date", "date", errors)
        reason = self.chosen("reason")
        if reason is None:
            errors.append(FieldError("reason", "choose a reason: a census code RC1-RC9 or one "
                                               "of this authority's own"))
        if errors:
            raise ValidationFailed(errors + self.despite_unread(errors, partial(
                check_closure, self._closure(self.today, reason or ""), case_dates=(),
                today=self.today, policy=self.policy), ("date",)))
        assert when is not None and reason is not None  # each added an error otherwise
        return self._closure(when, reason)

    def _closure(self, when: date, reason: str) -> ClosureInput:
        checklists = list(self.query(Checklist))
        return ClosureInput(
            date=when,
            reason=reason,
            note=self.optional_text("note"),
            step_down_to_early_help=self.ticked("step_down_to_early_help"),
            lead_professional=self.optional_text("lead_professional"),
            checklist=checklists[0].done if checklists else {},
        )

    def save(self, closure: ClosureInput) -> str:
        service_of(self).close_case(ref=self.ref, closure=closure,
                                    expected_version=self.expected_version)
        return f"Case {self.ref} closed"
