"""Backups through SQLite's online backup API (safe while the database is in use), rotation,
and restore with an integrity check first. Every file made here is private to its owner (0600).

Automatic backups go to a `backups` folder next to the database, named
`cin-YYYYMMDD-HHMMSS-ffffff-<reason>.db` (UTC, to the microsecond), so they sort oldest first by name.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine

from models import errors

BACKUP_FOLDER_NAME = "backups"
_BACKUP_NAME = re.compile(r"^cin-\d{8}-\d{6}-\d{6}(-[a-z0-9-]+)?\.db$")


def default_backup_folder(database: Path) -> Path:
    return Path(database).parent / BACKUP_FOLDER_NAME


def backup_database(source: Engine | Path | str, dest: Path | str) -> Path:
    """Copy the database `source` (an engine or a file path) to the file `dest` and return it.

    Uses the backup API, so a copy taken while another connection is writing is consistent.
    """
    source_path = _path_of(source)
    dest = Path(dest)
    _make_private_folder(dest.parent)
    if not source_path.exists():
        raise errors.DatabaseError(
            source_path, "There is no database file to back up", "Check the path and try again."
        )
    _create_private_file(dest)
    try:
        with _connect(source_path) as src, _connect(dest) as out:
            src.backup(out)
            # A self-contained single file (no -wal/-shm needed), easy to copy or keep offline.
            out.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise _as_database_error(exc, source_path) from exc
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
    database = Path(database)
    if not database.exists() or database.stat().st_size == 0:
        return None
    folder = folder or default_backup_folder(database)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S-%f")
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    dest = folder / f"cin-{stamp}{'-' + slug if slug else ''}.db"
    backup_database(database, dest)
    rotate_backups(folder, keep)
    return dest


def rotate_backups(folder: Path | str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups in `folder`; returns what was deleted.

    Only files named like automatic backups are touched, so a user's own files are safe."""
    folder = Path(folder)
    backups = list_backups(folder)
    doomed = backups[: max(len(backups) - max(keep, 0), 0)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def list_backups(folder: Path | str) -> list[Path]:
    """Automatic backups in `folder`, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _BACKUP_NAME.match(p.name))


def latest_backup(folder: Path | str) -> Path | None:
    backups = list_backups(folder)
    return backups[-1] if backups else None


def integrity_problems(path: Path | str) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong with the file (empty when it is sound)."""
    try:
        with _connect(Path(path)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        return [str(exc)]
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def restore_database(
    src: Path | str,
    dest: Path | str,
    *,
    actor: str = "cin",
    keep: int = 10,
    backup_folder: Path | None = None,
) -> Path | None:
    """Replace the database `dest` with the backup `src`.

    Checks `src` first (PRAGMA integrity_check) and refuses a damaged file; backs up what it
    replaces (returned, or None when `dest` did not exist); migrates the restored data to the
    current schema; records the restore in the restored database's audit log.
    """
    src, dest = Path(src), Path(dest)
    if not src.is_file():
        raise errors.DatabaseError(
            src, "The backup file does not exist", "Check the path and try again."
        )
    if integrity_problems(src):
        raise errors.DatabaseCorrupt(src, latest_backup(default_backup_folder(dest)))
    if dest.exists() and integrity_problems(dest):
        replaced = _move_damaged_aside(dest, backup_folder or default_backup_folder(dest))
    else:
        replaced = automatic_backup(
            dest, reason="before-restore", keep=keep, folder=backup_folder
        )
    _make_private_folder(dest.parent)
    if not dest.exists():
        _create_private_file(dest)
    try:
        with _connect(src) as source, _connect(dest) as target:
            source.backup(target)
    except sqlite3.Error as exc:
        raise _as_database_error(exc, dest) from exc
    _record_restore(dest, src, replaced, actor)
    return replaced


def _record_restore(dest: Path, src: Path, replaced: Path | None, actor: str) -> None:
    from models.audit import record
    from models.db import open_database, session_scope

    engine = open_database(dest, backup_folder=None)
    try:
        with session_scope(engine) as session:
            record(
                session,
                actor=actor,
                action="restore",
                case_ref=None,
                summary=f"Restored the database from {src}",
                before={"replaced_copy_kept_at": str(replaced) if replaced else None},
                after={"restored_from": str(src)},
            )
    finally:
        engine.dispose()


def _move_damaged_aside(database: Path, folder: Path) -> Path:
    """A damaged file cannot go through the backup API: keep its bytes as they are instead."""
    _make_private_folder(folder)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    kept = folder / f"cin-{stamp}-damaged.db"
    os.replace(database, kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return kept


def _connect(path: Path) -> _Closing:
    return _Closing(sqlite3.connect(path))


class _Closing:
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


def _make_private_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise errors.DatabaseFolderNotWritable(folder, exc.strerror or str(exc)) from exc


def _create_private_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise errors.DatabaseFolderNotWritable(path.parent, exc.strerror or str(exc)) from exc
    os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT


def _as_database_error(exc: sqlite3.Error, path: Path) -> errors.DatabaseError:
    from models.db import translate_error

    return translate_error(exc, path) or errors.DatabaseWriteFailed(path, str(exc))
