"""Reading one field of an imported record, shared by the JSON and CSV formats.

A reader never stops at the first problem: it notes each one (record, field, message) and returns
None for that field, so an import can report everything wrong with a file in one go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from models.census_checks import CENSUS_CODE_LISTS, CENSUS_CODES, CENSUS_DATES, CENSUS_FIELDS
from models.inputs import CaseInput
from policies.census_codes import CodeList, disabled_from, normalise_code, split_codes
from policies.dates import DateParseError, parse_date, parse_frequency
from policies.facts import Frequency

TRUE_WORDS = ("yes", "y", "true", "1")
FALSE_WORDS = ("no", "n", "false", "0")
BOOLEAN_ACCEPTED = "use yes/no, true/false, y/n or 1/0"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an import file: shown as `file:record:field: message`."""

    record: str   # "case 3 (ref C-0003)", "row 7 (ref C-0007)", or "line 4" for a syntax error
    field: str    # "allocated", "visits[2].date", "last_visit"; "" when about the whole record
    message: str

    def render(self, file_label: str) -> str:
        where = ":".join(part for part in (file_label, self.record, self.field) if part)
        return f"{where}: {self.message}"


class LongNumber(str):
    """A JSON integer too long to be any value of a case: kept as its digits, refused by the
    field that meets it."""


def describe_json_value(value: object) -> str:
    """How a JSON value reads to a person: 'a number (42)', 'a list', 'true'."""
    if value is True or value is False:
        return str(value).lower()
    if isinstance(value, LongNumber):
        return f"a number {len(str(value))} digits long"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class FieldReader:
    """Reads the fields of one record, collecting every problem in `problems`."""

    def __init__(self, record: str, problems: list[Problem]) -> None:
        self.record = record
        self.problems = problems

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.record, field, message))

    def _absent(self, field: str, required: bool, what: str) -> None:
        if required:
            self.problem(field, f"is required: {what}")

    # The readers test the common case first (a plain string, or null) and call nothing else
    # for it: an authority-sized import reads millions of fields.

    def text(self, field: str, value: object, *, required: bool = False,
             what: str = "some text") -> str | None:
        if type(value) is str:
            stripped = value.strip()
            if "\r" in stripped:  # a Windows line break is a line break, not a control
                stripped = stripped.replace("\r\n", "\n")
            if stripped:
                return stripped
        elif value is not None:
            self.problem(field, f"expected text, got {describe_json_value(value)}")
            return None
        self._absent(field, required, what)
        return None

    def date(self, field: str, value: object, *, required: bool = False,
             what: str = "a date") -> date | None:
        if type(value) is str:
            # ISO, as exports and big files write it; anything else, and every error message,
            # is parse_date's.
            if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            if value.strip():
                try:
                    return parse_date(value)
                except DateParseError as error:
                    self.problem(field, str(error))
                    return None
        elif value is not None:
            self.problem(
                field,
                "expected a date as text (DD/MM/YYYY or YYYY-MM-DD), "
                f"got {describe_json_value(value)}",
            )
            return None
        self._absent(field, required, what)
        return None

    def boolean(self, field: str, value: object) -> bool | None:
        if value is True or value is False or value is None:
            return value
        if is_blank(value):
            return None
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        self.problem(field, f"{describe_json_value(value)} is not yes or no; {BOOLEAN_ACCEPTED}")
        return None

    def frequency(self, field: str, value: object) -> Frequency | None:
        if value is None or is_blank(value):
            return None
        if not isinstance(value, str):
            self.problem(
                field,
                'expected a frequency as text like "10wd", "4w" or "28d", '
                f"got {describe_json_value(value)}",
            )
            return None
        try:
            return parse_frequency(value)
        except DateParseError as error:
            self.problem(field, str(error))
            return None

    def word(self, field: str, value: object, *, required: bool = False,
             what: str = "a word") -> str | None:
        """A value from a fixed vocabulary (meeting kind, location...): "Family network" reads as
        "family_network". Whether it is an accepted one is models.validation's check."""
        text = self.text(field, value, required=required, what=what)
        if text is None:
            return None
        if text.isidentifier() and text.islower():  # already "family_network": the usual case
            return text
        return "_".join(text.lower().replace("-", " ").split())


    def code(self, field: str, value: object) -> str | None:
        """A census code ("n1" reads as N1); whether it is in its list is the models' check."""
        text = self.text(field, value)
        return normalise_code(text) if text is not None else None

    def codes(self, field: str, value: object, codes: CodeList) -> list[str]:
        """A list of census codes, in the list's own order: a JSON list of texts, or one text
        with the codes separated by commas, semicolons or spaces ("MOB, HAND")."""
        if value is None or is_blank(value):
            return []
        if isinstance(value, str):
            return codes.ordered(split_codes(value))
        if isinstance(value, list) and all(type(item) is str for item in value):
            return codes.ordered(normalise_code(item) for item in value if item.strip())
        self.problem(field, 'expected a list of codes like ["MOB", "HAND"] or "MOB, HAND", '
                            f"got {describe_json_value(value)}")
        return []


