"""`cin history`, `cin correct-visit`, `cin correct-meeting`, `cin correct-note`, `cin withdraw`
and `cin reopen`: correcting what was recorded (issue 12, item 2).

`cin history REF` lists a case's visits, meetings and oversight notes with their ids (the
first 8 characters are enough), withdrawn ones marked, and every correction and reopening.
The other commands name a record by that id, or by its date when only one record of its kind
is on that day, and go through the same `CaseloadService` methods as the case screen's forms.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from cin_tui.cli_errors import CliError, add_expect_version, named_case, version_checked
from policies.safe_text import safe_text

if TYPE_CHECKING:
    from models.history import HistoryEntry
    from models.queries import CaseDetail
    from models.service import CaseloadService

_RECORD_WORDS = {"visit": "visit", "meeting": "meeting", "oversight_note": "oversight note"}
_IDENTIFY = ("the record's id as `cin history REF` shows it (its first 8 characters are "
             "enough), or its date when it is the only one of its kind that day")
_REASON = "why, in words: kept in the case's history and the audit trail (required)"


def visible(message: str) -> str:
    """As `cin_tui.cli.visible` (which this module cannot import: cli imports it): recorded
    text never reaches the terminal as a control sequence."""
    return safe_text(message, multiline=True)


def add_corrections_commands(commands: argparse._SubParsersAction,
                             common: argparse.ArgumentParser) -> None:
    """Add `history`, `correct-visit`, `correct-meeting`, `correct-note`, `withdraw` and
    `reopen` to the `cin` command's subcommands."""
    history = commands.add_parser(
        "history", parents=[common],
        help="a case's history: visits, meetings and notes with their ids, and corrections",
        description="Print the case's history, newest first: each visit, meeting and "
                    "management oversight note with its id (for correct-visit, "
                    "correct-meeting, correct-note and withdraw), withdrawn records marked "
                    "WITHDRAWN with the day, who and why, the closure, and every correction "
                    "and reopening with what the record said before.",
    )
    history.add_argument("ref", metavar="REF", help="the case's reference")
    history.add_argument("--privacy", action="store_true", default=argparse.SUPPRESS,
                         help="show children's names as initials (for a shared screen)")
    history.set_defaults(run=run_history)

    visit = commands.add_parser(
        "correct-visit", parents=[common], help="correct a visit recorded wrongly",
        description="Change a recorded visit: give only the fields to change, the others "
                    "stay as recorded. The corrected visit is checked as a new one is (no "
                    "date after today, the child's voice when seen...). The visit keeps its "
                    "id; what it said before stays in the case's history and the audit trail. "
                    "Dates are day first (23/11/2026) or ISO (2026-11-23); give an empty text "
                    "(\"\") or `none` to clear a field.",
    )
    visit.add_argument("ref", metavar="REF", help="the case's reference")
    visit.add_argument("--visit", metavar="ID-OR-DATE", required=True,
                       help=f"which visit: {_IDENTIFY}")
    visit.add_argument("--date", metavar="DATE", help="the day of the visit")
    visit.add_argument("--seen", metavar="YES/NO", help="whether the child was seen")
    visit.add_argument("--seen-alone", metavar="YES/NO", help="whether the child was seen alone")
    visit.add_argument("--not-alone-reason", metavar="TEXT",
                       help="why the child was not seen alone")
    visit.add_argument("--voice", metavar="TEXT", help="the child's voice: their own words")
    visit.add_argument("--location", metavar="PLACE", help="home, school or other")
    visit.add_argument("--recorded", metavar="DATE", help="the day the visit was written up")
    visit.add_argument("--reason", metavar="TEXT", required=True, help=_REASON)
    add_expect_version(visit)
    visit.set_defaults(run=run_correct_visit)

    meeting = commands.add_parser(
        "correct-meeting", parents=[common], help="correct a meeting recorded wrongly",
        description="Change a recorded meeting: give only the fields to change, the others "
                    "stay as recorded; the status too (a meeting marked held by mistake goes "
                    "back to booked). A meeting whose next meeting was booked when it was held "
                    "stays held and before it. What it said before stays in the case's "
                    "history and the audit trail.",
    )
    meeting.add_argument("ref", metavar="REF", help="the case's reference")
    meeting.add_argument("--meeting", metavar="ID-OR-DATE", required=True,
                         help=f"which meeting: {_IDENTIFY}")
    meeting.add_argument("--kind", metavar="KIND",
                         help="initial, review, family_network, progress, closure, transfer_in")
    meeting.add_argument("--status", metavar="STATUS", help="booked, held or cancelled")
    meeting.add_argument("--date", metavar="DATE", help="the day it was (or is) held")
    meeting.add_argument("--chair", metavar="NAME", help="who chaired it")
    meeting.add_argument("--chair-role", metavar="ROLE", help="the chair's role")
    meeting.add_argument("--family-attended", metavar="YES/NO",
                         help="whether the family came")
    meeting.add_argument("--circulated", metavar="DATE",
                         help="the day the notes or plan were sent out")
    meeting.add_argument("--cancelled-on", metavar="DATE", help="the day it was cancelled")
    meeting.add_argument("--cancel-reason", metavar="TEXT", help="why it was cancelled")
    meeting.add_argument("--reason", metavar="TEXT", required=True, help=_REASON)
    add_expect_version(meeting)
    meeting.set_defaults(run=run_correct_meeting)

    note = commands.add_parser(
        "correct-note", parents=[common],
        help="correct a management oversight note's decision or rationale",
        description="Change the decision or the rationale of a management oversight note "
                    "(its actions and the flags it cleared stay). What it said before stays "
                    "in the case's history and the audit trail.",
    )
    note.add_argument("ref", metavar="REF", help="the case's reference")
    note.add_argument("--note", metavar="ID-OR-DATE", required=True,
                      help=f"which note: {_IDENTIFY}")
    note.add_argument("--decision", metavar="TEXT", help="the decision")
    note.add_argument("--rationale", metavar="TEXT", help="the reasons for the decision")
    note.add_argument("--reason", metavar="TEXT", required=True, help=_REASON)
    add_expect_version(note)
    note.set_defaults(run=run_correct_note)

    withdraw = commands.add_parser(
        "withdraw", parents=[common],
        help="withdraw a visit, meeting or note recorded in error (kept, no longer counted)",
        description="Withdraw a visit, meeting or management oversight note that should never "
                    "have been recorded (the wrong child, a visit that did not happen). "
                    "Nothing is deleted: the record stays in the case's history, marked "
                    "withdrawn with the day and the reason, but counts for nothing from now "
                    "on, so the deadlines are as they were before it. A withdrawn note's "
                    "flags are open again and its actions no longer count. A withdrawn record "
                    "cannot be corrected or withdrawn again.",
    )
    withdraw.add_argument("ref", metavar="REF", help="the case's reference")
    which = withdraw.add_mutually_exclusive_group(required=True)
    which.add_argument("--visit", metavar="ID-OR-DATE", help=f"a visit: {_IDENTIFY}")
    which.add_argument("--meeting", metavar="ID-OR-DATE", help=f"a meeting: {_IDENTIFY}")
    which.add_argument("--note", metavar="ID-OR-DATE", help=f"an oversight note: {_IDENTIFY}")
    withdraw.add_argument("--reason", metavar="TEXT", required=True, help=_REASON)
    add_expect_version(withdraw)
    withdraw.set_defaults(run=run_withdraw)

    reopen = commands.add_parser(
        "reopen", parents=[common], help="reopen a closed case",
        description="Reopen a closed case: it is open again, with its deadlines, and can be "
                    "closed again later. The closure (date, reason, checklist) is kept in the "
                    "case's history and the audit trail.",
    )
    reopen.add_argument("ref", metavar="REF", help="the case's reference")
    reopen.add_argument("--reason", metavar="TEXT", required=True, help=_REASON)
    add_expect_version(reopen)
    reopen.set_defaults(run=run_reopen)


