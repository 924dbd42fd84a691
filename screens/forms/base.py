"""What every form shares: labelled fields with their error line, ctrl+s to save, Escape to cancel.

A form is a `ModalScreen[T]`. `collect()` reads the widgets into the command's input (raising
`ValidationFailed` for text that is not a date, say); `save(value)` runs the command through the
`CaseStore` in a thread worker. Problems, from either, are shown under their field and nothing
is saved; on success the form dismisses with `save`'s result. Escape dismisses with None.

Every problem shows at once: `collect()` gathers all it finds (and the command's own checks
where they need no database), the command raises with all of its own.

A form opened from a case screen is given the case's version as that screen showed it
(`expected_version`) and saves against it. When someone else changed the case meanwhile the
save is refused (`ChangedMeanwhile`): the form stays open with everything typed still in it,
says above the fields who changed what and when, and the case screen behind reloads; ctrl+s
again, once the user has read it, applies the same input to the case as it is now.

Input that is valid but looks mistaken (`NeedsConfirmation`) is shown as warnings under their
fields; ctrl+s again with the same input saves anyway (`self.confirmed` is then true for
`save`), any change is checked afresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from models.errors import ChangedMeanwhile
from models.validation import FieldError, NeedsConfirmation, ValidationFailed
from policies.dates import DateParseError, format_date, parse_date
from screens import keys
from screens.cells import display_name
from screens.context import cin
from screens.text import describe_error, shown, user_text
from screens.widgets.footer import CinFooter
from screens.widgets.toggles import Tick

T = TypeVar("T")


class Field(Horizontal):
    """A label, the input widget, an optional hint and the line where its error appears."""

    DEFAULT_CSS = """
    Field { height: auto; }
    Field > .field-label { width: 24; }
    Field > .field-input { width: 1fr; height: auto; }
    """

    def __init__(self, name: str, label: str, widget: Widget, *, hint: str = "",
                 record: str | None = None, classes: str = "") -> None:
        super().__init__(classes=f"field {classes}".strip())
        self.field_name = name
        self.label = label
        self.widget = widget
        self.hint = hint
        self.record = record

    def compose(self) -> ComposeResult:
        yield Label(Text(self.label), classes="field-label")
        with Vertical(classes="field-input"):
            yield self.widget
            if self.hint:
                yield Label(Text(self.hint), classes="field-hint")
            yield Label("", classes="field-error")

    def show_error(self, message: str | None, *, warning: bool = False) -> None:
        error = self.query_one(".field-error", Label)
        mark = "⚠" if warning else "✖"
        error.update(user_text(f"{mark} {message}", multiline=True) if message else "")
        error.display = bool(message)
        self.set_class(bool(message) and not warning, "has-error")
        self.set_class(bool(message) and warning, "has-warning")


class FormScreen(ModalScreen[T], Generic[T]):
    BINDINGS = keys.bindings(*keys.FORM_COMMANDS)
    FORM_TITLE = "Form"

    def __init__(self) -> None:
        super().__init__()
        self.saving = False
        # Whether `save` may go ahead despite warnings: the user saw them for this very input
        # and pressed ctrl+s again.
        self.confirmed = False
        self._warned_about: Any = None
        # The case's version the form's input is made against (set by the case screen that
        # opens it; None: the latest, unchecked). Moved on when a save finds it changed.
        self.expected_version: int | None = None

    @property
    def asking_to_confirm(self) -> bool:
        """Whether warnings are shown and the next ctrl+s, with nothing changed, saves anyway."""
        return self._warned_about is not None

    # ----- to override ------------------------------------------------------------------

    def subtitle(self) -> str:
        return ""

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def collect(self) -> Any:
        """The command's input from the widgets; raise ValidationFailed for unreadable text."""
        raise NotImplementedError

    def save(self, value: Any) -> T:
        """Run the command (called in a thread worker). Raise ValidationFailed on bad input."""
        raise NotImplementedError

    # ----- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(self.FORM_TITLE, classes="dialog-title")
            if subtitle := self.subtitle():
                yield Static(user_text(subtitle), classes="dialog-subtitle")
            yield Label("", id="form-error", classes="field-error")
            with VerticalScroll(classes="form-body"):
                yield from self.fields()
            yield Static("[b]ctrl+s[/b] save   [b]Esc[/b] cancel (nothing is saved)   "
                         "[b]Tab[/b] next field", classes="dialog-note")
        yield CinFooter()

    def on_mount(self) -> None:
        for widget in self.query(Input):
            widget.cursor_blink = cin(self).cursor_blink
        self.query_one("#form-error", Label).display = False
        for field in self.query(Field):
            field.show_error(None)
        self.focus_first()

    def on_descendant_focus(self) -> None:
        # Marks the field being filled in. (A class, not :focus-within, because Textual does not
        # restyle the label when focus moves between siblings.)
        focused = self.focused
        for field in self.query(Field):
            field.set_class(focused is not None and field in focused.ancestors_with_self,
                            "-focused")

    def focus_first(self) -> None:
        first = next(iter(self.query(Field)), None)
        if first is not None:
            first.widget.focus()

    # ----- reading widgets --------------------------------------------------------------

    def text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def optional_text(self, widget_id: str) -> str | None:
        return self.text(widget_id) or None

    def ticked(self, widget_id: str) -> bool:
        return self.query_one(f"#{widget_id}", Checkbox).value

    def chosen(self, widget_id: str) -> Any | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.NULL else value

    def date_from(self, widget_id: str, field: str, errors: list[FieldError], *,
                  required: bool = True) -> date | None:
        """Parse a date field, adding a FieldError (and returning None) if it cannot be read."""
        text = self.text(widget_id)
        if not text:
            if required:
                errors.append(
                    FieldError(field, "required: a date such as 23/11/2026 or 2026-11-23"))
            return None
        try:
            return parse_date(text)
        except DateParseError as error:
            errors.append(FieldError(field, str(error)))
            return None

    def despite_unread(self, found: list[FieldError], check: Callable[[], list[FieldError]],
                       stand_ins: Iterable[str]) -> list[FieldError]:
        """More problems to show with those `collect()` found (text it could not read): the
        command's own rules, `check()`, run on the fields that did read with stand-ins for the
        rest, less what it says about the `stand_ins` and about fields already in error. So
        every problem shows at once, not the next one only after a date is put right."""
        skip = set(stand_ins) | {(e.field, e.record) for e in found} | {e.field for e in found}
        return [e for e in check()
                if e.field not in skip and (e.field, e.record) not in skip]

    # ----- saving -----------------------------------------------------------------------

    async def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        await self._typed_keys_delivered()
        self.saving = False
        self.show_errors([])
        try:
            value = self.collect()
        except ValidationFailed as failed:
            self.show_errors(failed.errors)
            return
        self.confirmed = self._warned_about is not None and value == self._warned_about
        self.saving = True
        self._save_in_thread(value)

    async def _typed_keys_delivered(self) -> None:
        """Wait until every field has handled the keys already sent to it. Keys that arrive in
        one burst (a fast typist, a paste, a slow remote desktop) reach the App together: it
        handles ctrl+s at once, while the letters typed before it still wait in the fields'
        own queues; saving then would cut the words short."""
        delivered = []
        for widget in self.query("*"):
            if widget.focusable:
                done = asyncio.Event()
                widget.call_later(done.set)
                delivered.append(done.wait())
        await asyncio.gather(*delivered)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save_in_thread(self, value: Any) -> None:
        try:
            result = self.save(value)
        except ValidationFailed as failed:
            self.app.call_from_thread(self._save_failed, failed.errors)
        except NeedsConfirmation as asked:
            self.app.call_from_thread(self._ask_to_confirm, value, asked.warnings)
        except ChangedMeanwhile as changed:
            self.app.call_from_thread(self._changed_meanwhile, changed)
        except Exception as error:  # the user sees what went wrong, never a traceback
            self.app.call_from_thread(
                self._save_failed, [FieldError("", f"Nothing was saved. {describe_error(error)}")]
            )
        else:
            self.app.call_from_thread(self.dismiss, result)

    def _save_failed(self, errors: list[FieldError]) -> None:
        self.saving = False
        self._warned_about = None
        self.show_errors(errors)

    def _changed_meanwhile(self, changed: ChangedMeanwhile) -> None:
        """Someone else changed the case since the form opened: nothing was saved. The input
        stays as typed; the next ctrl+s applies it to the version now stored, which the case
        screen behind shows once it has reloaded."""
        self.saving = False
        self._warned_about = None
        self.expected_version = changed.current
        self.show_errors([])
        form_error = self.query_one("#form-error", Label)
        form_error.update(user_text(f"⚠ {changed}", multiline=True))
        form_error.display = True
        form_error.add_class("changed-meanwhile")
        self.notify(shown(changed.what_happened, multiline=True), title="Not saved",
                    severity="warning", timeout=10, markup=False)
        cin(self).data_changed()

    def _ask_to_confirm(self, value: Any, warnings: list[FieldError]) -> None:
        self.saving = False
        self._warned_about = value
        self.show_errors(warnings, warning=True)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ----- errors -----------------------------------------------------------------------

    def field_for(self, error: FieldError) -> Field | None:
        for field in self.query(Field):
            if field.field_name == error.field and field.record == self.record_for(error):
                return field
        return None

    def record_for(self, error: FieldError) -> str | None:
        """Which Field.record an error belongs to (sibling forms override this)."""
        return None

    def show_errors(self, errors: list[FieldError], *, warning: bool = False) -> None:
        """Each problem under its field (the rest above the fields), the first field in trouble
        focused. `warning`: these are things to check, saved by a second ctrl+s."""
        fields = list(self.query(Field))
        by_field: dict[int, list[str]] = {}
        unplaced: list[str] = []
        for error in errors:
            field = self.field_for(error)
            if field is None:
                where = f"{error.record}: " if error.record else ""
                label = f"{error.field}: " if error.field else ""
                unplaced.append(f"{where}{label}{error.message}")
            else:
                by_field.setdefault(id(field), []).append(error.message)
        first_bad: Field | None = None
        for field in fields:
            messages = by_field.get(id(field))
            field.show_error("; ".join(messages) if messages else None, warning=warning)
            if messages and first_bad is None:
                first_bad = field
        mark = "⚠" if warning else "✖"
        lines = [f"{mark} {shown(message)}" for message in unplaced]
        if warning:
            lines.append("⚠ Please check the fields marked ⚠. Press ctrl+s again to save "
                         "anyway, or correct them and save.")
        form_error = self.query_one("#form-error", Label)
        form_error.remove_class("changed-meanwhile")
        form_error.update(user_text("\n".join(lines), multiline=True))
        form_error.display = bool(lines)
        if warning:
            self.notify("Not saved yet: please check the fields marked ⚠, then ctrl+s again "
                        "to save anyway.", severity="warning", timeout=6)
        elif errors:
            self.notify("Nothing was saved: please correct the fields marked ✖.",
                        severity="error", timeout=4)
        if first_bad is not None:
            first_bad.widget.focus()
            first_bad.scroll_visible(animate=False)


