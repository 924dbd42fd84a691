"""A case's own details: the new-case form (caseload screen) and the edit-case form (case
screen). Both save through the caseload service (models/case_edit.py), which checks the case
as an import would; every problem is shown next to its field at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from models.case_edit import CaseChanges
from models.inputs import CaseInput
from models.validation import FieldError, ValidationFailed
from policies.census_codes import (
    ASSESSMENT_FACTORS,
    DISABILITIES,
    ETHNICITIES,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    SEXES,
    UPN_UNKNOWN_REASONS,
    CodeList,
)
from policies.dates import DateParseError, format_frequency, parse_frequency
from policies.facts import Frequency
from screens.cells import display_name
from screens.context import service_of
from screens.forms.base import Field, FormScreen, date_input, select, tick
from screens.text import user_text
from screens.widgets.code_list import CodeChoices

FREQUENCY_HINT = ('e.g. "4 weeks", "20 wd" or "28d". Camden and Trafford set it per case; '
                  "elsewhere it is used when sooner than the procedure's")


def _input(widget_id: str, value: str | None = None, placeholder: str = "") -> Input:
    return Input(value=value or "", placeholder=placeholder, id=widget_id, compact=True)


class _CaseDetailsForm(FormScreen[str]):
    """The details both forms share, in the order of the import format."""

    def __init__(self, *, today: date, values: Mapping[str, Any], privacy: bool = False) -> None:
        super().__init__()
        self.today = today
        self.values = dict(values)
        self.privacy = privacy

    def detail_fields(self) -> ComposeResult:
        v = self.values
        yield Field("name", "Name", _input("name", v.get("name"), "The child's name"))
        yield Field("dob", "Date of birth", date_input("dob", v.get("dob")),
                    hint="Leave blank for an unborn child")
        yield Field("worker", "Worker", _input("worker", v.get("worker"), "Allocated worker"))
        yield Field("team", "Team", _input("team", v.get("team"), "Optional"))
        yield Field("family", "Family (siblings)", _input("family", v.get("family"), "Optional"),
                    hint="Cases with the same family key are siblings")
        yield Field("disabled", "Disabled", tick("disabled", "yes", bool(v.get("disabled"))))
        yield Field("private_fostering", "Private fostering",
                    tick("private_fostering", "yes", bool(v.get("private_fostering"))))
        frequency = v.get("visit_every")
        yield Field("visit_every", "Visiting frequency",
                    _input("visit_every", format_frequency(frequency) if frequency else None,
                           "As the procedure says"), hint=FREQUENCY_HINT)
        yield Field("allocated", "Allocated", date_input("allocated", v.get("allocated")))
        yield Field("assessment_completed", "Assessment completed",
                    date_input("assessment_completed", v.get("assessment_completed")))
        yield Field("plan_started", "Plan started", date_input("plan_started",
                                                              v.get("plan_started")))
        yield Field("complex_plan", "Complex plan",
                    tick("complex_plan", "yes", bool(v.get("complex_plan"))),
                    hint="Wirral 3.1: the 6-month review applies to a complex plan only")
        yield Field("key_worker_led", "Key worker led",
                    tick("key_worker_led", "yes", bool(v.get("key_worker_led"))),
                    hint="Held by a key worker, not a social worker (Leicestershire: monthly "
                         "SSWOP oversight)")
        yield from self.census_fields()

    def census_fields(self) -> ComposeResult:
        """The DfE Children in Need census fields: codes chosen by their words."""
        v = self.values
        yield Field("referral_date", "Referral date",
                    date_input("referral_date", v.get("referral_date")))
        yield Field("referral_source", "Referral source",
                    _code_select("referral_source", REFERRAL_SOURCES, v))
        yield Field("primary_need", "Primary need", _code_select("primary_need", PRIMARY_NEEDS, v),
                    hint="The main reason the child is in need, found at assessment")
        yield Field("assessment_started", "Assessment started",
                    date_input("assessment_started", v.get("assessment_started")))
        yield Field("assessment_factors", "Assessment factors",
                    CodeChoices(ASSESSMENT_FACTORS, v.get("assessment_factors") or (),
                                id="assessment_factors"),
                    hint="Space ticks a factor; recorded once the assessment is completed")
        yield Field("plan_ended", "Plan ended", date_input("plan_ended", v.get("plan_ended")))
        yield Field("sex", "Sex", _code_select("sex", SEXES, v))
        yield Field("ethnicity", "Ethnicity", _code_select("ethnicity", ETHNICITIES, v))
        yield Field("upn", "UPN", _input("upn", v.get("upn"), "13 characters, e.g. H801200001001"),
                    hint="The Unique Pupil Number; or choose why it is unknown below")
        yield Field("upn_unknown", "UPN unknown", _code_select("upn_unknown",
                                                               UPN_UNKNOWN_REASONS, v))
        yield Field("disabilities", "Disability codes",
                    CodeChoices(DISABILITIES, v.get("disabilities") or (), id="disabilities"),
                    hint="Space ticks a code; with codes ticked, Disabled follows them")

    def read_details(self, errors: list[FieldError]) -> CaseChanges:
        """The details as typed, adding a FieldError for each that cannot be read (then the
        form is not saved, so a missing allocation date is never passed on)."""
        allocated = self.date_from("allocated", "allocated", errors)
        return CaseChanges(
            name=self.text("name"),
            dob=self.date_from("dob", "dob", errors, required=False),
            worker=self.optional_text("worker"),
            team=self.optional_text("team"),
            family=self.optional_text("family"),
            disabled=self.ticked("disabled"),
            private_fostering=self.ticked("private_fostering"),
            visit_every=self._frequency(errors),
            allocated=allocated or self.today,
            assessment_completed=self.date_from("assessment_completed",
                                                "assessment_completed", errors, required=False),
            plan_started=self.date_from("plan_started", "plan_started", errors, required=False),
            complex_plan=self.ticked("complex_plan"),
            key_worker_led=self.ticked("key_worker_led"),
            referral_date=self.date_from("referral_date", "referral_date", errors,
                                         required=False),
            referral_source=self.chosen("referral_source"),
            primary_need=self.chosen("primary_need"),
            assessment_started=self.date_from("assessment_started", "assessment_started",
                                              errors, required=False),
            assessment_factors=self.query_one("#assessment_factors",
                                              CodeChoices).chosen_codes(),
            plan_ended=self.date_from("plan_ended", "plan_ended", errors, required=False),
            sex=self.chosen("sex"),
            ethnicity=self.chosen("ethnicity"),
            upn=self.optional_text("upn"),
            upn_unknown=self.chosen("upn_unknown"),
            disabilities=self.query_one("#disabilities", CodeChoices).chosen_codes(),
        )

    def _frequency(self, errors: list[FieldError]) -> Frequency | None:
        text = self.text("visit_every")
        if not text:
            return None
        try:
            return parse_frequency(text)
        except DateParseError as error:
            errors.append(FieldError("visit_every", str(error)))
            return None


class NewCaseForm(_CaseDetailsForm):
    FORM_TITLE = "New case"

    def __init__(self, *, today: date, policies: Mapping[str, Any], worker: str | None,
                 privacy: bool = False) -> None:
        super().__init__(today=today, values={"worker": worker, "allocated": today},
                         privacy=privacy)
        self.policies = policies

    def subtitle(self) -> str:
        return "Its details; log its visits and meetings once it is added"

    def fields(self) -> ComposeResult:
        yield Field("ref", "Reference", _input("ref", None, "The case reference, e.g. C-0042"))
        options = [(f"{getattr(policy, 'name', pack_id)} ({pack_id})", pack_id)
                   for pack_id, policy in sorted(self.policies.items())]
        only = options[0][1] if len(options) == 1 else Select.NULL
        yield Field("policy", "Authority (pack)",
                    select("policy", options, prompt="Choose the authority's procedure",
                           value=only),
                    hint="The installed procedure whose timescales the case follows")
        yield from self.detail_fields()

    def collect(self) -> CaseInput:
        errors: list[FieldError] = []
        details = self.read_details(errors)
        policy = self.chosen("policy")
        if policy is None:
            errors.append(FieldError("policy", "choose the authority whose procedure the case "
                                               "follows"))
        if errors:
            raise ValidationFailed(errors)
        return CaseInput(ref=self.text("ref"), policy=str(policy), **details)

    def save(self, case: CaseInput) -> str:
        ref = service_of(self).add_case(case)
        return f"Case {ref} added ({display_name(case.name, self.privacy)})"


class EditCaseForm(_CaseDetailsForm):
    FORM_TITLE = "Edit the case"

    def __init__(self, *, ref: str, today: date, values: Mapping[str, Any],
                 authority: str = "", privacy: bool = False) -> None:
        super().__init__(today=today, values=values, privacy=privacy)
        self.ref = ref
        self.authority = authority

    def subtitle(self) -> str:
        name = display_name(str(self.values.get("name") or ""), self.privacy)
        return f"{name} ({self.ref}) · {self.authority}".rstrip(" ·")

    def fields(self) -> ComposeResult:
        yield from self.detail_fields()

    def collect(self) -> CaseChanges:
        errors: list[FieldError] = []
        changes = self.read_details(errors)
        if errors:
            raise ValidationFailed(errors)
        return changes

    def save(self, changes: CaseChanges) -> str:
        changed = service_of(self).edit_case(self.ref, changes,
                                              expected_version=self.expected_version)
        if not changed:
            return f"{self.ref}: nothing changed"
        return f"{self.ref}: changed {', '.join(name.replace('_', ' ') for name in changed)}"


def edit_values(detail: Any) -> dict[str, Any]:
    """The edit form's starting values, from a `models.queries.CaseDetail`."""
    summary = detail.summary
    return {
        "name": summary.name, "dob": summary.dob, "worker": summary.worker,
        "team": summary.team, "family": summary.family, "disabled": summary.disabled,
        "private_fostering": summary.private_fostering,
        "visit_every": detail.facts.visit_every, "allocated": summary.allocated,
        "assessment_completed": detail.assessment_completed,
        "plan_started": detail.plan_started, "complex_plan": detail.facts.complex_plan,
        "key_worker_led": detail.facts.key_worker_led,
        **detail.census,
    }


def _code_select(widget_id: str, codes: CodeList, values: Mapping[str, Any]) -> Select:
    """One census code chosen by its words; blank (not recorded) can always be chosen again.
    A stored code no longer in the list is offered as it is, so opening the form keeps it."""
    current = values.get(widget_id)
    options = [(user_text(label), code) for label, code in codes.choices()]
    if current and current not in codes:
        options.append((user_text(f"{current} (not a DfE code)"), current))
    return Select(options, id=widget_id, prompt="Not recorded", compact=True,
                  value=current if current else Select.NULL, allow_blank=True)
