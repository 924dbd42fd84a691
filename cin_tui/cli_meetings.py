"""`cin meetings`, `cin book`, `cin held`, `cin cancel`, `cin circulated` and `cin close`: the
meeting and closure forms as commands, through the same `CaseloadService` methods the forms
use (one transaction each, audited as the settings' worker on --today).

A meeting is named by `--meeting`: its date when one meeting of the kind wanted (booked, or held
for `circulated`) is on that date, else its id, which `cin meetings REF` lists (as do the
messages when a date is ambiguous or matches nothing).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from cin_tui.cli_errors import CliError, named_case
from policies.dates import DateParseError, format_date, parse_date
from policies.facts import MEETING_KINDS
from policies.safe_text import safe_text

if TYPE_CHECKING:
    from models.queries import CaseDetail, MeetingRecord
    from models.service import CaseloadService

T = TypeVar("T")


class Context(Protocol):
    """What these commands use of `cin_tui.cli.Context` (not imported: cin_tui.cli imports
    this module)."""

    args: argparse.Namespace

    @property
    def today(self) -> date: ...

    def existing_service(self) -> CaseloadService: ...


def visible(message: str) -> str:
    """As cin_tui.cli.visible: control characters shown, never obeyed."""
    return safe_text(message, multiline=True)

MEETING_HELP = ("which meeting: its date (e.g. 03/12/2026) when only one is on that day, else "
                "its id from `cin meetings REF`")


def add_meetings_commands(commands: argparse._SubParsersAction,
                          common: argparse.ArgumentParser) -> None:
    """Add the meeting and closure commands to the `cin` command's subcommands."""
    listing = commands.add_parser(
        "meetings", parents=[common], help="list a case's meetings with their ids",
        description="List the case's meetings, oldest first: id, kind, status, date, chair and "
                    "circulation. The id (or the date, when only one meeting is on it) is what "
                    "--meeting takes in `cin held`, `cin cancel` and `cin circulated`.",
    )
    listing.add_argument("ref", metavar="REF", help="the case reference")
    listing.set_defaults(run=run_meetings)

    book = commands.add_parser(
        "book", parents=[common], help="book a meeting for a case",
        description="Book a meeting (the b key on the case screen). A booked meeting may be in "
                    "the past (not marked held yet) or up to 2 years ahead.",
    )
    book.add_argument("ref", metavar="REF", help="the case reference")
    book.add_argument("--kind", required=True, choices=MEETING_KINDS,
                      help="the kind of meeting (review: a CIN review)")
    book.add_argument("--date", required=True, type=_date, metavar="DATE",
                      help="the date it is booked for, e.g. 18/12/2026 or 2026-12-18")
    book.set_defaults(run=run_book)

    held = commands.add_parser(
        "held", parents=[common], help="record a booked meeting as held",
        description="Record a booked meeting as held (the h key on the case screen). The "
                    "initial CIN meeting starts the plan: when the case has no plan start "
                    "recorded, it is the meeting's date unless --plan-started gives another. "
                    "--next books the next meeting at the same time.",
    )
    held.add_argument("ref", metavar="REF", help="the case reference")
    held.add_argument("--meeting", required=True, metavar="ID-OR-DATE", help=MEETING_HELP)
    held.add_argument("--held-on", type=_date, metavar="DATE",
                      help="the day it was held, when not the day it was booked for")
    held.add_argument("--chair", metavar="NAME", help="who chaired it")
    held.add_argument("--chair-role", metavar="ROLE",
                      help="the chair's role, e.g. \"team manager\": the roles the case's pack "
                           "asks for are listed when another is given (it is kept as written)")
    held.add_argument("--family-attended", type=_yes_no, metavar="yes|no",
                      help="whether the family attended")
    held.add_argument("--plan-started", type=_date, metavar="DATE",
                      help="the day the plan started (default for an initial meeting when none "
                           "is recorded: the meeting's date)")
    held.add_argument("--next", type=_date, metavar="DATE", dest="next_date",
                      help="also book the next meeting for DATE")
    held.add_argument("--next-kind", choices=MEETING_KINDS, default="review",
                      help="the next meeting's kind (default: review)")
    held.set_defaults(run=run_held)

    cancel = commands.add_parser(
        "cancel", parents=[common], help="cancel a booked meeting, with the reason",
        description="Cancel a booked meeting (the x key on the case screen). Where the "
                    "procedure says how soon to re-arrange it, that becomes a deadline.",
    )
    cancel.add_argument("ref", metavar="REF", help="the case reference")
    cancel.add_argument("--meeting", required=True, metavar="ID-OR-DATE", help=MEETING_HELP)
    cancel.add_argument("--reason", required=True, metavar="TEXT", help="why it was cancelled")
    cancel.add_argument("--on", type=_date, metavar="DATE", dest="cancelled_on",
                        help="the day it was cancelled (default: today)")
    cancel.set_defaults(run=run_cancel)

    circulated = commands.add_parser(
        "circulated", parents=[common],
        help="record a held meeting's notes or plan as circulated",
        description="Record the day a held meeting's notes / plan were sent to the family and "
                    "the group (the m key on the case screen).",
    )
    circulated.add_argument("ref", metavar="REF", help="the case reference")
    circulated.add_argument("--meeting", required=True, metavar="ID-OR-DATE",
                            help="which held meeting: its date when only one was held that day, "
                                 "else its id from `cin meetings REF`")
    circulated.add_argument("--date", type=_date, metavar="DATE",
                            help="the day they were sent (default: today)")
    circulated.set_defaults(run=run_circulated)

    close = commands.add_parser(
        "close", parents=[common], help="close a case, with its reason and checklist",
        description="Close a case (the c key on the case screen). The reason is a CIN census "
                    "code RC1-RC9 or one of the pack's own reasons; the pack's closure "
                    "checklist items for that reason (and for a step-down, with --step-down) "
                    "must be given as done. A refusal lists the items that apply.",
    )
    close.add_argument("ref", metavar="REF", help="the case reference")
    close.add_argument("--reason", required=True, metavar="CODE",
                       help="RC1-RC9 (e.g. RC8: closed after assessment, no further action) or "
                            "a reason code of the case's pack")
    close.add_argument("--date", type=_date, metavar="DATE",
                       help="the closure date (default: today)")
    close.add_argument("--checklist", action="append", default=[], metavar="ITEM=yes",
                       type=_checklist_item,
                       help="a checklist item done (ITEM or ITEM=yes) or not (ITEM=no); "
                            "repeat for each item")
    close.add_argument("--step-down", action="store_true",
                       help="the case steps down to Early Help (asks the step-down items)")
    close.add_argument("--lead-professional", metavar="TEXT",
                       help="the Early Help lead professional, name and agency (needed with "
                            "--step-down)")
    close.add_argument("--note", metavar="TEXT", help="a closing note")
    close.set_defaults(run=run_close)


