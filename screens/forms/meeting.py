"""Meeting forms: book one, record it held, record its notes circulated, cancel it."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Select

from models.inputs import MeetingInput
from models.validation import FieldError, ValidationFailed, check_meeting
from policies.dates import format_date
from policies.facts import MEETING_KINDS
from screens.cells import display_name
from screens.context import service_of
from screens.forms.base import Field, FormScreen, date_input, select, text_input
from screens.widgets.choice import Choice

MEETING_KIND_LABELS = {
    "family_network": "Family network meeting",
    "initial": "Initial CIN meeting",
    "review": "CIN review meeting",
    "progress": "Family progress meeting",
    "closure": "Closure meeting",
    "transfer_in": "Transfer-in meeting",
}
YES_NO = ((True, "Yes"), (False, "No"))


def kind_label(kind: str) -> str:
    return MEETING_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def meeting_label(meeting: Any) -> str:
    """ "CIN review meeting, booked for 18 Dec 2026" """
    status = {"booked": "booked for", "held": "held on", "cancelled": "cancelled, was"}
    return (f"{kind_label(meeting.kind)}, {status.get(meeting.status, meeting.status)} "
            f"{format_date(meeting.date)}")


def kind_options() -> list[tuple[str, str]]:
    return [(kind_label(kind), kind) for kind in MEETING_KINDS]


class _MeetingForm(FormScreen[str]):
    def __init__(self, *, ref: str, name: str, today: date, privacy: bool = False) -> None:
        super().__init__()
        self.ref = ref
        self.child_name = name
        self.today = today
        self.privacy = privacy

    def subtitle(self) -> str:
        return f"{display_name(self.child_name, self.privacy)} ({self.ref})"

    def _meeting_select(self, meetings: list[Any]) -> Select:
        options = [(meeting_label(m), m.id) for m in meetings]
        return select("meeting_id", options, value=options[0][1] if options else Select.NULL)


class BookMeetingForm(_MeetingForm):
    FORM_TITLE = "Book a meeting"

    def fields(self) -> ComposeResult:
        yield Field("kind", "Kind of meeting",
                    select("kind", kind_options(), prompt="Choose the kind of meeting"))
        yield Field("date", "Date", date_input("date"),
                    hint="The date it is booked for: 18/12/2026, 18 Dec 2026 or 2026-12-18")

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        kind = self.chosen("kind")
        if kind is None:
            errors.append(FieldError("kind", "choose the kind of meeting"))
        when = self.date_from("date", "date", errors)
        if errors:
            raise ValidationFailed(errors)
        return {"ref": self.ref, "kind": kind, "date": when}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).book_meeting(**value)
        return f"{kind_label(value['kind'])} booked for {format_date(value['date'])}"


class MeetingHeldForm(_MeetingForm):
    FORM_TITLE = "Record a meeting held"

    def __init__(self, *, booked: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.booked = booked

    def fields(self) -> ComposeResult:
        first = self.booked[0] if self.booked else None
        held_default = first.date if first is not None and first.date <= self.today else self.today
        yield Field("meeting_id", "Which meeting", self._meeting_select(self.booked))
        yield Field("date", "Held on", date_input("date", held_default))
        yield Field("chair", "Chair", text_input("chair", "Name"))
        yield Field("chair_role", "Chair's role",
                    text_input("chair_role", "e.g. Team Manager, Advanced Practitioner"),
                    hint="Some procedures need a manager to chair certain meetings")
        yield Field("family_attended", "Family attended?", Choice(YES_NO, id="family_attended"),
                    hint="y or n")
        yield Field("next_meeting_date", "Next meeting booked for", date_input("next_meeting_date"),
                    hint="Optional: books the next meeting too")
        yield Field("next_meeting_kind", "Next meeting's kind",
                    select("next_meeting_kind", kind_options(), value="review"))

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        meeting_id = self.chosen("meeting_id")
        if meeting_id is None:
            errors.append(FieldError("meeting_id", "choose the meeting that was held"))
        when = self.date_from("date", "date", errors)
        next_date = self.date_from("next_meeting_date", "next_meeting_date", errors, required=False)
        if errors:
            raise ValidationFailed(errors)
        return {
            "meeting_id": meeting_id,
            "date": when,
            "chair": self.optional_text("chair"),
            "chair_role": self.optional_text("chair_role"),
            "family_attended": self.query_one("#family_attended", Choice).value,
            "next_meeting_date": next_date,
            "next_meeting_kind": self.chosen("next_meeting_kind") or "review",
        }

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).record_meeting_held(**value)
        message = f"Meeting recorded as held on {format_date(value['date'])}"
        if value["next_meeting_date"] is not None:
            message += f"; next booked for {format_date(value['next_meeting_date'])}"
        return message


class CirculatedForm(_MeetingForm):
    FORM_TITLE = "Record minutes or plan circulated"

    def __init__(self, *, held: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.held = held

    def fields(self) -> ComposeResult:
        yield Field("meeting_id", "Which meeting", self._meeting_select(self.held))
        yield Field("date", "Circulated on", date_input("date", self.today),
                    hint="The day the notes / plan were sent to the family and the group")

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        meeting_id = self.chosen("meeting_id")
        if meeting_id is None:
            errors.append(FieldError("meeting_id", "choose the meeting"))
        when = self.date_from("date", "date", errors)
        if errors:
            raise ValidationFailed(errors)
        return {"meeting_id": meeting_id, "date": when}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).record_circulated(**value)
        return f"Circulation recorded on {format_date(value['date'])}"

    def field_for(self, error: FieldError) -> Field | None:
        # record_circulated checks the meeting's "circulated" date: that is this form's date.
        if error.field == "circulated":
            error = FieldError("date", error.message, error.record)
        return super().field_for(error)


class CancelMeetingForm(_MeetingForm):
    FORM_TITLE = "Cancel a meeting"

    def __init__(self, *, booked: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.booked = booked

    def fields(self) -> ComposeResult:
        yield Field("meeting_id", "Which meeting", self._meeting_select(self.booked))
        yield Field("cancelled_on", "Cancelled on", date_input("cancelled_on", self.today))
        yield Field("reason", "Reason", text_input("reason", "Why it was cancelled"),
                    hint="Where the procedure says how soon to re-arrange it, that shows as a "
                         "deadline")

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        meeting_id = self.chosen("meeting_id")
        if meeting_id is None:
            errors.append(FieldError("meeting_id", "choose the meeting to cancel"))
        when = self.date_from("cancelled_on", "cancelled_on", errors)
        if errors:
            cancelled = MeetingInput(kind="review", status="cancelled", date=self.today,
                                     cancel_reason=self.text("reason"))
            raise ValidationFailed(errors + self.despite_unread(errors, lambda: [
                FieldError("reason", e.message) for e in check_meeting(cancelled, today=self.today)
                if e.field == "cancel_reason"], ("cancelled_on",)))
        return {"meeting_id": meeting_id, "cancelled_on": when, "reason": self.text("reason")}

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).cancel_meeting(**value)
        return "Meeting cancelled"

    def field_for(self, error: FieldError) -> Field | None:
        if error.field == "cancel_reason":
            error = FieldError("reason", error.message, error.record)
        return super().field_for(error)
