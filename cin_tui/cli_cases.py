"""`cin add-case` and `cin edit-case`: a case's own details from the command line, through the
same service methods as the new-case and edit-case forms (models/case_edit.py).

Every value given is read first and every problem reported at once (as a form does), then the
service checks the case as an import would.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from cin_tui.cli_errors import add_expect_version
from cin_tui.formats.fields import FALSE_WORDS, TRUE_WORDS
from policies.census_codes import normalise_code, split_codes


@dataclass(frozen=True, slots=True)
class Detail:
    field: str  # CaseInput's name
    kind: str  # "text", "date", "yes_no" or "frequency"
    help: str

    @property
    def option(self) -> str:
        return "--" + self.field.replace("_", "-")


# In the order the forms show them.
DETAILS: tuple[Detail, ...] = (
    Detail("name", "text", "the child's name"),
    Detail("dob", "date", "date of birth, e.g. 04/03/2016 (leave out for an unborn child)"),
    Detail("worker", "text", "the allocated worker's name"),
    Detail("team", "text", "the team the case belongs to"),
    Detail("family", "text", "the family (sibling group) key: cases with the same key are "
                             "siblings, and a visit can be logged for them together"),
    Detail("disabled", "yes_no", "the child is disabled: yes or no"),
    Detail("private_fostering", "yes_no", "the child is privately fostered: yes or no"),
    Detail("visit_every", "frequency", 'the visiting frequency set for this child, e.g. '
                                       '"4 weeks", "20 wd", "28d" (Camden and Trafford set '
                                       "it per case; elsewhere, sooner than the procedure's "
                                       "wins)"),
    Detail("allocated", "date", "the date the case was allocated"),
    Detail("assessment_completed", "date", "the date the assessment was completed"),
    Detail("plan_started", "date", "the date the Child in Need plan started"),
    Detail("complex_plan", "yes_no", "the plan is a complex one: yes or no (Wirral 3.1's "
                                     "6-month review applies only then)"),
    Detail("key_worker_led", "yes_no", "the plan is held by a key worker, not a social "
                                       "worker: yes or no (Leicestershire's monthly SSWOP "
                                       "oversight applies only then)"),
    # The DfE Children in Need census fields; docs/formats.md lists every code in words.
    Detail("referral_date", "date", "census: the date of the referral"),
    Detail("referral_source", "code", "census: who referred, a DfE code 1A to 10, e.g. 2A "
                                      "(schools)"),
    Detail("primary_need", "code", "census: the primary need found at assessment, a DfE "
                                   "code N0 to N9, e.g. N1 (abuse or neglect)"),
    Detail("assessment_started", "date", "census: the date the assessment started"),
    Detail("assessment_factors", "codes", 'census: the factors found at the end of the '
                                          'assessment, DfE codes separated by commas, e.g. '
                                          '"3B, 4B" (21: no factors identified)'),
    Detail("plan_ended", "date", "census: the date the Child in Need plan ended"),
    Detail("sex", "code", "census: M (male), F (female) or U (unknown or not recorded)"),
    Detail("ethnicity", "code", "census: the child's ethnicity, a DfE code, e.g. WBRI (White "
                                "British), NOBT (not yet obtained), REFU (refused)"),
    Detail("upn", "code", "census: the child's Unique Pupil Number, 13 characters with its "
                          "check letter"),
    Detail("upn_unknown", "code", "census: why the UPN is unknown, UN1 to UN7 (instead of a "
                                  "UPN)"),
    Detail("disabilities", "codes", 'census: disability codes separated by commas, e.g. '
                                    '"MOB, COMM", or NONE; with codes given, disabled follows '
                                    "them (yes for any code but NONE)"),
)
_REQUIRED_TO_ADD = ("name", "allocated")
_CENSUS = ("referral_date", "referral_source", "primary_need", "assessment_started",
           "assessment_factors", "plan_ended", "sex", "ethnicity", "upn", "upn_unknown",
           "disabilities")
_CLEARABLE = frozenset({"dob", "worker", "team", "family", "visit_every",
                        "assessment_completed", "plan_started", *_CENSUS})
CLEAR_WORDS = ("none", "-")


def add_cases_commands(commands: argparse._SubParsersAction,
                       common: argparse.ArgumentParser) -> None:
    """Add `add-case` and `edit-case` to the `cin` command's subcommands."""
    add = commands.add_parser(
        "add-case", parents=[common], help="add a case by hand (its details; no history)",
        description="Add one case with its details, checked as an import checks a case. Log "
                    "its visits and meetings afterwards (in the app, or by importing a file). "
                    "Dates are day first (23/11/2026) or ISO (2026-11-23); yes/no options take "
                    "yes/no, y/n, true/false or 1/0. The worker defaults to `worker` in your "
                    "settings. The census options take the DfE's codes (--primary-need N1); "
                    'docs/formats.md ("Census codes") lists every one in words.',
    )
    add.add_argument("ref", metavar="REF", help="the case reference (new)")
    add.add_argument("--policy", metavar="PACK", required=True,
                     help="the policy pack the case follows (see `cin policies`), e.g. wirral")
    for detail in DETAILS:
        required = detail.field in _REQUIRED_TO_ADD
        add.add_argument(detail.option, dest=detail.field, metavar=_metavar(detail),
                         required=required,
                         help=detail.help + (" (required)" if required else ""))
    add.set_defaults(run=run_add_case)

    edit = commands.add_parser(
        "edit-case", parents=[common],
        help="change a case's details (worker, visiting frequency, complex plan...)",
        description="Change the details of case REF: only the options given change, each "
                    "checked as an import checks a case; its visits, meetings and closure are "
                    "never touched. Give `none` to clear a value that may be empty (date of "
                    "birth, worker, team, family, visiting frequency, assessment and plan "
                    "dates, census fields). The audit trail keeps each change, before and "
                    "after. Example: "
                    'cin edit-case C-0042 --worker "Sam Reyes" --team South --visit-every '
                    '"4 weeks" --complex-plan yes',
    )
    edit.add_argument("ref", metavar="REF", help="the case reference")
    for detail in DETAILS:
        clear = " (none: clear it)" if detail.field in _CLEARABLE else ""
        edit.add_argument(detail.option, dest=detail.field, metavar=_metavar(detail),
                          help=detail.help + clear)
    add_expect_version(edit)
    edit.set_defaults(run=run_edit_case)