# ----- reading options ---------------------------------------------------------------------


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except DateParseError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _yes_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in ("yes", "y"):
        return True
    if answer in ("no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not yes or no")


def _checklist_item(text: str) -> tuple[str, bool]:
    item, _, answer = text.partition("=")
    if not item.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give the item's id, e.g. letters_sent=yes")
    return item.strip(), _yes_no(answer) if answer else True


# ----- the commands ------------------------------------------------------------------------


def run_meetings(context: Context) -> int:
    with context.existing_service() as service:
        detail = named_case(service, context.args.ref)
    if not detail.meetings:
        print(visible(f"{detail.ref} has no meetings recorded."))
        return 0
    for meeting in detail.meetings:
        print(visible(_meeting_line(meeting)))
    return 0


def run_book(context: Context) -> int:
    from models.history import short_id

    args = context.args
    with context.existing_service() as service:
        ref = named_case(service, args.ref).ref
        meeting_id = _command(lambda: service.book_meeting(ref=ref, kind=args.kind,
                                                           date=args.date))
        booked = next(m for m in service.case_detail(ref).meetings if m.id == meeting_id)
    print(visible(f"{ref}: {_kind(args.kind)} meeting booked for {format_date(args.date)} "
                  f"(meeting {short_id(booked.uid)})."))
    return 0


