"""`cin backup [FILE]`, `cin audit [REF]` and `cin repair-audit-guard`: keeping the data safe
and every change traceable.

(`cin restore BACKUP` lives in `cin_tui.cli`.) Both commands work through `models`: the backup
through SQLite's backup API (`models.backup`, safe while another copy of cin is running), the
audit trail through `models.queries.audit_log`. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from policies.safe_text import safe_text


def add_maintenance_commands(commands: argparse._SubParsersAction,
                             common: argparse.ArgumentParser) -> None:
    """Add `backup` and `audit` to the `cin` command's subcommands."""
    backup = commands.add_parser(
        "backup", parents=[common], help="copy the database to a backup file (safe at any time)",
        description="Copy the database through SQLite's backup API, which is safe while cin is "
                    "open elsewhere. The database is checked first, so a damaged one is not "
                    "copied over good backups. Without FILE the copy goes into "
                    "backups/<database file name>/ beside the database, where the newest "
                    "routine backups are kept (backups_to_keep in settings.toml; copies kept "
                    "because of damage or before a restore are never deleted). The file is "
                    "readable by you only; put it back with `cin restore FILE`.",
    )
    backup.add_argument("file", metavar="FILE", nargs="?",
                        help="where to write the copy (a new file; default: the backups folder)")
    backup.set_defaults(run=run_backup)

    audit = commands.add_parser(
        "audit", parents=[common], help="show who changed what, and when",
        description="Print the audit trail, oldest first: every import, form save, meeting, "
                    "closure, oversight note and restore, with the time (this computer's clock), "
                    "the worker, the case and what changed. Audit entries are never changed or "
                    "deleted.",
    )
    audit.add_argument("ref", metavar="REF", nargs="?", help="only this case's history")
    audit.add_argument("--changes", action="store_true",
                       help="also list each changed field with its value before and after")
    audit.add_argument("--last", metavar="N", type=_count,
                       help="only the N most recent entries")
    audit.add_argument("--json", action="store_true",
                       help="print a JSON array with every field, before and after in full")
    audit.set_defaults(run=run_audit)

    guard = commands.add_parser(
        "repair-audit-guard", parents=[common],
        help="put back the audit trail's guard if it was removed",
        description="The audit trail is protected by two triggers that refuse changing or "
                    "deleting entries. If they are removed (with the sqlite3 shell, say), cin "
                    "refuses to save changes until they are back. This puts them back and "
                    "records that in the audit trail.",
    )
    guard.set_defaults(run=run_repair_audit_guard)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give a number from 1 up")
    return value


# cin backup


def run_backup(context) -> int:  # context: cin_tui.cli.Context
    from cin_tui.cli_errors import CliError
    from models import errors
    from models.backup import (
        advised_backup,
        automatic_backup,
        backup_database,
        integrity_problems,
    )

    database = context.database_file("cin backup")
    context.check_database()
    if integrity_problems(database):
        advice = advised_backup(database)
        raise (errors.DatabaseCorrupt(database, advice[0], advice[1].describe()) if advice
               else errors.DatabaseCorrupt(database))
    if context.args.file is None:
        written = automatic_backup(database, reason="by-hand",
                                   keep=context.settings.backups_to_keep)
        if written is None:
            raise CliError(f"the database {database} is empty; there is nothing to back up.")
    else:
        written = Path(context.args.file).expanduser()
        if written.resolve() == database.resolve():
            raise CliError(f"{written} is the database itself; give another file name.")
        if written.exists():
            raise CliError(f"{written} already exists; give a new file name (cin does not "
                           "overwrite files when backing up).")
        backup_database(database, written)
    print(f"Backed up {database} to {written}.")
    return 0


# cin repair-audit-guard


def run_repair_audit_guard(context) -> int:  # context: cin_tui.cli.Context
    from models.recovery import repair_audit_guard

    database = context.database_file("cin repair-audit-guard")
    context.check_database()
    repaired = repair_audit_guard(database, actor=context.settings.worker)
    if not repaired:
        print(f"The audit guard of {database} is in place; nothing to repair.")
    else:
        print(f"Put back the audit guard of {database} ({', '.join(repaired)}); "
              "this is recorded in the audit trail. Entries changed or deleted while it was "
              "off cannot be known from this database: compare with a backup if in doubt.")
    return 0


# cin audit


def run_audit(context) -> int:  # context: cin_tui.cli.Context
    from cin_tui.cli_errors import CliError

    args = context.args
    with context.existing_service() as service:
        ref = service.known_ref(args.ref) if args.ref else None
        entries = service.audit_entries(ref, newest_first=args.last is not None, limit=args.last)
    if args.last is not None:
        entries.reverse()  # the newest N, still printed oldest first
    if ref is not None and not entries:
        raise CliError(f"nothing is recorded for a case with reference {ref!r}. "
                       "`cin due` lists the open cases.")
    if args.json:
        sys.stdout.write(json.dumps([_as_json(e) for e in entries], indent=2) + "\n")
    else:
        sys.stdout.write(audit_text(entries, changes=args.changes))
    return 0


def audit_text(entries: list, *, changes: bool = False) -> str:
    """The audit trail as lines of text: when, who, which case, what (and optionally the fields)."""
    if not entries:
        return "Nothing has been recorded yet.\n"
    rows = [(_local_time(e.at), _visible(e.actor), _visible(e.case_ref or "-"), _visible(e.summary))
            for e in entries]
    widths = [max(len(r[i]) for r in [*rows, ("When", "Who", "Case", "")]) for i in range(3)]
    header = "  ".join(
        h.ljust(w) for h, w in zip(("When", "Who", "Case"), widths, strict=True)) + "  What"
    lines = [header, "  ".join("-" * w for w in widths) + "  " + "-" * 4]
    for entry, row in zip(entries, rows, strict=True):
        # The first three cells in their columns (the fourth, What, is not padded).
        lines.append(
            "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)) + "  " + row[3])
        if changes:
            indent = " " * (sum(widths) + 2 * len(widths))
            lines += [indent + line for line in changed_fields(entry.before, entry.after)]
    return "\n".join(lines) + "\n"


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    """`field: old -> new` for each field that differs; just `field: value` for a new record."""
    before, after = before or {}, after or {}
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key not in before:
            if new is not None:
                lines.append(f"{key}: {_show(new)}")
        elif key not in after:
            lines.append(f"{key}: {_show(old)} -> (removed)")
        else:
            lines.append(f"{key}: {_show(old)} -> {_show(new)}")
    return lines


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = _visible(text)
    return text if len(text) <= 80 else text[:77] + "..."


def _visible(text: str) -> str:
    # Values typed by people may hold control characters: never send them to the terminal raw.
    # One line per entry, so a line break in a note reads as a space.
    return safe_text(text.replace("\r\n", " ").replace("\n", " "))


def _local_time(at: datetime) -> str:
    if at.tzinfo is None:  # stored in UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone().strftime("%d %b %Y %H:%M")


def _as_json(entry) -> dict[str, Any]:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    return {"id": entry.id, "at": at.isoformat(), "actor": entry.actor, "action": entry.action,
            "case_ref": entry.case_ref, "summary": entry.summary, "before": entry.before,
            "after": entry.after}