# --- cin history ----------------------------------------------------------------------------


def run_history(context) -> int:  # context: cin_tui.cli.Context
    from models.history import SHORT_ID_LENGTH, short_id
    from policies.dates import format_date
    from screens.cells import display_name, mask_names

    privacy = bool(getattr(context.args, "privacy", False))
    with context.existing_service() as service:
        detail = named_case(service, context.args.ref)
    names = [detail.summary.name]
    lines = [f"History of {detail.ref} ({display_name(detail.summary.name, privacy)}), newest "
             "first. Give an id (or the date) to correct-visit, correct-meeting, correct-note "
             f"or withdraw. Version {detail.version} (every change adds one; "
             f"--expect-version {detail.version} saves only if nobody has changed it since)."]
    entries = _entries(detail)
    if not entries:
        lines.append("Nothing recorded yet.")
    width = max((len(e.what) for e in entries), default=0)
    for entry in entries:
        short = short_id(entry.uid)
        words = mask_names(entry.words, names, privacy)
        lines.append(f"{format_date(entry.when):<11}  {entry.what:<{width}}  "
                     f"{short:<{SHORT_ID_LENGTH}}  {words}")
        if entry.withdrawn is not None:
            indent = " " * (11 + 2 + width + 2 + SHORT_ID_LENGTH + 2)
            lines.append(indent + mask_names(entry.withdrawn, names, privacy))
    sys.stdout.write(visible("\n".join(lines)) + "\n")
    return 0



