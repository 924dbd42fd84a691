"""`cin sync` and `cin resolve`: an offline laptop and its team server (issue 14).

The laptop's database (--db / CIN_DB / the default file) is its replica; the team server is
`[team] server` in settings.toml, or --server. The work is models/sync_*.py, reached through
`CaseloadService.sync_with` and friends, as the sync screen reaches it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from cin_tui.cli_errors import CliError
from policies.safe_text import safe_text

if TYPE_CHECKING:
    from pathlib import Path

    from cin_tui.settings import Settings
    from models.location import ServerUrl
    from models.service import CaseloadService
    from models.sync_local import ConflictView, RefusalView
    from models.sync_run import SyncReport


class Context(Protocol):
    """What these commands use of `cin_tui.cli.Context`."""

    args: argparse.Namespace

    @property
    def settings(self) -> Settings: ...

    @property
    def service(self) -> CaseloadService: ...

    def database_file(self, doing: str) -> Path: ...

    def existing_service(self) -> CaseloadService: ...


def visible(message: str) -> str:
    return safe_text(message, multiline=True)


def add_sync_commands(commands: argparse._SubParsersAction,
                      common: argparse.ArgumentParser) -> None:
    """Add `cin sync` and `cin resolve` to the `cin` command's subcommands."""
    sync = commands.add_parser(
        "sync", parents=[common], help="send this laptop's work to the team server and fetch "
                                       "the team's",
        description="Send what was recorded on this laptop since the last sync to the team "
                    "server (the settings' [team] server, or --server), under your own login, "
                    "and bring the cases you may see up to date here. Safe to run again at any "
                    "time: a sync cut off half way sends nothing twice. A field changed both "
                    "here and on the server is a conflict: the server's value stays and yours "
                    "is kept beside it until you choose (`cin resolve`). A change the server "
                    "refuses (say the case was reallocated) is kept here with the reason, tried "
                    "again at every sync, until you let it go (--discard). The first sync needs "
                    "a new, empty database file (--db ~/cin-team.db).",
    )
    sync.add_argument("--server", metavar="URL",
                      help="the team server, e.g. postgresql://cin.council.local/cin?sslmode="
                           "verify-full (default: [team] server in settings.toml)")
    sync.add_argument("--json", action="store_true", help="write the result as JSON")
    sync.add_argument("--conflicts", action="store_true",
                      help="only list the conflicts and refused changes waiting on this laptop "
                           "(no connection to the server)")
    sync.add_argument("--discard", metavar="N", type=int,
                      help="let go of refused change N (from the list); kept in the audit trail")
    sync.set_defaults(run=run_sync)

    resolve = commands.add_parser(
        "resolve", parents=[common], help="choose the server's or this laptop's value of a "
                                          "sync conflict",
        description="Settle sync conflict N (`cin sync --conflicts` lists them): --keep server "
                    "lets this laptop's value go; --keep laptop writes it here and sends it at "
                    "the next `cin sync`. Either choice is audited.",
    )
    resolve.add_argument("conflict", metavar="N", type=int, help="the conflict's number")
    resolve.add_argument("--keep", required=True, choices=("server", "laptop"),
                         help="whose value stays")
    resolve.set_defaults(run=run_resolve)


def team_server(argument: str | None, settings: Settings) -> ServerUrl:
    """--server, else the settings' [team] server; a CliError naming both when neither."""
    from models.location import BadDatabaseLocation, ServerUrl, is_server_url, parse_location

    text = argument if argument is not None else settings.team_server
    if not text:
        raise CliError("no team server named: add `[team]` with `server = \"postgresql://HOST/"
                       "DB?sslmode=verify-full\"` to settings.toml, or give --server URL "
                       "(see docs/deploy.md, \"Offline laptops\").")
    if not is_server_url(text):
        raise CliError(f"--server: expected a postgresql:// URL, got {text!r}.")
    try:
        location = parse_location(text)
    except BadDatabaseLocation as error:
        raise CliError(f"--server: {error}") from None
    assert isinstance(location, ServerUrl)
    return location