def run_held(context: Context) -> int:
    from models.commands import plan_start_after_meeting

    args = context.args
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        meeting = _find_meeting(detail, args.meeting, "booked")
        held_on = args.held_on or meeting.date
        plan = plan_start_after_meeting(kind=meeting.kind, held_on=held_on,
                                        given=args.plan_started, recorded=detail.plan_started)
        next_id = _command(lambda: service.record_meeting_held(
            meeting_id=meeting.id, date=held_on, chair=args.chair, chair_role=args.chair_role,
            family_attended=args.family_attended, next_meeting_date=args.next_date,
            next_meeting_kind=args.next_kind, plan_started=args.plan_started),
            {"date": "--held-on", "next_meeting_date": "--next"})
        policy = service.policy(detail.summary.policy_id)
    print(visible(f"{detail.ref}: {_kind(meeting.kind)} meeting recorded as held on "
                  f"{format_date(held_on)}."))
    if plan is not None:
        print(visible(f"Plan start recorded as {format_date(plan)}."))
    if next_id is not None:
        print(visible(f"Next {_kind(args.next_kind)} meeting booked for "
                      f"{format_date(args.next_date)} (meeting {next_id})."))
    if args.chair_role and policy is not None:
        _note_unknown_role(args.chair_role, policy)
    return 0


def run_cancel(context: Context) -> int:
    args = context.args
    cancelled_on = args.cancelled_on or context.today
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        meeting = _find_meeting(detail, args.meeting, "booked")
        _command(lambda: service.cancel_meeting(meeting_id=meeting.id, reason=args.reason,
                                                cancelled_on=cancelled_on),
                 {"cancelled_on": "--on", "cancel_reason": "--reason"})
    print(visible(f"{detail.ref}: {_kind(meeting.kind)} meeting of "
                  f"{format_date(meeting.date)} cancelled on {format_date(cancelled_on)}."))
    return 0


def run_circulated(context: Context) -> int:
    args = context.args
    sent = args.date or context.today
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        meeting = _find_meeting(detail, args.meeting, "held")
        _command(lambda: service.record_circulated(meeting_id=meeting.id, date=sent),
                 {"circulated": "--date"})
    print(visible(f"{detail.ref}: notes of the {_kind(meeting.kind)} meeting of "
                  f"{format_date(meeting.date)} circulated on {format_date(sent)}."))
    return 0


def run_close(context: Context) -> int:
    from models.inputs import ClosureInput
    from models.validation import ValidationFailed, closure_reason_words, policy_checklist

    args = context.args
    closure = ClosureInput(
        date=args.date or context.today, reason=args.reason.strip(), note=args.note,
        step_down_to_early_help=args.step_down, lead_professional=args.lead_professional,
        checklist=dict(args.checklist),
    )
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        policy = service.policy(detail.summary.policy_id)
        try:
            service.close_case(ref=detail.ref, closure=closure)
        except ValidationFailed as failed:
            lines = _problem_lines(failed.errors, {"step_down_to_early_help": "--step-down"})
            if any(e.field == "checklist" for e in failed.errors):
                items = policy_checklist(policy, closure.reason, step_down=args.step_down)
                lines.append(f"The checklist for {closure_reason_words(closure.reason, policy)}"
                             + (" with a step-down" if args.step_down else "") + ": "
                             + ("; ".join(f"{item_id} ({label})" for item_id, label, _ in items)
                                or "nothing")
                             + ". Give each as --checklist ITEM=yes.")
            raise CliError("\ncin: ".join(lines)) from None
    print(visible(f"{detail.ref}: closed on {format_date(closure.date)} for "
                  f"{closure_reason_words(closure.reason, policy)}."))
    return 0