class CaseFormScreen(FormScreen[T]):
    """A form about one child: names them (initials in privacy mode) and their ref under the
    title."""

    def __init__(self, *, ref: str, name: str, privacy: bool = False) -> None:
        super().__init__()
        self.ref = ref
        self.child_name = name
        self.privacy = privacy

    def subtitle(self) -> str:
        return f"{display_name(self.child_name, self.privacy)} ({self.ref})"


def date_input(widget_id: str, value: date | None = None, placeholder: str = "DD/MM/YYYY") -> Input:
    return Input(value=format_date(value) if value else "", placeholder=placeholder,
                 id=widget_id, compact=True, classes="date")


def text_input(widget_id: str, placeholder: str = "") -> Input:
    return Input(placeholder=placeholder, id=widget_id, compact=True)


def tick(widget_id: str, label: str = "", value: bool = False) -> Tick:
    return Tick(user_text(label), value=value, id=widget_id, compact=True)


def select(widget_id: str, options: list[tuple[str, Any]], *, prompt: str = "Choose…",
           value: Any = Select.NULL) -> Select:
    labelled = [(user_text(label) if isinstance(label, str) else label, option)
                for label, option in options]
    return Select(labelled, id=widget_id, prompt=prompt, value=value, compact=True,
                  allow_blank=value is Select.NULL)
