"""`cin calendar OUT.ics`: the open deadlines as an iCalendar file for Outlook (issue 16).

The events are the deadlines `cin due --json` lists for the same --worker and --within, from
the same caseload rows (models.calendar_events); the file is written by screens.calendar_file,
which the caseload screen's calendar key uses too.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cin_tui.cli_errors import CliError, whole_days
from policies.dates import format_date
from policies.safe_text import safe_text

if TYPE_CHECKING:
    from datetime import date

    from models.service import CaseloadService


class Context(Protocol):
    """What this command uses of `cin_tui.cli.Context`."""

    args: argparse.Namespace

    @property
    def today(self) -> date: ...

    def existing_service(self) -> CaseloadService: ...


PRIVACY_HELP = ("show children's names as initials (for a calendar others can see, or one "
                "on a shared screen)")


def add_calendar_commands(commands: argparse._SubParsersAction,
                          common: argparse.ArgumentParser) -> None:
    """Add `cin calendar` to the `cin` command's subcommands."""
    calendar = commands.add_parser(
        "calendar", parents=[common],
        help="write the open deadlines to an .ics file for Outlook or another calendar",
        description="Write the open deadlines (the ones `cin due --json` lists for the same "
                    "--worker and --within) to OUT.ics: one all-day event per deadline, named "
                    "by the case's reference and the kind of deadline, with the rule, the "
                    "procedure it comes from and how the date was worked out, and a reminder "
                    "at 09:00 on the day it turns due soon (the amber_working_days setting: "
                    "that many working days before, bank holidays skipped). Import the file "
                    "into Outlook again after changes: each event keeps its identity (the "
                    "case's reference and the rule), so it is updated, not duplicated. The "
                    "file is readable by you only (the caseload screen's i key writes one "
                    "too).",
    )
    calendar.add_argument("out", metavar="OUT.ics", help="the .ics file to write (replaced)")
    calendar.add_argument("--worker", metavar="NAME", help="only this worker's cases")
    calendar.add_argument("--within", metavar="DAYS", type=whole_days,
                          help="only deadlines due within DAYS calendar days of today, plus "
                               "any overdue")
    calendar.add_argument("--privacy", action="store_true", default=argparse.SUPPRESS,
                          help=PRIVACY_HELP)
    calendar.set_defaults(run=run_calendar)



def run_calendar(context: Context) -> int:
    from screens.calendar_file import CalendarFileError, write_calendar

    args = context.args
    out = Path(args.out)
    if out.suffix.lower() != ".ics":  # said before anything is read
        raise CliError(f"{out}: a calendar file's name ends .ics")
    privacy = bool(getattr(args, "privacy", False))
    with context.existing_service() as service:
        worker = service.known_worker(args.worker) if args.worker else None
        events = service.calendar_events(worker=worker, within_days=args.within)
        amber = service.amber_working_days
    try:
        written = write_calendar(out, events, stamp=datetime.now(UTC), privacy=privacy)
    except CalendarFileError as error:
        raise CliError(str(error)) from None
    count = len(events)
    whose = f"{worker}'s cases" if worker else "every open case"
    window = ""
    if args.within is not None:
        window = f", due by {format_date(context.today + timedelta(days=args.within))} or overdue"
    names = " Names are shown as initials." if privacy else ""
    print(safe_text(
        f"Wrote {count} deadline{'s' if count != 1 else ''} ({whose}{window}) to {written}, "
        f"each with a reminder {amber} working day{'s' if amber != 1 else ''} before.{names}"))
    return 0