# ----- shared ------------------------------------------------------------------------------



def _find_meeting(detail: CaseDetail, typed: str, status: str) -> MeetingRecord:
    """The meeting of `status` named by its id (as `cin meetings` and `cin history` show it) or,
    when only one is on it, its date."""
    from models.history import id_matches

    named = [m for m in detail.meetings if id_matches(m.uid, typed)]
    if len(named) == 1:
        if named[0].status != status:
            raise CliError(f"meeting {typed.strip()} of {detail.ref} is {named[0].status}, not "
                           f"{status}. {_listing(detail, status)}")
        return named[0]
    try:
        on = parse_date(typed)
    except DateParseError:
        raise CliError(f"{detail.ref} has no meeting {typed.strip()!r}: give a meeting's id or "
                       f"its date. {_listing(detail, status)}") from None
    found = [m for m in detail.meetings if m.status == status and m.date == on]
    if len(found) == 1:
        return found[0]
    how = "more than one" if found else "no"
    raise CliError(f"{detail.ref} has {how} {status} meeting on {format_date(on)}. "
                   f"{_listing(detail, status)}")


def _listing(detail: CaseDetail, status: str) -> str:
    wanted = [m for m in detail.meetings if m.status == status]
    if not wanted:
        return f"It has no {status} meetings (`cin meetings {detail.ref}` lists them all)."
    lines = "\n".join(f"  {_meeting_line(m)}" for m in wanted)
    return f"Its {status} meetings (give the id with --meeting when two share a date):\n{lines}"


def _meeting_line(meeting: MeetingRecord) -> str:
    from models.history import short_id

    parts = [f"{short_id(meeting.uid):<8}  {format_date(meeting.date):<11}  {meeting.status:<9}  "
             f"{_kind(meeting.kind)}"]
    if meeting.chair or meeting.chair_role:
        role = f" ({meeting.chair_role})" if meeting.chair and meeting.chair_role else ""
        parts.append(f"chair {meeting.chair or meeting.chair_role}{role}")
    if meeting.circulated:
        parts.append(f"circulated {format_date(meeting.circulated)}")
    if meeting.cancel_reason:
        parts.append(f"cancelled: {meeting.cancel_reason}")
    return "; ".join(parts)


def _kind(kind: str) -> str:
    return kind.replace("_", " ")


def _command(run: Callable[[], T], options: Mapping[str, str] | None = None) -> T:
    """Run a service command, its validation problems as one message naming the options."""
    from models.validation import ValidationFailed

    try:
        return run()
    except ValidationFailed as failed:
        raise CliError("\ncin: ".join(_problem_lines(failed.errors, options or {}))) from None


def _problem_lines(errors: Iterable[Any], options: Mapping[str, str]) -> list[str]:
    named = {"date": "--date", "meeting_id": "--meeting", "ref": "REF", "reason": "--reason",
             "checklist": "--checklist", "lead_professional": "--lead-professional",
             "note": "--note", "chair": "--chair", "chair_role": "--chair-role",
             "plan_started": "--plan-started", "next_meeting_kind": "--next-kind",
             **options}
    return [f"{named.get(e.field, e.field)}: {e.message}" for e in errors]


def _note_unknown_role(role: str, policy: Any) -> None:
    """Say when a chair's role is not one the pack's chair rules name (it is kept as written,
    but e.g. "TM" will not count as a team manager)."""
    import sys

    from policies.packs import normalise_role, role_words

    roles: Sequence[str] = getattr(policy, "chair_roles", ())
    if roles and normalise_role(role) not in roles:
        words = ", ".join(role_words(r).lower() for r in roles)
        print(visible(f"cin: note: the chair's role {role!r} is kept as written; it is not one "
                      f"of the roles {policy.name}'s chair rules name ({words}), so it does not "
                      "count for them."), file=sys.stderr)