def run_sync(context: Context) -> int:
    from models.sync_local import SyncError

    args = context.args
    context.database_file("syncing")  # the replica is a file on this laptop
    if args.conflicts or args.discard is not None:
        service = context.existing_service()
        with service:
            if args.discard is not None:
                discarded = service.discard_refusal(args.discard)
                print(visible(f"Let go of refused change {discarded.id}: {discarded.summary}. "
                              "It stays in this laptop's audit trail."))
                return 0
            waiting = (service.sync_conflicts(), service.sync_refusals())
        if args.json:
            print(json.dumps({"conflicts": [_conflict_json(c) for c in waiting[0]],
                              "refusals": [_refusal_json(r) for r in waiting[1]]}, indent=2))
        else:
            print(visible("\n".join(_waiting_lines(*waiting) or ["Nothing waiting: no "
                                                                  "conflicts, no refusals."])))
        return 0
    server = team_server(args.server, context.settings)
    try:
        with context.service as service:
            report = service.sync_with(server)
    except SyncError as error:
        raise CliError(f"cin sync: {error}") from None
    if args.json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print(visible("\n".join(report_lines(report))))
    return 0


def run_resolve(context: Context) -> int:
    args = context.args
    context.database_file("resolving a sync conflict")
    with context.existing_service() as service:
        conflict = service.resolve_conflict(args.conflict, keep=args.keep)
    kept = conflict.server if args.keep == "server" else conflict.laptop
    then = (" It is sent to the team server at the next `cin sync`." if args.keep == "laptop"
            else "")
    print(visible(f"{conflict.ref}: kept {_whose(args.keep)} value of "
                  f"{_field(conflict)}: {_value(conflict.field, kept)}.{then}"))
    return 0


def report_lines(report: SyncReport) -> list[str]:
    """The sync's result in plain words, what went each way first."""
    lines = [f"Synced with {report.server}."
             + (" First sync: your team's cases are now on this laptop." if report.first
                else "")]
    if report.sent:
        lines.append(f"Sent to the team server ({len(report.sent)}):")
        lines += [f"  {item}" for item in report.sent]
    if report.already:
        lines.append(f"Already on the team server from a sync cut off before: {report.already}.")
    if report.fetched:
        lines.append(f"Brought up to date on this laptop ({len(report.fetched)}): "
                     + ", ".join(report.fetched))
    if report.removed:
        lines.append("Taken off this laptop (the server no longer shows them to you): "
                     + ", ".join(report.removed))
    if not (report.sent or report.already or report.fetched or report.removed
            or report.refused):
        lines.append("Nothing to send or fetch: this laptop and the team server agree.")
    lines += _waiting_lines(report.conflicts, report.refusals)
    return lines


def _waiting_lines(conflicts: Sequence[ConflictView],
                   refusals: Sequence[RefusalView]) -> list[str]:
    lines: list[str] = []
    if conflicts:
        lines.append(f"Conflicts waiting for you ({len(conflicts)}): changed here and on the "
                     "team server; the server's value stays until you choose.")
        for c in conflicts:
            lines.append(f"  {c.id}. {c.ref}, {_field(c)}: team server "
                         f"{_value(c.field, c.server)}, this laptop {_value(c.field, c.laptop)}")
            lines.append(f"     cin resolve {c.id} --keep server   or   "
                         f"cin resolve {c.id} --keep laptop")
    if refusals:
        lines.append(f"Refused by the team server, kept on this laptop ({len(refusals)}); tried "
                     "again at every sync:")
        for r in refusals:
            lines.append(f"  {r.id}. {r.summary}")
            lines.append(f"     why: {r.reason}")
            lines.append(f"     to let it go: cin sync --discard {r.id}")
    return lines


def _whose(keep: str) -> str:
    return "the team server's" if keep == "server" else "this laptop's"


def _field(conflict: ConflictView) -> str:
    from models.sync_local import words

    return words(conflict.record_type, conflict.field)


def _value(field: str, value: Any) -> str:
    from models.history import value_words

    words = value_words(field, value)
    return f"\"{words}\"" if isinstance(value, str) and words == value else words


def _conflict_json(c: ConflictView) -> dict[str, Any]:
    return {"id": c.id, "ref": c.ref, "record_type": c.record_type, "record_uid": c.record_uid,
            "field": c.field, "base": c.base, "server": c.server, "laptop": c.laptop}


def _refusal_json(r: RefusalView) -> dict[str, Any]:
    return {"id": r.id, "ref": r.ref, "summary": r.summary, "reason": r.reason,
            "refused_at": r.refused_at.isoformat(), "change": r.change.as_json()}


def report_json(report: SyncReport) -> dict[str, Any]:
    return {"server": report.server, "first": report.first, "sent": report.sent,
            "already": report.already, "refused": report.refused, "fetched": report.fetched,
            "removed": report.removed,
            "conflicts": [_conflict_json(c) for c in report.conflicts],
            "refusals": [_refusal_json(r) for r in report.refusals]}

