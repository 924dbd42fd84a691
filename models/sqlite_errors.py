"""SQLite's low-level failures as the user's `models.errors.DatabaseError`s."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models import errors
from models.guard import GUARD_MISSING
from models.identity import Facts

# Finds the backup to suggest for a damaged database (models.backup.advised_backup).
Advice = Callable[[Path], "tuple[Path, Facts] | None"]

__all__ = ["Advice", "translate_error"]


def translate_error(
    exc: BaseException, path: Path | None, *, advise: Advice
) -> errors.DatabaseError | None:
    """The user-facing error for a SQLite failure, or None when it is not one a user can fix.
    `advise(path)` finds the backup to suggest for a damaged file (models.backup.advised_backup,
    passed in because making backups needs this translation too)."""
    original = getattr(exc, "orig", None) or exc
    message = str(original).lower()
    if _server_connection_failed(original, message):
        return errors.ServerUnreachable(str(original).strip().splitlines()[0])
    if ("database is locked" in message or "database table is locked" in message
            or "busy" in message or "lock timeout" in message):  # the last: PostgreSQL's
        return errors.DatabaseLocked(path)
    if "readonly database" in message or "read-only" in message:
        return errors.DatabaseReadOnly(path)
    if "file is not a database" in message or "malformed" in message or "encrypted" in message:
        return _corrupt(path, advise)
    if "unable to open database file" in message:
        return errors.DatabaseFolderNotWritable(path.parent if path else None, str(original))
    if "disk i/o error" in message or "disk is full" in message:
        return errors.DatabaseWriteFailed(path, str(original))
    if "cin_case_has_team" in message:  # a team server's constraint (models/server_sql.py)
        return errors.CaseNeedsTeam()
    if getattr(original, "sqlstate", None) == "42501":  # PostgreSQL: insufficient privilege
        return errors.NotPermitted(str(original).strip().splitlines()[0])
    if GUARD_MISSING in message:
        missing = str(original).split(GUARD_MISSING + ":", 1)[-1].strip()
        return errors.AuditGuardMissing(path, [m.strip() for m in missing.split(",") if m.strip()])
    return None


def _server_connection_failed(original: BaseException, message: str) -> bool:
    """psycopg could not connect (checked by name: psycopg is only there in team mode)."""
    kind = type(original)
    return (kind.__module__.startswith("psycopg") and kind.__name__ == "OperationalError"
            and ("connection" in message or "password" in message))


def _corrupt(path: Path | None, advise: Advice) -> errors.DatabaseCorrupt:
    if path is None:
        return errors.DatabaseCorrupt(None)
    advice = advise(path)
    return (errors.DatabaseCorrupt(path, advice[0], advice[1].describe()) if advice
            else errors.DatabaseCorrupt(path))
