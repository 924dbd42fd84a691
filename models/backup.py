"""Backups through SQLite's online backup API (safe while the database is in use), rotation,
and restore with every check made before the live file is touched. Every file made here is
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
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, text

from models import errors
from models.identity import Facts, NotCin, check_cin_file, read_facts

BACKUP_FOLDER_NAME = "backups"
_BACKUP_NAME = re.compile(r"^cin-\d{8}-\d{6}-\d{6}(-[a-z0-9-]+)?\.db$")
# The reasons rotation may delete; anything else ("damaged", "before-restore") is kept.
ROUTINE_REASONS = ("before-import", "before-migration", "by-hand")
_ADVICE_CANDIDATES = 20  # how many backups, newest first, are checked before giving up


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
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
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
    for path in candidates[:_ADVICE_CANDIDATES]:
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
        with _connect(Path(path)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        return [str(exc)]
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


@dataclass(frozen=True)
class RestoreResult:
    backup: Facts               # the restored backup, as it was checked
    replaced: Path | None       # where the database it replaced is kept (None: there was none)
    carried_entries: int        # audit entries of the replaced database added after the backup


def restore_database(
    src: Path | str,
    dest: Path | str,
    *,
    actor: str = "cin",
    keep: int = 10,
    backup_folder: Path | None = None,
    other_caseload: bool = False,
) -> RestoreResult:
    """Replace the database `dest` with the backup `src`.

    Before `dest` is touched: `src` must be a sound cin database of a schema this version knows,
    of the same caseload as `dest` (unless `other_caseload`); the restored copy is built and
    migrated in a file beside `dest`, and receives the audit entries `dest` has that the backup
    lacks, then an entry for the restore itself, so the trail is never shortened. Only then is
    `dest` kept (a `before-restore` copy, or its bytes moved aside as `damaged` when it cannot be
    read) and replaced. Neither copy is ever rotated out.
    """
    from models.migrate import known_revision

    src, dest = Path(src).expanduser(), Path(dest).expanduser()
    folder = backup_folder or default_backup_folder(dest)
    if not src.is_file():
        raise errors.DatabaseError(
            src, "The backup file does not exist", "Check the path and try again."
        )
    if src.resolve() == dest.resolve():
        raise errors.RestoreRefused(src, "This is the database itself, not a backup of it",
                                    "Give the path of a backup file.")
    facts = _checked_backup(src, dest)
    if facts.revision is None or not known_revision(facts.revision):
        raise errors.RestoreRefused(
            src, f"The backup was made by a newer version of cin (schema {facts.revision})",
            "Install that version of cin to restore it; this version cannot read it.")
    live = _live_state(dest)
    expected = live.identity if live.identity else _identity_of_own_backups(dest)
    # Backups are kept per database only since identities exist, so one in this database's own
    # folder without an identity is the copy taken just before the upgrade that added it.
    own_legacy = facts.identity is None and _same_folder(src.parent, folder)
    if (expected is not None and facts.identity != expected and not own_legacy
            and not other_caseload):
        raise errors.RestoreRefused(src, *_other_caseload_message(src, facts, live))
    carried: list[tuple] = []
    building = dest.with_name(f".{dest.name}.restoring-{uuid.uuid4().hex[:8]}")
    _make_private_folder(dest.parent)
    try:
        _create_private_file(building)
        _copy(src, building)
        with _Closing(sqlite3.connect(building)) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
        _prepare_restored(building, keep)
        same_caseload = expected is None or facts.identity in (None, expected)
        if live.entries and same_caseload:
            carried = _missing_entries(building, live.entries)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        replaced = (None if not dest.exists() else
                    folder / f"cin-{stamp}-{'before-restore' if live.sound else 'damaged'}.db")
        _write_restore_entries(building, carried, src=src, facts=facts, actor=actor,
                               identity=expected if facts.identity is None else None,
                               replaced=replaced, replaced_facts=live.describe)
        # Every check has passed and the restored copy is complete: now the live file.
        if replaced is not None and live.sound:
            backup_database(dest, replaced)
        elif replaced is not None:
            _move_damaged_aside(dest, replaced)
        if not dest.exists():
            _create_private_file(dest)
        _copy(building, dest)
    finally:
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm"),
                         Path(f"{building}-journal")):
            leftover.unlink(missing_ok=True)
    return RestoreResult(backup=facts, replaced=replaced, carried_entries=len(carried))


def _checked_backup(src: Path, dest: Path) -> Facts:
    def corrupt() -> errors.DatabaseCorrupt:
        advice = advised_backup(dest)
        return (errors.DatabaseCorrupt(src, advice[0], advice[1].describe()) if advice
                else errors.DatabaseCorrupt(src))

    try:
        check_cin_file(src)
    except NotCin as not_cin:
        if not_cin.damaged:
            raise corrupt() from None
        raise errors.RestoreRefused(
            src, f"This file is {not_cin.found}, not a cin backup",
            "Give a backup cin made (`cin backup`, or one in the backups folder beside the "
            "database).") from None
    if integrity_problems(src):
        raise corrupt()
    try:
        return read_facts(src)
    except NotCin:
        raise corrupt() from None


@dataclass
class _Live:
    sound: bool = False          # a readable cin database that can be copied with the backup API
    identity: str | None = None
    facts: Facts | None = None
    entries: list[tuple] | None = None  # its audit entries, oldest first

    @property
    def describe(self) -> str:
        return self.facts.describe() if self.facts else "it could not be read"


def _live_state(dest: Path) -> _Live:
    if not dest.exists():
        return _Live()
    if dest.is_dir():
        raise errors.DatabaseFolderNotWritable(dest, "this is a folder, not a file")
    try:
        check_cin_file(dest)
    except NotCin as not_cin:
        if not (not_cin.damaged or dest.stat().st_size == 0):
            raise errors.RestoreRefused(
                dest, f"The database path holds {not_cin.found}, not a cin database",
                "cin will not replace another program's file: restore to another path with "
                "--db PATH or CIN_DB.") from None
        return _Live()
    sound = not integrity_problems(dest)
    try:
        facts = read_facts(dest)
    except NotCin:
        return _Live(sound=False)
    return _Live(sound=sound, identity=facts.identity, facts=facts,
                 entries=_audit_entries(dest))


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _identity_of_own_backups(dest: Path) -> str | None:
    """Which caseload a database that cannot say was: its newest sound backup that says."""
    for path in list(reversed(list_backups(default_backup_folder(dest))))[:_ADVICE_CANDIDATES]:
        if backup_reason(path) == "damaged" or integrity_problems(path):
            continue
        try:
            identity = read_facts(path).identity
        except NotCin:
            continue
        if identity is not None:
            return identity
    return None


def _other_caseload_message(src: Path, facts: Facts, live: _Live) -> tuple[str, str]:
    this = f"this database: {live.describe}" if live.facts else "its own backups"
    if facts.identity is None:
        what = (f"cin cannot tell that this backup ({facts.describe()}) is of this caseload: "
                f"it was made before cin recorded which caseload a backup belongs to ({this})")
    else:
        what = (f"This backup ({facts.describe()}) is of a different caseload from the one it "
                f"would replace ({this})")
    return what, ("Check you have the right backup and the right --db. If you really mean to "
                  "replace this caseload with it, run `cin restore --other-caseload "
                  f"{src}`; the database it replaces is kept.")


_AUDIT_COLUMNS = "at, actor, action, case_ref, summary, before, after"


def _audit_entries(path: Path) -> list[tuple] | None:
    try:
        with _Closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as c:
            return c.execute(f"SELECT {_AUDIT_COLUMNS} FROM audit_log ORDER BY id").fetchall()
    except sqlite3.Error:
        return None


def _missing_entries(restored: Path, live: list[tuple]) -> list[tuple]:
    """The live entries the restored copy does not have, oldest first."""
    have = {entry[:5] for entry in _audit_entries(restored) or []}
    return [entry for entry in live if entry[:5] not in have]


def _prepare_restored(building: Path, keep: int) -> None:
    """Migrate the restored copy and put back an audit guard that was missing from it."""
    from models.db import make_engine, translate_errors
    from models.guard import create_guard_sql, missing_guard_triggers
    from models.migrate import migrate_to_head

    engine = make_engine(building)
    try:
        with translate_errors(building):
            migrate_to_head(engine, backups_kept=keep, backup_before=False)
            missing = missing_guard_triggers(engine)
            with engine.begin() as connection:
                for name in missing:
                    connection.exec_driver_sql(create_guard_sql(name))
    finally:
        engine.dispose()


def _write_restore_entries(building: Path, carried: list[tuple], *, src: Path, facts: Facts,
                           actor: str, identity: str | None, replaced: Path | None,
                           replaced_facts: str) -> None:
    from models.audit import record
    from models.db import make_engine, session_scope

    engine = make_engine(building)
    try:
        with session_scope(engine) as session:
            connection = session.connection()
            if carried:
                connection.execute(
                    text("INSERT INTO audit_log (at, actor, action, case_ref, summary, before, "
                         "after) VALUES (:at, :actor, :action, :case_ref, :summary, :before, "
                         ":after)"),
                    [dict(zip(("at", "actor", "action", "case_ref", "summary", "before",
                               "after"), entry)) for entry in carried],
                )
            if identity is not None:  # a backup made before identities: it is this caseload
                connection.execute(text("UPDATE database_identity SET uuid = :uuid"),
                                   {"uuid": identity})
            record(
                session, actor=actor, action="restore", case_ref=None,
                summary=(f"Restored the database from {src} ({facts.describe()}); "
                         f"{len(carried)} audit entr{'y' if len(carried) == 1 else 'ies'} made "
                         "after the backup kept; their changes are not in the restored data"),
                before={"replaced": replaced_facts,
                        "replaced_copy_kept_at": str(replaced) if replaced else None},
                after={"restored_from": str(src), "backup_identity": facts.identity,
                       "carried_audit_entries": len(carried)},
            )
    finally:
        engine.dispose()
    with _Closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")


def _copy(src: Path, dest: Path) -> None:
    try:
        with _connect(src) as source, _connect(dest) as target:
            source.backup(target)
    except sqlite3.Error as exc:
        raise _as_database_error(exc, dest) from exc


def _identity_or_none(path: Path) -> str | None:
    from models.identity import read_identity

    return read_identity(path) if path.is_file() else None


def _move_damaged_aside(database: Path, kept: Path) -> Path:
    """A damaged file cannot go through the backup API: keep its bytes as they are instead."""
    _make_private_folder(kept.parent)
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
    """Make `folder` and any missing parents 0700 (mkdir(parents=True) would use the umask)."""
    try:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for path in reversed(missing):
            path.mkdir(mode=0o700, exist_ok=True)
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