def _metavar(detail: Detail) -> str:
    if detail.field == "upn":
        return "UPN"
    return {"text": "TEXT", "date": "DATE", "yes_no": "YES/NO", "frequency": "FREQ",
            "code": "CODE", "codes": "CODES"}[detail.kind]


def read_details(args: argparse.Namespace, *, clearing: bool) -> dict[str, Any]:
    """The details given as options, read; raises ValidationFailed naming every option that
    could not be read."""
    from models.validation import FieldError, ValidationFailed
    from policies.dates import DateParseError, parse_date, parse_frequency

    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for detail in DETAILS:
        typed = getattr(args, detail.field, None)
        if typed is None:
            continue
        text = typed.strip()
        if clearing and detail.field in _CLEARABLE and text.lower() in (*CLEAR_WORDS, ""):
            values[detail.field] = [] if detail.kind == "codes" else None
            continue
        try:
            if detail.kind == "date":
                values[detail.field] = parse_date(text)
            elif detail.kind == "frequency":
                values[detail.field] = parse_frequency(text)
            elif detail.kind == "yes_no":
                values[detail.field] = _yes_no(text)
            elif detail.kind == "code":  # checked against its list by the service
                values[detail.field] = normalise_code(text) or None
            elif detail.kind == "codes":
                values[detail.field] = split_codes(text)
            else:
                values[detail.field] = text
        except DateParseError as error:
            errors.append(FieldError(detail.option, str(error)))
        except ValueError as error:
            errors.append(FieldError(detail.option, str(error)))
    if errors:
        raise ValidationFailed(errors)
    return values


def _yes_no(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f'"{text}" is not yes or no; use yes/no, y/n, true/false or 1/0')


def _say(message: str) -> None:
    """Print a line that may echo a name as typed: shown, never run (policies.safe_text)."""
    from policies.safe_text import safe_text

    print(safe_text(message, multiline=True))


def run_add_case(context: Any) -> int:  # context: cin_tui.cli.Context
    from models.inputs import CaseInput

    args = context.args
    values = read_details(args, clearing=False)
    service = context.service
    with service:
        worker = values.pop("worker", None) or context.settings.worker
        case = CaseInput(ref=args.ref, policy=args.policy.strip(),
                         worker=service.known_worker(worker), **values)
        ref = service.add_case(case)
    _say(f"Added case {ref} ({case.policy}, worker {case.worker}).")
    return 0


def run_edit_case(context: Any) -> int:  # context: cin_tui.cli.Context
    from cin_tui.cli_errors import CliError, version_checked

    args = context.args
    changes = read_details(args, clearing=True)
    if not changes:
        raise CliError("give at least one detail to change, e.g. --worker NAME or "
                       '--visit-every "4 weeks" (`cin edit-case --help` lists them)')
    with context.existing_service() as service:
        ref = service.known_ref(args.ref)
        if changes.get("worker"):
            changes["worker"] = service.known_worker(changes["worker"])
        with version_checked(ref):
            changed = service.edit_case(ref, changes, expected_version=args.expect_version)
    if changed:
        _say(f"{ref}: changed {', '.join(f.replace('_', ' ') for f in changed)}.")
    else:
        _say(f"{ref}: nothing changed (those details are already recorded).")
    return 0
