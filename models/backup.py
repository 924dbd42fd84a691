"""Backups through SQLite's online backup API (safe while the database is in use), rotation,
and the choice of a backup to advise (models.recovery restores one). Every file made here is
private to its owner (0600).

Backups belong to their database: those of `<folder>/cin.db` go to `<folder>/backups/cin.db/`,
named `cin-YYYYMMDD-HHMMSS-ffffff-<reason>.db` (UTC, to the microsecond) so they sort oldest
first by name. Rotation deletes only routine backups (before an import or a migration, or by
hand); a copy kept because the database was damaged or before a restore is never deleted
automatically. A backup cin advises is checked first: sound, a cin database, and (where the
database still says which caseload it is) of the same caseload.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from models import errors
from models.identity import Facts, NotCin, read_facts
from models.sqlite_errors import translate_error

BACKUP_FOLDER_NAME = "backups"
_BACKUP_NAME = re.compile(r"^cin-\d{8}-\d{6}-\d{6}(-[a-z0-9-]+)?\.db$")
# The reasons rotation may delete; anything else ("damaged", "before-restore") is kept.
ROUTINE_REASONS = ("before-import", "before-migration", "by-hand")
ADVICE_CANDIDATES = 20  # how many backups, newest first, are checked before giving up


def default_backup_folder(database: Path) -> Path:
    """`backups/<database file name>` beside the database: one folder per database."""
    database = Path(database)
    return database.parent / BACKUP_FOLDER_NAME / database.name


def backup_database(source: Engine | Path | str, dest: Path | str) -> Path:
    """Copy the database `source` (an engine or a file path) to the file `dest` and return it.

    Uses the backup API, so a copy taken while another connection is writing is consistent.
    """
    source_path = _path_of(source)
    dest = Path(dest)
    make_private_folder(dest.parent)
    if not source_path.exists():
        raise errors.DatabaseError(
            source_path, "There is no database file to back up", "Check the path and try again."
        )
    create_private_file(dest)
    try:
        with connect_closing(source_path) as src, connect_closing(dest) as out:
            src.backup(out)
            # A self-contained single file (no -wal/-shm needed), easy to copy or keep offline.
            out.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise as_database_error(exc, source_path) from exc
    return dest


def automatic_backup(
    database: Path | str,
    *,
    reason: str,
    keep: int,
    folder: Path | None = None,
    now: datetime | None = None,
) -> Path | None:
    """Back up `database` into `folder` (default: `backups` next to it), then keep the newest
    `keep`. Returns the new file, or None when there is nothing to back up (no file, or empty)."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    database = Path(database)
    if not database.exists() or database.stat().st_size == 0:
        return None
    folder = folder or default_backup_folder(database)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    dest = folder / f"cin-{stamp}{'-' + slug if slug else ''}.db"
    backup_database(database, dest)
    rotate_backups(folder, keep)
    return dest


def rotate_backups(folder: Path | str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` (at least 1) routine backups in `folder`; returns what
    was deleted. Only files named like routine backups are touched, so damaged copies, copies
    taken before a restore and a user's own files are safe."""
    folder = Path(folder)
    backups = [p for p in list_backups(folder) if backup_reason(p) in ROUTINE_REASONS]
    doomed = backups[: max(len(backups) - max(keep, 1), 0)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def list_backups(folder: Path | str) -> list[Path]:
    """Automatic backups in `folder`, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _BACKUP_NAME.match(p.name))


def backup_reason(path: Path) -> str:
    """`before-import` for `cin-20261123-090000-000000-before-import.db`."""
    return Path(path).stem.split("-", 4)[4] if Path(path).stem.count("-") >= 4 else ""


def advised_backup(database: Path | str) -> tuple[Path, Facts] | None:
    """The newest backup of `database` that is safe to advise: sound, a cin database and, when
    `database` can still say which caseload it is, of that caseload. None when there is none."""
    database = Path(database)
    expected = _identity_or_none(database)
    candidates = [p for p in reversed(list_backups(default_backup_folder(database)))
                  if backup_reason(p) != "damaged"]
    for path in candidates[:ADVICE_CANDIDATES]:
        if integrity_problems(path):
            continue
        try:
            facts = read_facts(path)
        except NotCin:
            continue
        # An own backup without identity was taken just before the upgrade that added it.
        if expected is None or facts.identity in (None, expected):
            return path, facts
    return None


def latest_backup(folder: Path | str) -> Path | None:
    backups = list_backups(folder)
    return backups[-1] if backups else None


def integrity_problems(path: Path | str) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong with the file (empty when it is sound)."""
    try:
        with connect_closing(Path(path)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        return [str(exc)]
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def _identity_or_none(path: Path) -> str | None:
    from models.identity import read_identity

    return read_identity(path) if path.is_file() else None


def connect_closing(path: Path) -> ClosingConnection:
    return ClosingConnection(sqlite3.connect(path))


class ClosingConnection:
    """sqlite3.Connection's own context manager commits but does not close."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _path_of(source: Engine | Path | str) -> Path:
    if isinstance(source, Engine):
        return Path(source.url.database or "")
    return Path(source)


def make_private_folder(folder: Path) -> None:
    """Make `folder` and any missing parents 0700 (mkdir(parents=True) would use the umask)."""
    try:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for path in reversed(missing):
            path.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise errors.DatabaseFolderNotWritable(folder, exc.strerror or str(exc)) from exc


def create_private_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise errors.DatabaseFolderNotWritable(path.parent, exc.strerror or str(exc)) from exc
    os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT


def as_database_error(exc: sqlite3.Error, path: Path) -> errors.DatabaseError:
    return (translate_error(exc, path, advise=advised_backup)
            or errors.DatabaseWriteFailed(path, str(exc)))
