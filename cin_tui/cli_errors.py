"""The error every `cin` subcommand raises for a problem with what the user asked for, the
lookup of the case a command line names, which raises it, and the reading of a `--within`
number of days that `cin due` and `cin calendar` share."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.queries import CaseDetail
    from models.service import CaseloadService


class CliError(Exception):
    """A problem with what the user asked for; the message says what to do instead."""


def whole_days(text: str) -> int:
    """A `--within N` value (`cin due`, `cin calendar`): a whole number of days from 0 up."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError("give a number of days from 0 up")
    return value


def named_case(service: CaseloadService, typed_ref: str) -> CaseDetail:
    """The case whose ref was typed (in any letter case), or a CliError saying how to find it."""
    from models.errors import CaseNotFound

    try:
        return service.case_detail(service.known_ref(typed_ref))
    except CaseNotFound as error:
        raise CliError(f"{error} `cin due` lists the open cases.") from None


# --- saving against the version a user saw (models/versions.py) ----------------------------


def add_expect_version(parser: argparse.ArgumentParser) -> None:
    """`--expect-version N`: save only if the case is still at version N."""
    parser.add_argument(
        "--expect-version", metavar="N", type=int, dest="expect_version", default=None,
        help="save only if the case is still at version N, as `cin history REF` showed it; "
             "if anyone changed the case since, nothing is saved and cin says who changed "
             "what and when (without it, the change applies to the case as it is now)")


@contextmanager
def version_checked(ref: str) -> Iterator[None]:
    """A save refused because case `ref` changed since the version expected, as a CliError
    saying who changed what and when, and what to do."""
    from models.errors import ChangedMeanwhile

    try:
        yield
    except ChangedMeanwhile as changed:
        raise CliError(
            f"{changed.what_happened} Nothing was saved. Check the case with `cin history "
            f"{ref}`, then run the command again with --expect-version {changed.current} (or "
            "without --expect-version to apply it to the case as it is now).") from None
