"""`cin done REF RULE`: mark one of the worker's own tasks done (issue 12, items 3 and 9).

Through the same service method as the case screen's `d` (models/tasks.py): a pack rule with
`done_by = "worker"` (docs/policies.md), the date done defaulting to today.
"""

from __future__ import annotations

import argparse

from policies.safe_text import safe_text


def add_tasks_commands(commands: argparse._SubParsersAction,
                       common: argparse.ArgumentParser) -> None:
    """Add `done` to the `cin` command's subcommands."""
    done = commands.add_parser(
        "done", parents=[common], help="mark one of your own tasks done (a letter, a report)",
        description="Mark a task the procedure gives the worker done, with the date it was "
                    "done: e.g. Camden's invitation letters 10 working days before a review "
                    "(`cin done C-1001 invitations`), Leicestershire's 3-monthly update to the "
                    "child (`update_to_child`). RULE is the pack's rule id as `cin explain REF` "
                    "shows it, with or without the pack (`invitations` or "
                    "`camden.invitations`). A task repeated per meeting or per period is done "
                    "one occurrence at a time: the earliest open one, or the one due on --due. "
                    "Oversight points are refused: a manager's oversight note clears them. "
                    "Marked done by mistake? `--withdraw REASON` withdraws the one marked done "
                    "most recently (kept in the history, no longer counted).",
    )
    done.add_argument("ref", metavar="REF", help="the case reference")
    done.add_argument("rule", metavar="RULE",
                      help="the task's rule id, e.g. invitations (`cin explain REF` lists them)")
    done.add_argument("--date", metavar="DATE",
                      help="the day it was done, e.g. 2026-11-20 or 20/11/2026 (default: today)")
    done.add_argument("--due", metavar="DATE",
                      help="which occurrence: the open one due on DATE (default: the earliest)")
    done.add_argument("--note", metavar="TEXT", help="a note kept with it (how, to whom)")
    done.add_argument("--withdraw", metavar="REASON",
                      help="instead: withdraw the task of RULE marked done most recently, "
                           "with the reason (it is open again)")
    done.set_defaults(run=run_done)


def run_done(context) -> int:  # context: cin_tui.cli.Context
    from cin_tui.cli_errors import CliError
    from models.errors import CaseNotFound
    from policies.dates import DateParseError, format_date, parse_date

    args = context.args
    if args.withdraw is not None:
        return _withdraw(context)
    try:
        done = parse_date(args.date) if args.date else context.today
    except DateParseError as error:
        raise CliError(f"--date: {error}") from None
    try:
        due = parse_date(args.due) if args.due else None
    except DateParseError as error:
        raise CliError(f"--due: {error}") from None
    with context.existing_service() as service:
        ref = service.known_ref(args.ref)
        service.complete_task(ref=ref, rule=args.rule, done=done, due=due, note=args.note)
        entry = service.audit_entries(ref, newest_first=True, limit=1)[0]
        try:
            row = service.case_row(ref)
        except CaseNotFound as error:  # removed meanwhile: the task is recorded anyway
            raise CliError(str(error)) from None
    print(_visible(f"{ref}: {entry.summary}."))
    rule_id = (entry.after or {}).get("rule_id", "")
    following = [d for d in row.deadlines if d.rule_id == rule_id]
    if following:
        print(_visible(f"Next: {following[0].label}, due {format_date(following[0].due)}."))
    return 0


def _withdraw(context) -> int:  # context: cin_tui.cli.Context
    args = context.args
    with context.existing_service() as service:
        ref = service.known_ref(args.ref)
        service.withdraw_latest_task(ref=ref, rule=args.rule, reason=args.withdraw)
        entry = service.audit_entries(ref, newest_first=True, limit=1)[0]
    print(_visible(f"{ref}: {entry.summary}. It is open again."))
    return 0


def _visible(message: str) -> str:
    """As `cin_tui.cli.visible`: stored text never redraws the terminal."""
    return safe_text(message, multiline=True)