def record_label(kind: str, number: int, ref: object) -> str:
    """`case 3 (ref C-0003)` / `row 7 (ref C-0007)`; just `case 3` when the ref is unusable."""
    if isinstance(ref, str) and ref.strip():
        return f"{kind} {number} (ref {ref.strip()})"
    return f"{kind} {number}"


def census_code_upper(reason: str) -> str:
    """"rc8" is census code RC8; a pack's own closure reasons are kept as written."""
    upper = reason.upper()
    return upper if len(upper) == 3 and upper.startswith("RC") and upper[2].isdigit() else reason


def read_case(reader: FieldReader, get: Callable[[str], object], default_policy: str | None,
              default_worker: str | None, read_rest: Callable[[], dict]) -> CaseInput | None:
    """The case fields both import formats share, then `read_rest()`: the format's own fields
    (its history, and in JSON the fields a CSV case list has no column for). None when a
    required field is missing (the reader has recorded why)."""
    ref = reader.text("ref", get("ref"), required=True, what="the case reference")
    name = reader.text("name", get("name"), required=True, what="the child's name")
    allocated = reader.date("allocated", get("allocated"), required=True,
                            what="the date the case was allocated")
    named_policy = reader.text("policy", get("policy"), required=default_policy is None,
                               what="the policy pack id (or give --policy)")
    named_worker = reader.text("worker", get("worker"))
    policy = named_policy or default_policy
    defaulted = {field for field, named, default in (("policy", named_policy, default_policy),
                                                     ("worker", named_worker, default_worker))
                 if named is None and default}
    case = CaseInput(
        ref=ref or "",
        name=name or "",
        allocated=allocated or date.min,
        policy=policy or "",
        dob=reader.date("dob", get("dob")),
        worker=named_worker or default_worker,
        team=reader.text("team", get("team")),
        family=reader.text("family", get("family")),
        disabled=bool(reader.boolean("disabled", get("disabled"))),
        assessment_completed=reader.date("assessment_completed", get("assessment_completed")),
        plan_started=reader.date("plan_started", get("plan_started")),
        visit_every=reader.frequency("visit_every", get("visit_every")),
        complex_plan=bool(reader.boolean("complex_plan", get("complex_plan"))),
        key_worker_led=bool(reader.boolean("key_worker_led", get("key_worker_led"))),
        source=reader.record,
        defaulted=frozenset(defaulted),
        **read_census(reader, get),
        **read_rest(),
    )
    case = _disabled_from_codes(case)
    if ref is None or name is None or allocated is None or policy is None:
        return None
    return case


def read_census(reader: FieldReader, get: Callable[[str], object]) -> dict[str, Any]:
    """The census fields of a case (models/census_checks.py checks the codes)."""
    values: dict[str, Any] = {}
    for name in CENSUS_FIELDS:
        if name in CENSUS_DATES:
            values[name] = reader.date(name, get(name))
        elif name in CENSUS_CODE_LISTS:
            values[name] = reader.codes(name, get(name), CENSUS_CODE_LISTS[name])
        else:
            assert name in CENSUS_CODES or name == "upn"
            values[name] = reader.code(name, get(name))
    return values


def _disabled_from_codes(case: CaseInput) -> CaseInput:
    """A record giving disability codes and no `disabled` gets the flag the codes say (a
    record giving both is checked for agreement by the models)."""
    given = case.fields_given
    derived = disabled_from(case.disabilities)
    if derived is None or (given is None or "disabled" in given):
        return case
    return replace(case, disabled=derived, fields_given=given | {"disabled"})
