"""Meeting forms: book one, record it held, record its notes circulated, cancel it."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from models.inputs import MeetingInput
from models.validation import FieldError, ValidationFailed, check_meeting
from policies.dates import format_date
from policies.facts import MEETING_KINDS
from policies.packs import role_words
from screens.context import service_of
from screens.forms.base import CaseFormScreen, Field, date_input, select, text_input
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


class _MeetingForm(CaseFormScreen[str]):
    def __init__(self, *, ref: str, name: str, today: date, privacy: bool = False) -> None:
        super().__init__(ref=ref, name=name, privacy=privacy)
        self.today = today

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
        service_of(self).book_meeting(**value, expected_version=self.expected_version)
        return f"{kind_label(value['kind'])} booked for {format_date(value['date'])}"


OTHER_ROLE = "other"  # the chair-role choice that opens the free-text role


def chair_role_options(policy: Any | None) -> list[tuple[str, str]]:
    """The chair roles the pack's rules ask for (`chaired_by`), then a social worker (who
    chairs most meetings), then "Other" for a role typed in. Each is stored as its words
    ("Team manager"), which the pack's rules read as their role."""
    roles = [*(getattr(policy, "chair_roles", ()) or ())]
    if "social_worker" not in roles:
        roles.append("social_worker")
    return [(role_words(role), role_words(role)) for role in roles] + [
        ("Other (type the role)", OTHER_ROLE)]


class MeetingHeldForm(_MeetingForm):
    FORM_TITLE = "Record a meeting held"

    def __init__(self, *, booked: list[Any], policy: Any | None = None,
                 plan_started: date | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.booked = booked
        self.policy = policy
        self.recorded_plan_start = plan_started
        # The plan start offered while it follows the held date (None: it does not).
        self._plan_default: str | None = None
        self._held_kind: str | None = None  # the kind of the meeting being saved

    def fields(self) -> ComposeResult:
        first = self.booked[0] if self.booked else None
        held_default = first.date if first is not None and first.date <= self.today else self.today
        yield Field("meeting_id", "Which meeting", self._meeting_select(self.booked))
        yield Field("date", "Held on", date_input("date", held_default))
        yield Field("chair", "Chair", text_input("chair", "Name"))
        yield Field("chair_role", "Chair's role",
                    select("chair_role", chair_role_options(self.policy),
                           prompt="Choose the chair's role"),
                    hint="Some procedures need a manager to chair certain meetings")
        yield Field("chair_role_other", "Chair's role (other)",
                    text_input("chair_role_other", "e.g. Independent chair"),
                    classes="chair-role-other")
        yield Field("family_attended", "Family attended?", Choice(YES_NO, id="family_attended"),
                    hint="y or n")
        if self.recorded_plan_start is not None:
            plan_value, plan_hint = self.recorded_plan_start, (
                "The plan start recorded for this case; change it only to correct it")
        else:
            plan_value, plan_hint = held_default, (
                "No plan start is recorded yet: the plan starts on the day of the initial "
                "meeting unless you give another date")
            self._plan_default = format_date(held_default)
        yield Field("plan_started", "Plan started on", date_input("plan_started", plan_value),
                    hint=plan_hint, classes="plan-started")
        yield Field("next_meeting_date", "Next meeting booked for", date_input("next_meeting_date"),
                    hint="Optional: books the next meeting too")
        yield Field("next_meeting_kind", "Next meeting's kind",
                    select("next_meeting_kind", kind_options(), value="review"))

    def on_mount(self) -> None:
        super().on_mount()
        self._show_optional_fields()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("meeting_id", "chair_role"):
            self._show_optional_fields()

    def on_input_changed(self, event: Input.Changed) -> None:
        # The plan start offered follows the held date until the worker types their own.
        if event.input.id != "date" or self._plan_default is None:
            return
        plan = self.query_one("#plan_started", Input)
        if plan.value.strip() != self._plan_default:
            self._plan_default = None
            return
        plan.value = self._plan_default = event.value.strip()

    def _show_optional_fields(self) -> None:
        self.query_one(".chair-role-other").display = self.chosen("chair_role") == OTHER_ROLE
        self.query_one(".plan-started").display = self._chosen_kind() == "initial"

    def _chosen_kind(self) -> str | None:
        chosen = self.chosen("meeting_id")
        return next((m.kind for m in self.booked if m.id == chosen), None)

    def collect(self) -> dict[str, Any]:
        errors: list[FieldError] = []
        meeting_id = self.chosen("meeting_id")
        if meeting_id is None:
            errors.append(FieldError("meeting_id", "choose the meeting that was held"))
        when = self.date_from("date", "date", errors)
        next_date = self.date_from("next_meeting_date", "next_meeting_date", errors, required=False)
        plan_started = None
        if self._chosen_kind() == "initial":
            plan_started = self.date_from("plan_started", "plan_started", errors, required=False)
        chair_role = self.chosen("chair_role")
        if chair_role == OTHER_ROLE:
            chair_role = self.optional_text("chair_role_other")
            if chair_role is None:
                errors.append(FieldError("chair_role_other",
                                         "type the chair's role, or choose one from the list"))
        if errors:
            raise ValidationFailed(errors)
        self._held_kind = self._chosen_kind()
        return {
            "meeting_id": meeting_id,
            "date": when,
            "chair": self.optional_text("chair"),
            "chair_role": chair_role,
            "family_attended": self.query_one("#family_attended", Choice).value,
            "next_meeting_date": next_date,
            "next_meeting_kind": self.chosen("next_meeting_kind") or "review",
            "plan_started": plan_started,
        }

    def save(self, value: dict[str, Any]) -> str:
        service_of(self).record_meeting_held(**value, expected_version=self.expected_version)
        message = f"Meeting recorded as held on {format_date(value['date'])}"
        if value["next_meeting_date"] is not None:
            message += f"; next booked for {format_date(value['next_meeting_date'])}"
        plan = value["plan_started"]
        if plan is None and self._held_kind == "initial" and self.recorded_plan_start is None:
            plan = value["date"]  # what record_meeting_held does with no plan start given
        if plan is not None and plan != self.recorded_plan_start:
            message += f"; plan started on {format_date(plan)}"
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
        service_of(self).record_circulated(**value, expected_version=self.expected_version)
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
        service_of(self).cancel_meeting(**value, expected_version=self.expected_version)
        return "Meeting cancelled"

    def field_for(self, error: FieldError) -> Field | None:
        if error.field == "cancel_reason":
            error = FieldError("reason", error.message, error.record)
        return super().field_for(error)
