"""Log a visit: one child, or several siblings seen on the same visit (all saved, or none)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Checkbox, Static, TextArea

from models.inputs import VisitInput
from models.validation import VISIT_LOCATIONS, FieldError, ValidationFailed, check_visit
from screens.cells import age_text, display_name
from screens.context import cin, service_of
from screens.forms.base import Field, FormScreen, date_input, text_input, tick
from screens.text import describe_error, shown, user_text
from screens.widgets.choice import Choice

YES_NO = ((True, "Yes"), (False, "No"))
LOCATION_LABELS = {"home": "Home", "school": "School", "other": "Other"}


@dataclass(frozen=True, slots=True)
class Child:
    ref: str
    name: str
    dob: date | None


class VisitForm(FormScreen[str]):
    """Dismisses with a sentence saying what was saved, or None when cancelled."""

    FORM_TITLE = "Log a visit"

    def __init__(self, child: Child, siblings: Sequence[Child] = (), *, today: date,
                 privacy: bool = False) -> None:
        super().__init__()
        self.child = child
        self.sibling_children = list(siblings)
        self.today = today
        self.privacy = privacy

    def subtitle(self) -> str:
        return self._who(self.child)

    def _who(self, child: Child) -> str:
        return (f"{display_name(child.name, self.privacy)} ({child.ref}), "
                f"age {age_text(child.dob, self.today)}")

    # ----- layout -----------------------------------------------------------------------

    def fields(self) -> ComposeResult:
        yield Field("date", "Date of the visit", date_input("date", self.today),
                    hint="Day first: 23/11/2026, 23 Nov 2026 or 2026-11-23")
        yield from self._child_fields("", None)
        yield Field("location", "Where",
                    Choice([(key, LOCATION_LABELS[key]) for key in VISIT_LOCATIONS],
                           id="location"),
                    hint="h, s or o")
        yield Field("recorded", "Recorded on", date_input("recorded", self.today),
                    hint="The day this visit was written up")
        for index, sibling in enumerate(self.sibling_children):
            with Vertical(classes="sibling"):
                yield Static(user_text(f"Sibling: {self._who(sibling)}"), classes="sibling-title")
                yield Field("include", "Seen on this visit too?",
                            tick(f"s{index}-include",
                                 f"log this visit for {display_name(sibling.name, self.privacy)}"
                                 " as well"),
                            record=sibling.ref)
                with Vertical(id=f"s{index}-fields", classes="sibling-fields"):
                    yield from self._child_fields(f"s{index}-", sibling.ref)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """A sibling's questions show once the visit is ticked as theirs too."""
        widget_id = event.checkbox.id or ""
        if widget_id.endswith("-include"):
            prefix = widget_id.removesuffix("-include")
            self.query_one(f"#{prefix}-fields").display = event.value

    def _child_fields(self, prefix: str, record: str | None) -> ComposeResult:
        yield Field("seen", "Child seen", tick(f"{prefix}seen", "seen", value=True),
                    record=record)
        yield Field("seen_alone", "Seen alone?", Choice(YES_NO, id=f"{prefix}seen_alone"),
                    hint="y or n", record=record)
        yield Field("not_alone_reason", "Why not seen alone",
                    text_input(f"{prefix}not_alone_reason"),
                    hint="Required when a child aged 3 or over was seen but not alone",
                    record=record)
        yield Field("childs_voice", "The child's voice",
                    TextArea(id=f"{prefix}childs_voice", tab_behavior="focus",
                             classes="voice", compact=True),
                    hint="The child's own words, views and wishes (required when seen)",
                    record=record)

    # ----- reading ----------------------------------------------------------------------

    def collect(self) -> dict[str, VisitInput]:
        errors: list[FieldError] = []
        when = self.date_from("date", "date", errors)
        recorded = self.date_from("recorded", "recorded", errors, required=False)
        location = self.query_one("#location", Choice).value
        children = [("", self.child.ref)] + [
            (f"s{index}-", sibling.ref) for index, sibling in enumerate(self.sibling_children)
            if self.ticked(f"s{index}-include")]
        for prefix, ref in children:
            if (self.query_one(f"#{prefix}seen_alone", Choice).value is True
                    and self.optional_text(f"{prefix}not_alone_reason")):
                errors.append(FieldError(
                    "not_alone_reason", "only for a child not seen alone: clear it, or answer "
                    "no to seen alone", ref))
        if errors:
            raise ValidationFailed(errors + self._checks_despite_dates(children, errors))
        assert when is not None
        return {ref: self._visit(prefix, when, location, recorded) for prefix, ref in children}

    def _checks_despite_dates(self, children: list[tuple[str, str]],
                              found: list[FieldError]) -> list[FieldError]:
        """The visit rules that need no date (seen alone, the child's voice...), shown with a
        date that cannot be read: `check_visit` with today standing in for the dates."""
        ages = {self.child.ref: self.child.dob} | {
            s.ref: s.dob for s in self.sibling_children}
        location = self.query_one("#location", Choice).value
        extra = []
        for prefix, ref in children:
            visit = self._visit(prefix, self.today, location, None)
            mine = [e for e in found if e.record in (ref, None if prefix else ref)]
            check = partial(check_visit, visit, dob=ages[ref], today=self.today)
            extra += [e.for_record(ref)
                      for e in self.despite_unread(mine, check, ("date", "recorded"))]
        return extra

    def _visit(self, prefix: str, when: date, location: str | None,
               recorded: date | None) -> VisitInput:
        seen = self.ticked(f"{prefix}seen")
        seen_alone = self.query_one(f"#{prefix}seen_alone", Choice).value
        voice = self.query_one(f"#{prefix}childs_voice", TextArea).text.strip()
        return VisitInput(
            date=when,
            seen=seen,
            seen_alone=seen_alone if seen else None,
            not_alone_reason=self.optional_text(f"{prefix}not_alone_reason"),
            childs_voice=voice or None,
            location=location,
            recorded=recorded,
        )

    def save(self, visits: dict[str, VisitInput]) -> str:
        service = service_of(self)
        if len(visits) == 1:
            service.log_visit(self.child.ref, visits[self.child.ref], confirmed=self.confirmed,
                              expected_version=self.expected_version)
        else:
            service.log_sibling_visits(
                visits, confirmed=self.confirmed,
                expected_versions=None if self.expected_version is None
                else {self.child.ref: self.expected_version})
        names = [self.child] + [s for s in self.sibling_children if s.ref in visits]
        who = " and ".join(display_name(c.name, self.privacy) for c in names)
        return f"Visit logged for {who}"

    def record_for(self, error: FieldError) -> str | None:
        # log_sibling_visits names every child's ref; the first child's fields have no record.
        if error.record == self.child.ref:
            return None
        return error.record

    def field_for(self, error: FieldError) -> Field | None:
        exact = super().field_for(error)
        if exact is not None:
            return exact
        # A shared field (date, where, recorded) named against one sibling.
        for field in self.query(Field):
            if field.field_name == error.field and field.record is None:
                return field
        return None


