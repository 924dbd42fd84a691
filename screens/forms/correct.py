"""Correcting what was recorded, from the case screen: pick a visit, meeting or oversight note
from the case's history (`RecordPicker`), then correct it (the visit or meeting form's own
fields, filled in with what was recorded) or withdraw it, always with a reason. The history
keeps what it said before (models/corrections.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from models.history import HistoryEntry
from models.inputs import MeetingInput
from models.validation import FieldError, ValidationFailed
from policies.dates import format_date
from screens import keys
from screens.cells import mask_names
from screens.context import service_of
from screens.forms.base import CaseFormScreen, Field, date_input, select
from screens.forms.meeting import YES_NO, kind_options
from screens.forms.visit import Child, VisitForm
from screens.text import user_text
from screens.widgets.choice import Choice
from screens.widgets.footer import CinFooter

STATUS_OPTIONS = [("Booked (not held yet)", "booked"), ("Held", "held"),
                  ("Cancelled", "cancelled")]
REASON_HINT = "Required: why it is being changed. The history keeps the reason and the original."


def reason_field(placeholder: str = "e.g. typed the wrong date") -> Field:
    return Field("reason", "Reason", Input(placeholder=placeholder, id="reason", compact=True),
                 hint=REASON_HINT)


def filled_input(widget_id: str, value: str | None, placeholder: str = "") -> Input:
    return Input(value=value or "", placeholder=placeholder, id=widget_id, compact=True)


def reason_error(text: str) -> list[FieldError]:
    return [] if text else [FieldError("reason", "required: say why the record is being "
                                                 "changed (it is kept in the case's history)")]


class RecordPicker(ModalScreen[HistoryEntry | None]):
    """The case's visits, meetings and notes that can still be corrected, newest first:
    Enter picks one, Escape goes back."""

    BINDINGS = keys.bindings(keys.CANCEL)

    def __init__(self, entries: Sequence[HistoryEntry], *, title: str, names: Sequence[str],
                 privacy: bool) -> None:
        super().__init__()
        self.entries = list(entries)
        self.picker_title = title
        self.names = list(names)
        self.privacy = privacy

    def compose(self) -> ComposeResult:
        options = [
            Option(user_text(f"{format_date(e.when):<11}  {e.what}: "
                             f"{mask_names(e.words, self.names, self.privacy)}"))
            for e in self.entries
        ]
        with Vertical(classes="dialog form"):
            yield Static(self.picker_title, classes="dialog-title")
            yield OptionList(*options, id="records")
            yield Static("[b]↑ ↓[/b] choose   [b]Enter[/b] this one   [b]Esc[/b] back",
                         classes="dialog-note")
        yield CinFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.entries[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


# ----- a visit ----------------------------------------------------------------------------


class CorrectVisitForm(VisitForm):
    """The visit form, filled in with the visit as recorded, and a reason."""

    FORM_TITLE = "Correct a visit"

    def __init__(self, child: Child, visit: Any, *, today: date, privacy: bool = False) -> None:
        super().__init__(child, (), today=today, privacy=privacy)
        self.visit = visit

    def subtitle(self) -> str:
        return f"{super().subtitle()} · the visit of {format_date(self.visit.date)}"

    def fields(self) -> ComposeResult:
        yield from super().fields()
        yield reason_field()

    def on_mount(self) -> None:
        super().on_mount()
        visit = self.visit
        self.query_one("#date", Input).value = format_date(visit.date)
        self.query_one("#recorded", Input).value = (format_date(visit.recorded)
                                                     if visit.recorded else "")
        self.query_one("#seen", Checkbox).value = visit.seen
        if visit.seen_alone is not None:
            self.query_one("#seen_alone", Choice).choose(visit.seen_alone)
        if visit.location:
            self.query_one("#location", Choice).choose(visit.location)
        self.query_one("#not_alone_reason", Input).value = visit.not_alone_reason or ""
        self.query_one("#childs_voice", TextArea).text = visit.childs_voice or ""

    def collect(self) -> dict[str, Any]:
        reason = self.text("reason")
        try:
            visits = super().collect()
        except ValidationFailed as failed:
            raise ValidationFailed([*failed.errors, *reason_error(reason)]) from None
        return {"visit": visits[self.child.ref], "reason": reason}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).correct_visit(ref=self.child.ref, visit_uid=self.visit.uid,
                                       visit=value["visit"], reason=value["reason"],
                                       expected_version=self.expected_version)
        return f"Visit of {format_date(value['visit'].date)} corrected; the history keeps " \
               "what it said before"


# ----- a meeting --------------------------------------------------------------------------


class CorrectMeetingForm(CaseFormScreen[str]):
    FORM_TITLE = "Correct a meeting"

    def __init__(self, *, ref: str, name: str, meeting: Any, today: date,
                 privacy: bool = False) -> None:
        super().__init__(ref=ref, name=name, privacy=privacy)
        self.meeting = meeting
        self.today = today

    def subtitle(self) -> str:
        return (f"{super().subtitle()} · the meeting of "
                f"{format_date(self.meeting.date)}")

    def fields(self) -> ComposeResult:
        m = self.meeting
        yield Field("kind", "Kind of meeting", select("kind", kind_options(), value=m.kind))
        yield Field("status", "Status", select("status", STATUS_OPTIONS, value=m.status),
                    hint="A meeting marked held by mistake goes back to booked")
        yield Field("date", "Date", date_input("date", m.date))
        yield Field("chair", "Chair", filled_input("chair", m.chair, "Name"))
        yield Field("chair_role", "Chair's role", filled_input("chair_role", m.chair_role))
        yield Field("family_attended", "Family attended?",
                    Choice(YES_NO, id="family_attended", value=m.family_attended),
                    hint="y or n")
        yield Field("circulated", "Circulated on", date_input("circulated", m.circulated),
                    hint="Held meetings only; empty if not circulated")
        yield Field("cancelled_on", "Cancelled on", date_input("cancelled_on", m.cancelled_on),
                    hint="Cancelled meetings only")
        yield Field("cancel_reason", "Why cancelled",
                    filled_input("cancel_reason", m.cancel_reason))
        yield reason_field()

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        when = self.date_from("date", "date", errors)
        circulated = self.date_from("circulated", "circulated", errors, required=False)
        cancelled_on = self.date_from("cancelled_on", "cancelled_on", errors, required=False)
        reason = self.text("reason")
        errors += reason_error(reason)
        if errors:
            raise ValidationFailed(errors)
        assert when is not None
        meeting = MeetingInput(
            kind=self.chosen("kind") or self.meeting.kind,
            status=self.chosen("status") or self.meeting.status,
            date=when, chair=self.optional_text("chair"),
            chair_role=self.optional_text("chair_role"),
            family_attended=self.query_one("#family_attended", Choice).value,
            circulated=circulated, cancelled_on=cancelled_on,
            cancel_reason=self.optional_text("cancel_reason"),
        )
        return {"meeting": meeting, "reason": reason}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).correct_meeting(ref=self.ref, meeting_uid=self.meeting.uid,
                                         meeting=value["meeting"], reason=value["reason"],
                                         expected_version=self.expected_version)
        return f"Meeting of {format_date(value['meeting'].date)} corrected; the history " \
               "keeps what it said before"


# ----- an oversight note ------------------------------------------------------------------


class CorrectNoteForm(CaseFormScreen[str]):
    FORM_TITLE = "Correct an oversight note"

    def __init__(self, *, ref: str, name: str, note: Any, privacy: bool = False) -> None:
        super().__init__(ref=ref, name=name, privacy=privacy)
        self.note = note

    def subtitle(self) -> str:
        return (f"{super().subtitle()} · the note of "
                f"{format_date(self.note.recorded)} by {self.note.author}")

    def fields(self) -> ComposeResult:
        yield Field("decision", "Decision", filled_input("decision", self.note.decision))
        yield Field("rationale", "Rationale",
                    TextArea(self.note.rationale, id="rationale", tab_behavior="focus",
                             classes="voice", compact=True),
                    hint="Its actions and the flags it cleared stay as they are")
        yield reason_field()

    def collect(self) -> dict[str, Any]:
        reason = self.text("reason")
        if errors := reason_error(reason):
            raise ValidationFailed(errors)
        return {"decision": self.text("decision"),
                "rationale": self.query_one("#rationale", TextArea).text.strip(),
                "reason": reason}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).correct_oversight_note(ref=self.ref, note_uid=self.note.uid, **value,
                                                expected_version=self.expected_version)
        return "Oversight note corrected; the history keeps what it said before"


# ----- withdrawing ------------------------------------------------------------------------


class WithdrawForm(CaseFormScreen[str]):
    """Withdraw the picked record: it stays in the history, marked, and counts for nothing."""

    FORM_TITLE = "Withdraw a record"

    def __init__(self, *, ref: str, name: str, entry: HistoryEntry, names: Sequence[str],
                 privacy: bool = False) -> None:
        super().__init__(ref=ref, name=name, privacy=privacy)
        self.entry = entry
        self.names = list(names)

    def fields(self) -> ComposeResult:
        entry = self.entry
        words = mask_names(entry.words, self.names, self.privacy)
        yield Static(user_text(f"{entry.what} of {format_date(entry.when)}: {words}",
                               multiline=True), classes="withdrawn-record")
        yield Static(user_text("It stays in the case's history, marked withdrawn, but counts "
                               "for nothing from now on: the deadlines are worked out as if it "
                               "had never been recorded.", "italic", multiline=True),
                     classes="dialog-note")
        yield reason_field("e.g. logged on the wrong child")

    def collect(self) -> str:
        reason = self.text("reason")
        if errors := reason_error(reason):
            raise ValidationFailed(errors)
        return reason

    def save(self, reason: str) -> str:
        service, uid = service_of(self), self.entry.uid
        assert uid is not None  # only records with an identity are offered
        if self.entry.record_type == "visit":
            service.withdraw_visit(ref=self.ref, visit_uid=uid, reason=reason,
                                   expected_version=self.expected_version)
        elif self.entry.record_type == "meeting":
            service.withdraw_meeting(ref=self.ref, meeting_uid=uid, reason=reason,
                                     expected_version=self.expected_version)
        else:
            service.withdraw_oversight_note(ref=self.ref, note_uid=uid, reason=reason,
                                            expected_version=self.expected_version)
        return f"{self.entry.what} of {format_date(self.entry.when)} withdrawn"