def _expected(args: argparse.Namespace, detail: CaseDetail) -> int:
    """The version a correction is saved against: the one given, else the one just read (the
    fields not given are taken from that read, so they must still be what is stored)."""
    return int(args.expect_version) if args.expect_version is not None else detail.version


def _entries(detail: CaseDetail) -> list[HistoryEntry]:
    from models.history import history
    from screens.forms.meeting import kind_label

    return history(detail, meeting_label=kind_label)


def _find(detail: CaseDetail, record_type: str, typed: str) -> HistoryEntry:
    """The record of `record_type` meant by `typed`: its id, the start of its id, or a date
    on which it is the only one (not withdrawn) of its kind."""
    from models.history import id_matches, short_id
    from policies.dates import DateParseError, format_date, parse_date

    words = _RECORD_WORDS[record_type]
    records = [e for e in _entries(detail) if e.record_type == record_type and e.uid]
    typed = typed.strip()
    exact = [e for e in records if e.uid == typed]
    if exact:
        return exact[0]
    found = [e for e in records if id_matches(e.uid, typed)]
    if not found:
        try:
            on = parse_date(typed)
        except DateParseError:
            on = None
        if on is not None:
            found = [e for e in records if e.when == on and e.withdrawn is None]
            if not found:
                raise CliError(f"case {detail.ref} has no {words} on {format_date(on)}. "
                               f"`cin history {detail.ref}` lists its records with their ids.")
    if len(found) == 1:
        return found[0]
    if not found:
        raise CliError(f"case {detail.ref} has no {words} with an id starting {typed!r}. "
                       f"`cin history {detail.ref}` lists its records with their ids.")
    listed = "; ".join(f"{short_id(e.uid) or '?'} ({format_date(e.when)}: "
                       f"{e.words})" for e in found)
    raise CliError(f"{len(found)} {words}s of case {detail.ref} match {typed!r}: {listed}. "
                   "Give the id instead.")


def _reported(service: CaseloadService, ref: str, then: str) -> int:
    """Print the history's line for the correction just made, and what follows from it."""
    from models.history import correction_sentence

    detail = service.case_detail(ref)
    print(visible(f"{correction_sentence(detail.corrections[-1])}.\n{then}"))
    return 0


# --- reading options ------------------------------------------------------------------------

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_NOT_KNOWN = {"", "none", "unknown", "not recorded"}


def _yes_no(option: str, text: str, *, may_be_unknown: bool = True) -> bool | None:
    folded = text.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    if may_be_unknown and folded in _NOT_KNOWN:
        return None
    also = ", or none when not known" if may_be_unknown else ""
    raise CliError(f"{option}: {text!r} is not an answer; give yes or no{also}.")


def _date(option: str, text: str, *, may_clear: bool = True) -> date | None:
    from policies.dates import DateParseError, parse_date

    if may_clear and text.strip().casefold() in _NOT_KNOWN:
        return None
    try:
        return parse_date(text)
    except DateParseError as error:
        raise CliError(f"{option}: {error}") from None


def _text(text: str) -> str | None:
    return text.strip() or None


