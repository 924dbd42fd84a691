"""`cin sync` and `cin resolve`: an offline laptop and its team server (issue 14).

The laptop's database (--db / CIN_DB / the default file) is its replica; the team server is
`[team] server` in settings.toml, or --server. The work is models/sync_*.py, reached through
`CaseloadService.sync_with` and friends, as the sync screen reaches it.
"""

from __future__ import annotations

import argparse
import json
import sys
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

    @property
    def database_path(self) -> Path | ServerUrl: ...

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
                    "a new, empty database file (--db ~/cin-team.db). Each step is shown on "
                    "stderr as it happens; the result goes to stdout.",
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


def _replica(context: Context) -> None:
    """The laptop's own file; --db naming the team server itself is a mistake worth a word."""
    from pathlib import Path

    if not isinstance(context.database_path, Path):
        raise CliError("cin sync works on this laptop's own file (its copy of the team's "
                       f"cases); --db / CIN_DB names the team server itself "
                       f"({context.database_path}). Give the file with --db PATH and the server "
                       "with --server URL or [team] server in settings.toml.")


def run_sync(context: Context) -> int:
    from models.sync_local import SyncError
    from models.sync_words import report_lines, tls_warning, waiting_lines

    args = context.args
    _replica(context)
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
            print(visible("\n".join(waiting_lines(*waiting) or ["Nothing waiting: no "
                                                                 "conflicts, no refusals."])))
        return 0
    server = team_server(args.server, context.settings)
    if (warning := tls_warning(str(server))) is not None:
        print(visible(f"cin: {warning}"), file=sys.stderr)
    def progress(_point: str, words: str) -> None:
        # Each step as it happens, on stderr: stdout stays the report (or clean --json).
        if words:
            print(visible(f"  {words}"), file=sys.stderr, flush=True)

    print(visible(f"Syncing with {server}..."), file=sys.stderr, flush=True)
    try:
        with context.service as service:
            report = service.sync_with(server, checkpoint=progress)
    except SyncError as error:
        raise CliError(f"cin sync: {error}") from None
    if args.json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print(visible("\n".join(report_lines(report))))
    return 0


def run_resolve(context: Context) -> int:
    from models.sync_words import choice_words

    args = context.args
    _replica(context)
    with context.existing_service() as service:
        conflict = service.resolve_conflict(args.conflict, keep=args.keep)
    print(visible(choice_words(conflict, args.keep)))
    return 0


def _conflict_json(c: ConflictView) -> dict[str, Any]:
    from models.sync_case_fields import record_value_words
    from models.sync_words import field_words

    def said(value: Any) -> str:
        return record_value_words(c.record_type, c.field, value)

    return {"id": c.id, "ref": c.ref, "record_type": c.record_type, "record_uid": c.record_uid,
            "field": c.field, "base": c.base, "server": c.server, "laptop": c.laptop,
            "words": {"field": field_words(c), "base": said(c.base), "server": said(c.server),
                      "laptop": said(c.laptop)}}


def _refusal_json(r: RefusalView) -> dict[str, Any]:
    return {"id": r.id, "ref": r.ref, "summary": r.summary, "reason": r.reason,
            "refused_at": r.refused_at.isoformat(), "change": r.change.as_json()}


def report_json(report: SyncReport) -> dict[str, Any]:
    return {"server": report.server, "first": report.first, "sent": report.sent,
            "already": report.already, "refused": report.refused, "fetched": report.fetched,
            "removed": report.removed,
            "conflicts": [_conflict_json(c) for c in report.conflicts],
            "refusals": [_refusal_json(r) for r in report.refusals]}

