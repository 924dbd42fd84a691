"""`cin visit REF ...`: log a visit from the command line, through the same
`CaseloadService.log_visit` / `log_sibling_visits` (and so the same checks) as the visit form.

A visit that looks mistaken (more than 3 months before the case's allocation, or a second visit
to the child on the same day) is refused with the reason unless `--confirm` (or `--yes`) is
given, as the form asks before it saves.
"""

from __future__ import annotations

import argparse
from typing import Any

from cin_tui.cli_errors import CliError

YES_WORDS = ("yes", "y", "true")
NO_WORDS = ("no", "n", "false")
LOCATIONS = ("home", "school", "other")  # models.validation.VISIT_LOCATIONS, read lazily


def add_visits_commands(commands: argparse._SubParsersAction,
                        common: argparse.ArgumentParser) -> None:
    """Add `visit` to the `cin` command's subcommands."""
    visit = commands.add_parser(
        "visit", parents=[common], help="log a visit to a child (and siblings seen with them)",
        description="Record a visit, as the visit form does, with the same checks: the date "
                    "not in the future, and for a child seen, whether they were seen alone, "
                    "the reason if a child aged 3 or over was not, and the child's voice. "
                    "With --siblings the same visit, with the same answers, is logged for each "
                    "sibling too: all are saved, or none. A visit more than 3 months before the "
                    "case's allocation, or a second visit to the child on the same day, is "
                    "refused with the reason unless --confirm is given. Every visit is "
                    "recorded in the audit trail as you (settings' worker).",
        epilog="Example: cin visit WR-001 --date 23/11/2026 --seen yes --alone no "
               "--reason \"Mum stayed in the room\" --voice \"I like my new school\" "
               "--location home",
    )
    visit.add_argument("ref", metavar="REF", help="the child's case reference (any case)")
    visit.add_argument("--date", metavar="DATE", required=True,
                       help="the day of the visit, day first: 23/11/2026, 23 Nov 2026 or "
                            "2026-11-23")
    visit.add_argument("--seen", metavar="yes|no", type=_yes_no, required=True,
                       help="whether the child was seen")
    visit.add_argument("--alone", metavar="yes|no", type=_yes_no,
                       help="whether the child was seen alone (required when seen)")
    visit.add_argument("--reason", metavar="TEXT",
                       help="why the child was not seen alone (required for a child aged 3 or "
                            "over seen but not alone; refused when seen alone)")
    visit.add_argument("--voice", metavar="TEXT",
                       help="the child's own words, views and wishes (required when seen)")
    visit.add_argument("--location", choices=LOCATIONS, help="where the visit took place")
    visit.add_argument("--recorded", metavar="DATE",
                       help="the day the visit was written up (default: today)")
    visit.add_argument("--siblings", metavar="REF,REF", type=_refs, default=[],
                       help="siblings seen on the same visit, comma-separated: the visit is "
                            "logged for each with the same answers")
    visit.add_argument("--confirm", "--yes", action="store_true",
                       help="save a visit that looks mistaken (long before allocation, the "
                            "same day twice) after checking it")
    visit.set_defaults(run=run_visit)


def _yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not yes or no")


def _refs(text: str) -> list[str]:
    refs = [ref.strip() for ref in text.split(",") if ref.strip()]
    if not refs:
        raise argparse.ArgumentTypeError("give one or more case references, comma-separated")
    return refs


def run_visit(context: Any) -> int:  # context: cin_tui.cli.Context
    from models.inputs import VisitInput
    from models.validation import NeedsConfirmation, ValidationFailed
    from policies.dates import format_date, parse_date
    from policies.safe_text import safe_text

    args = context.args
    when = parse_date(args.date)  # a DateParseError is a user message
    recorded = parse_date(args.recorded) if args.recorded else context.today
    visit = VisitInput(
        date=when, seen=args.seen, seen_alone=args.alone, not_alone_reason=args.reason or None,
        childs_voice=args.voice or None, location=args.location, recorded=recorded,
    )
    with context.existing_service() as service:
        refs = [service.known_ref(ref) for ref in [args.ref, *args.siblings]]
        if len(set(refs)) != len(refs):
            raise CliError("a child is named twice; give each sibling once, not the child "
                           "the visit is logged for")
        try:
            if len(refs) == 1:
                service.log_visit(refs[0], visit, confirmed=args.confirm)
            else:
                service.log_sibling_visits({ref: visit for ref in refs},
                                           confirmed=args.confirm)
        except ValidationFailed as failed:
            raise CliError(_problems(failed.errors, refs) + "\nNothing was saved.") from None
        except NeedsConfirmation as asked:
            raise CliError(_problems(asked.warnings, refs) + "\nNothing was saved: check it, "
                           "and give --confirm to save it anyway.") from None
    # As cin_tui.cli.visible prints: a control character in a ref is shown, never sent.
    print(safe_text(f"Visit on {format_date(when)} logged for {', '.join(refs)}.",
                    multiline=True))
    return 0


# The command's field names, as this command's options call them.
_OPTION_OF_FIELD = {"date": "--date", "seen": "--seen", "seen_alone": "--alone",
                    "not_alone_reason": "--reason", "childs_voice": "--voice",
                    "location": "--location", "recorded": "--recorded", "ref": "REF"}


def _problems(errors: list[Any], refs: list[str]) -> str:
    lines = []
    for error in errors:
        option = _OPTION_OF_FIELD.get(error.field, error.field)
        who = f"{error.record}: " if error.record and len(refs) > 1 else ""
        lines.append(f"{who}{option}: {error.message}")
    return "\n".join(lines)
