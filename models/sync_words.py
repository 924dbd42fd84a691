"""`cin sync`'s results and choices in plain words, for the command and the sync screen alike
(issue 14). Values are shown as the history shows them (dates the UK way, yes/no); text a
worker typed is quoted. Callers make the lines terminal-safe (policies.safe_text) or show them
as rich Text, never as markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.sync_case_fields import record_value_words
from models.sync_local import ConflictView, RefusalView, words
from models.sync_run import SyncReport


def report_lines(report: SyncReport, *, waiting: bool = True) -> list[str]:
    """The sync's result in plain words, what went each way first, then (`waiting`) the
    conflicts and refusals with the commands that settle them."""
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
    if waiting:
        lines += waiting_lines(report.conflicts, report.refusals)
    return lines


def waiting_lines(conflicts: Sequence[ConflictView],
                   refusals: Sequence[RefusalView]) -> list[str]:
    lines: list[str] = []
    if conflicts:
        lines.append(f"Conflicts waiting for you ({len(conflicts)}): changed here and on the "
                     "team server; the server's value stays until you choose.")
        for c in conflicts:
            lines.append(f"  {c.id}. {conflict_line(c)}")
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


def field_words(conflict: ConflictView) -> str:
    return words(conflict.record_type, conflict.field)


def value_text(record_type: str, field: str, value: Any) -> str:
    shown = record_value_words(record_type, field, value)
    return f"\"{shown}\"" if isinstance(value, str) and shown == value else shown


def conflict_line(c: ConflictView) -> str:
    """"N1, the case's family: team server "Lee-Moss", this laptop "Lee"."""
    return (f"{c.ref}, {field_words(c)}: "
            f"team server {value_text(c.record_type, c.field, c.server)}, "
            f"this laptop {value_text(c.record_type, c.field, c.laptop)}")


def choice_words(conflict: ConflictView, keep: str) -> str:
    """What choosing `keep` ("server" or "laptop") did."""
    kept = conflict.server if keep == "server" else conflict.laptop
    then = (" It is sent to the team server at the next sync." if keep == "laptop" else "")
    return (f"{conflict.ref}: kept {_whose(keep)} value of {field_words(conflict)}: "
            f"{value_text(conflict.record_type, conflict.field, kept)}.{then}")


def tls_warning(server: str) -> str | None:
    """A warning when `server` is reached over the network without libpq checking its
    certificate (sslmode verify-full or verify-ca); None for a local socket or a service name
    (whose settings libpq reads from pg_service.conf)."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(server)
    query = {key.lower(): values[-1] for key, values in parse_qs(parts.query).items()}
    if "service" in query:
        return None
    host = query.get("host") or parts.hostname or ""
    if not host or host.startswith("/") or host in ("localhost", "127.0.0.1", "::1"):
        return None
    if query.get("sslmode", "").lower() in ("verify-full", "verify-ca"):
        return None
    return (f"Warning: the connection to {host} is not checked with TLS: add "
            "sslmode=verify-full (and sslrootcert=) to the server's address; see "
            "docs/deploy.md, \"Offline laptops\".")
