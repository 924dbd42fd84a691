"""`cin chronology REF`: every recorded event of a case in date order (issue 16), as Markdown
on stdout or written to a .md or .html file. The same chronology (models.chronology) as the
case screen's chronology view.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cin_tui.cli_errors import CliError
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


PRIVACY_HELP = "show children's names as initials, in the heading and in the recorded words"


def add_chronology_commands(commands: argparse._SubParsersAction,
                            common: argparse.ArgumentParser) -> None:
    """Add `cin chronology` to the `cin` command's subcommands."""
    chronology = commands.add_parser(
        "chronology", parents=[common],
        help="a case's chronology: every recorded event in date order (.md or .html)",
        description="Every recorded event of the case, oldest first: allocation, visits "
                    "(whether the child was seen, and alone, and the child's voice), meetings "
                    "booked, held and cancelled, minutes circulated, oversight notes, tasks "
                    "done, corrections and withdrawals, closure and reopening. Written as "
                    "Markdown (.md) or HTML (.html, one self-contained file to print) by the "
                    "name given to --out; without --out, Markdown on the screen. The file is "
                    "readable by you only. The case screen's l key shows the same chronology.",
    )
    chronology.add_argument("ref", metavar="REF", help="the case reference")
    chronology.add_argument("--out", metavar="FILE",
                            help="a .md or .html file to write (replaced)")
    chronology.add_argument("--privacy", action="store_true", default=argparse.SUPPRESS,
                            help=PRIVACY_HELP)
    chronology.set_defaults(run=run_chronology)


def run_chronology(context: Context) -> int:
    from cin_tui.formats.chronology_format import (
        ChronologyFormatError,
        chronology_format,
        render,
    )
    from models.errors import CaseNotFound

    args = context.args
    out = Path(args.out) if args.out else None
    try:
        kind = chronology_format(out) if out is not None else "markdown"
    except ChronologyFormatError as error:  # said before anything is read
        raise CliError(str(error)) from None
    privacy = bool(getattr(args, "privacy", False))
    with context.existing_service() as service:
        try:
            found = service.chronology(service.known_ref(args.ref))
        except CaseNotFound as error:
            raise CliError(f"{error} `cin due` lists the open cases.") from None
    text = render(found, kind=kind, today=context.today, privacy=privacy)
    if out is None:
        sys.stdout.write(text)
        return 0
    _write(out, text)
    count = len(found.entries)
    print(safe_text(f"Chronology of {found.ref} written to {out}: {count} "
                    f"event{'s' if count != 1 else ''}"
                    + (", names as initials." if privacy else ".")))
    return 0


def _write(path: Path, text: str) -> None:
    from models.private_files import write_private_file

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"{path}: the folder {folder} does not exist; create it or choose "
                       "another place for the chronology")
    try:
        write_private_file(path, text.encode("utf-8"))
    except OSError as error:
        raise CliError(f"{path}: cannot write the chronology ({error.strerror or error})") from None