def open_visit_form(screen: Screen, ref: str) -> None:
    """Fetch the child and their open siblings in a worker, then open the form."""
    screen.run_worker(partial(_fetch_and_open, screen, ref), thread=True,
                      exclusive=True, group="open-form", exit_on_error=False)


def _fetch_and_open(screen: Screen, ref: str) -> None:
    app, context = screen.app, cin(screen)
    try:
        service = service_of(screen)
        detail = service.case_detail(ref)
        siblings = service.siblings(ref)
    except Exception as error:  # shown to the user, never a traceback
        app.call_from_thread(app.notify, shown(f"Could not open the visit form: "
                                               f"{describe_error(error)}"),
                             severity="error", markup=False)
        return
    child = child_of(detail)
    others = [child_of(s) for s in siblings if not getattr(s, "closed", False)]

    def done(message: str | None) -> None:
        if message:
            app.notify(shown(message, multiline=True), markup=False)
            context.data_changed()

    app.call_from_thread(app.push_screen,
                         VisitForm(child, others, today=context.today, privacy=context.privacy),
                         done)


def child_of(record: Any) -> Child:
    """A `Child` from a `queries.CaseDetail` or a `queries.CaseSummary`."""
    summary = getattr(record, "summary", record)
    return Child(ref=summary.ref, name=summary.name, dob=summary.dob)