def _changed(args: argparse.Namespace, fields: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    """Each field whose option was given, read: {field: value}."""
    changed: dict[str, Any] = {}
    for field, (option, read) in fields.items():
        given = getattr(args, option.lstrip("-").replace("-", "_"))
        if given is not None:
            changed[field] = read(option, given)
    return changed


def _nothing_given(what: str, options: str) -> CliError:
    return CliError(f"say what to change: give one or more of {options}. To take the whole "
                    f"{what} back instead, use `cin withdraw`.")


# --- cin correct-visit / correct-meeting / correct-note -------------------------------------


def run_correct_visit(context) -> int:  # context: cin_tui.cli.Context
    from models.inputs import VisitInput

    args = context.args
    changed = _changed(args, {
        "date": ("--date", lambda o, t: _date(o, t, may_clear=False)),
        "seen": ("--seen", lambda o, t: _yes_no(o, t, may_be_unknown=False)),
        "seen_alone": ("--seen-alone", _yes_no),
        "not_alone_reason": ("--not-alone-reason", lambda _o, t: _text(t)),
        "childs_voice": ("--voice", lambda _o, t: _text(t)),
        "location": ("--location", lambda _o, t: _text(t.casefold())),
        "recorded": ("--recorded", _date),
    })
    if not changed:
        raise _nothing_given("visit", "--date, --seen, --seen-alone, --not-alone-reason, "
                                      "--voice, --location, --recorded")
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        entry = _find(detail, "visit", args.visit)
        stored = next((v for v in (*detail.visits, *detail.withdrawn_visits)
                       if v.uid == entry.uid), None)
        assert stored is not None and entry.uid is not None
        visit = VisitInput(
            date=stored.date, seen=stored.seen, seen_alone=stored.seen_alone,
            not_alone_reason=stored.not_alone_reason, childs_voice=stored.childs_voice,
            location=stored.location, recorded=stored.recorded,
        )
        visit = replace(visit, **changed)
        if not visit.seen:
            visit = replace(visit, seen_alone=None)
        with version_checked(detail.ref):
            service.correct_visit(ref=detail.ref, visit_uid=entry.uid, visit=visit,
                                  reason=args.reason, expected_version=_expected(args, detail))
        return _reported(service, detail.ref, "The deadlines follow the corrected visit "
                                              f"(`cin explain {detail.ref}`).")


def run_correct_meeting(context) -> int:  # context: cin_tui.cli.Context
    from models.inputs import MeetingInput

    args = context.args
    changed = _changed(args, {
        "kind": ("--kind", lambda _o, t: t.strip().casefold()),
        "status": ("--status", lambda _o, t: t.strip().casefold()),
        "date": ("--date", lambda o, t: _date(o, t, may_clear=False)),
        "chair": ("--chair", lambda _o, t: _text(t)),
        "chair_role": ("--chair-role", lambda _o, t: _text(t)),
        "family_attended": ("--family-attended", _yes_no),
        "circulated": ("--circulated", _date),
        "cancelled_on": ("--cancelled-on", _date),
        "cancel_reason": ("--cancel-reason", lambda _o, t: _text(t)),
    })
    if not changed:
        raise _nothing_given("meeting", "--kind, --status, --date, --chair, --chair-role, "
                                        "--family-attended, --circulated, --cancelled-on, "
                                        "--cancel-reason")
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        entry = _find(detail, "meeting", args.meeting)
        stored = next((m for m in (*detail.meetings, *detail.withdrawn_meetings)
                       if m.uid == entry.uid), None)
        assert stored is not None and entry.uid is not None
        meeting = MeetingInput(
            kind=stored.kind, status=stored.status, date=stored.date, chair=stored.chair,
            chair_role=stored.chair_role, family_attended=stored.family_attended,
            circulated=stored.circulated, cancelled_on=stored.cancelled_on,
            cancel_reason=stored.cancel_reason,
        )
        with version_checked(detail.ref):
            service.correct_meeting(ref=detail.ref, meeting_uid=entry.uid,
                                    meeting=replace(meeting, **changed), reason=args.reason,
                                    expected_version=_expected(args, detail))
        return _reported(service, detail.ref, "The deadlines follow the corrected meeting "
                                              f"(`cin explain {detail.ref}`).")


def run_correct_note(context) -> int:  # context: cin_tui.cli.Context
    args = context.args
    if args.decision is None and args.rationale is None:
        raise _nothing_given("note", "--decision, --rationale")
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        entry = _find(detail, "oversight_note", args.note)
        stored = next((n for n in (*detail.oversight_notes, *detail.withdrawn_notes)
                       if n.uid == entry.uid), None)
        assert stored is not None and entry.uid is not None
        with version_checked(detail.ref):
            service.correct_oversight_note(
                ref=detail.ref, note_uid=entry.uid,
                decision=stored.decision if args.decision is None else args.decision,
                rationale=stored.rationale if args.rationale is None else args.rationale,
                reason=args.reason, expected_version=_expected(args, detail))
        return _reported(service, detail.ref, f"`cin history {detail.ref}` shows it.")


# --- cin withdraw / cin reopen --------------------------------------------------------------


def run_withdraw(context) -> int:  # context: cin_tui.cli.Context
    args = context.args
    record_type, typed = next((kind, value) for kind, value in (
        ("visit", args.visit), ("meeting", args.meeting), ("oversight_note", args.note))
        if value is not None)
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        entry = _find(detail, record_type, typed)
        assert entry.uid is not None
        expected = args.expect_version
        with version_checked(detail.ref):
            if record_type == "visit":
                service.withdraw_visit(ref=detail.ref, visit_uid=entry.uid, reason=args.reason,
                                       expected_version=expected)
            elif record_type == "meeting":
                service.withdraw_meeting(ref=detail.ref, meeting_uid=entry.uid,
                                         reason=args.reason, expected_version=expected)
            else:
                service.withdraw_oversight_note(ref=detail.ref, note_uid=entry.uid,
                                                reason=args.reason, expected_version=expected)
        return _reported(service, detail.ref,
                         f"It is kept in the history but no longer counts for anything "
                         f"(`cin explain {detail.ref}` shows the deadlines without it).")


def run_reopen(context) -> int:  # context: cin_tui.cli.Context
    args = context.args
    with context.existing_service() as service:
        detail = named_case(service, args.ref)
        with version_checked(detail.ref):
            service.reopen_case(ref=detail.ref, reason=args.reason,
                                expected_version=args.expect_version)
        return _reported(service, detail.ref, f"Case {detail.ref} is open again; "
                                              f"`cin explain {detail.ref}` shows its deadlines.")
