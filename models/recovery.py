"""Putting a database right: restore from a backup, with every check made before the live file
is touched, and putting back a removed audit guard. Both are audited."""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from models import errors
from models.audit import record
from models.backup import (
    ADVICE_CANDIDATES,
    ClosingConnection,
    advised_backup,
    as_database_error,
    backup_database,
    backup_reason,
    connect_closing,
    create_private_file,
    default_backup_folder,
    integrity_problems,
    list_backups,
    make_private_folder,
)
from models.connection import make_engine, session_scope, translate_errors
from models.db import open_database
from models.guard import GUARD_TRIGGERS, create_guard_sql, missing_guard_triggers
from models.identity import Facts, NotCin, check_cin_file, read_facts
from models.migrate import known_revision, migrate_to_head


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
    make_private_folder(dest.parent)
    try:
        create_private_file(building)
        _copy(src, building)
        with ClosingConnection(sqlite3.connect(building)) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
        _prepare_restored(building, keep)
        same_caseload = expected is None or facts.identity in (None, expected)
        if live.entries and same_caseload:
            carried = _missing_entries(building, live.entries)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
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
            create_private_file(dest)
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
    for path in list(reversed(list_backups(default_backup_folder(dest))))[:ADVICE_CANDIDATES]:
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
        read_only = f"{path.resolve().as_uri()}?mode=ro"
        with ClosingConnection(sqlite3.connect(read_only, uri=True)) as c:
            return c.execute(f"SELECT {_AUDIT_COLUMNS} FROM audit_log ORDER BY id").fetchall()
    except sqlite3.Error:
        return None


def _missing_entries(restored: Path, live: list[tuple]) -> list[tuple]:
    """The live entries the restored copy does not have, oldest first."""
    have = {entry[:5] for entry in _audit_entries(restored) or []}
    return [entry for entry in live if entry[:5] not in have]


def _prepare_restored(building: Path, keep: int) -> None:
    """Migrate the restored copy and put back an audit guard that was missing from it."""

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
                               "after"), entry, strict=True)) for entry in carried],
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
    with ClosingConnection(sqlite3.connect(building)) as driver_connection:
        driver_connection.execute("PRAGMA journal_mode=DELETE")


def _copy(src: Path, dest: Path) -> None:
    try:
        with connect_closing(src) as source, connect_closing(dest) as target:
            source.backup(target)
    except sqlite3.Error as exc:
        raise as_database_error(exc, dest) from exc


def _move_damaged_aside(database: Path, kept: Path) -> Path:
    """A damaged file cannot go through the backup API: keep its bytes as they are instead."""
    make_private_folder(kept.parent)
    os.replace(database, kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return kept




def repair_audit_guard(path: Path | str, *, actor: str) -> list[str]:
    """Put back the guard triggers missing from the database at `path`, in one transaction
    with an audit entry saying so. Returns the triggers put back (empty: nothing was missing)."""

    open_database(path).dispose()  # a cin database, migrated; refuses anything else
    engine = make_engine(Path(path).expanduser())
    try:
        with session_scope(engine) as session:
            present = {row[0] for row in session.connection().execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            ))}
            missing = [name for name in GUARD_TRIGGERS if name not in present]
            if not missing:
                return []
            for name in missing:
                session.connection().exec_driver_sql(create_guard_sql(name))
            record(
                session, actor=actor, action="repair_audit_guard", case_ref=None,
                summary=("Put back the audit guard (" + ", ".join(missing) + "), which had been "
                         "removed outside cin; entries changed or deleted while it was off cannot "
                         "be known from this database"),
                before={"missing_triggers": missing}, after={"missing_triggers": []},
            )
            return missing
    finally:
        engine.dispose()
