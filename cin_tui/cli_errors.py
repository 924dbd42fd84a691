"""The error every `cin` subcommand raises for a problem with what the user asked for, and the
lookup of the case a command line names, which raises it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.queries import CaseDetail
    from models.service import CaseloadService


class CliError(Exception):
    """A problem with what the user asked for; the message says what to do instead."""


def named_case(service: CaseloadService, typed_ref: str) -> CaseDetail:
    """The case whose ref was typed (in any letter case), or a CliError saying how to find it."""
    from models.errors import CaseNotFound

    try:
        return service.case_detail(service.known_ref(typed_ref))
    except CaseNotFound as error:
        raise CliError(f"{error} `cin due` lists the open cases.") from None
