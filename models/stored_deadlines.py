"""Stored deadlines: the one reader, and the keys that say whether what is stored is current.

The engine's output for each case is kept in `case_deadlines` (migration 0003), one row per case:
the deadlines as JSON and `computed_for`, a key of every input besides the case's own facts
(the policy packs, the calendar's days off, today, the amber window, the code that worked them
out). A row is current only when its key equals the key of the inputs in use now, and the
migration's triggers delete a case's row in the same transaction as any change to the case or
anything recorded on it. `models.caseload.refresh_deadlines` (the engine, through the models)
is the only writer; `read_caseload` here is the only reader, used by the CLI and the TUI alike.

This module uses the standard library only: `cin due` and the TUI's first paint read stored
deadlines through a plain `sqlite3` connection without importing SQLAlchemy, SQLModel, Alembic,
pydantic or holidays. `fast_caseload` returns None whenever anything is not current (an old
schema, a case not yet worked out for today, edited settings files), and the caller then takes
the full path, which works everything out and stores it before answering.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
from collections.abc import Collection, Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

from models.rows import CaseloadRow, CaseSummary, caseload_order
from models.stored import date_from_stored
from policies.deadlines import Citation, Deadline

# The Alembic revision this reader understands (tests/models check it is the migrations' head).
SCHEMA_REVISION = "0005"

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# The code whose behaviour decides deadlines: a change to any of it makes every stored row stale.
_CODE_FOLDERS = ("policies",)
_CODE_FILES = ("models/caseload.py", "models/queries.py", "models/rows.py",
               "models/stored.py", "models/stored_deadlines.py", "cin_tui/__init__.py")
# Where the user's settings folder holds inputs to the deadlines (policies.packs, policies.calendar).
_USER_POLICIES_FOLDER = "policies"
_CALENDAR_FILES = ("closure-days.txt", "extra-bank-holidays.txt")


# --- keys ------------------------------------------------------------------------------------


def _digest(parts: Iterable[bytes | str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The contents of the deadline code and shipped packs, and the holidays package version."""
    parts: list[bytes | str] = [holidays_version()]
    for folder in _CODE_FOLDERS:
        for path in sorted((_PACKAGE_ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".toml") and path.is_file():
                parts += [str(path.relative_to(_PACKAGE_ROOT)), path.read_bytes()]
    for name in _CODE_FILES:
        parts += [name, (_PACKAGE_ROOT / name).read_bytes()]
    return _digest(parts)


@lru_cache(maxsize=1)
def holidays_version() -> str:
    """The installed holidays package's version, found without importing it (or
    importlib.metadata, which costs more than the whole read)."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return "holidays: not installed"
    package = Path(spec.origin).parent
    site = package.parent
    names = sorted(n for n in os.listdir(site)
                   if n.startswith("holidays-") and n.endswith((".dist-info", ".egg-info")))
    if names:
        return ";".join(names)
    uk = package / "countries" / "united_kingdom.py"
    return _digest([uk.read_bytes()]) if uk.exists() else str(package)


def computed_for_key(inputs_digest: str, *, today: date, amber_working_days: int) -> str:
    """The `computed_for` key: what was computed from (policies and calendar, as a digest), for
    which day and amber window, by which code."""
    return _digest(["computed", code_digest(), inputs_digest, today.isoformat(),
                    str(amber_working_days)])


def settings_inputs_key(
    settings_dir: Path | None, *, today: date, amber_working_days: int
) -> str:
    """A key of the files the packs and calendar are loaded from: the shipped packs (in the
    code digest) and the user's packs and calendar files in the settings folder."""
    parts: list[bytes | str] = ["inputs", code_digest(), today.isoformat(),
                                str(amber_working_days)]
    if settings_dir is not None:
        folder = Path(settings_dir)
        parts.append(str(folder.resolve()))
        user_packs = folder / _USER_POLICIES_FOLDER
        if user_packs.is_dir():
            for path in sorted(user_packs.glob("*.toml")):
                parts += [path.name, path.read_bytes()]
        for name in _CALENDAR_FILES:
            path = folder / name
            parts += [name, path.read_bytes() if path.is_file() else b"(none)"]
    return _digest(parts)


# --- encoding ---------------------------------------------------------------------------------


def encode_deadlines(deadlines: Iterable[Deadline]) -> str:
    return json.dumps(
        [[d.kind, d.label, d.due.isoformat(), d.status, d.countdown, d.unit, d.rule_id,
          [d.citation.procedure, d.citation.section, d.citation.quote], d.basis,
          list(d.notes), d.flag_id]
         for d in deadlines],
        ensure_ascii=False, separators=(",", ":"),
    )


class _Decoder:
    """Rebuilds Deadlines, sharing the strings and citations many cases have in common."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._citations: dict[tuple[str, str, str], Citation] = {}

    def decode(self, text: str) -> tuple[Deadline, ...]:
        shared = self._strings.setdefault
        citations = self._citations
        result = []
        for kind, label, due, status, countdown, unit, rule_id, cite, basis, notes, flag in (
            json.loads(text)
        ):
            key = (cite[0], cite[1], cite[2])
            citation = citations.get(key)
            if citation is None:
                citation = citations[key] = Citation(*key)
            result.append(Deadline(
                shared(kind, kind), shared(label, label), date_from_stored(due),
                shared(status, status), countdown, shared(unit, unit), shared(rule_id, rule_id),
                citation, basis, tuple(notes), flag,
            ))
        return tuple(result)


# --- reading ----------------------------------------------------------------------------------

_READ = """
SELECT c.id, c.ref, c.name, c.dob, w.name, c.team, c.policy_id, c.family, cl.date,
       c.allocated, c.disabled, c.private_fostering, c.visit_every,
       d.computed_for, d.error, d.deadlines
FROM cases AS c
LEFT JOIN workers AS w ON w.id = c.worker_id
LEFT JOIN closures AS cl ON cl.case_id = c.id
LEFT JOIN case_deadlines AS d ON d.case_id = c.id
"""


_READ_IDS = """
SELECT c.id
FROM cases AS c
LEFT JOIN workers AS w ON w.id = c.worker_id
LEFT JOIN closures AS cl ON cl.case_id = c.id
LEFT JOIN case_deadlines AS d ON d.case_id = c.id
"""


def read_caseload(
    connection: sqlite3.Connection,
    *,
    computed_for: str,
    include_closed: bool = False,
    worker: str | None = None,
    ref: str | None = None,
    limit: int | None = None,
    not_in_batches: Collection[int] = (),
) -> list[CaseloadRow] | None:
    """Every open case (closed ones too if asked; one worker's or one ref's if given) with its
    stored deadlines, in `caseload_order`; None if any of those cases has no current stored
    deadlines (then refresh them first: `models.caseload.refresh_deadlines`). With `limit`,
    only the first `limit` cases in that order (the first screen of a large caseload). With
    `not_in_batches`, only the cases stored in other batches (see load_caseload_changes)."""
    conditions: list[str] = []
    parameters: list[object] = []
    if not include_closed:
        conditions.append("cl.id IS NULL")
    if worker is not None:
        conditions.append("w.name = ?")
        parameters.append(worker)
    if ref is not None:
        conditions.append("c.ref = ?")
        parameters.append(ref)
    if not_in_batches:
        # A row not current (or missing) is kept, so it is seen and None returned.
        conditions.append("(d.computed_for IS NOT ? OR d.batch NOT IN "
                          "(SELECT value FROM json_each(?)))")
        parameters += [computed_for, json.dumps(sorted(not_in_batches))]
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    sql = _READ + where
    if limit is not None:
        # Any case not stored for these inputs first (so it is seen, and None returned), then
        # caseload_order in SQL: errors first, then by the soonest deadline, then cases with
        # none; ties by ref (SQLite compares text as UTF-8 bytes: Python's order). Only the
        # ids are sorted (not every case's deadlines); the rows are then read by id.
        first = (_READ_IDS + where + " ORDER BY (d.computed_for IS ?), (d.error IS NULL),"
                 " (d.first_due IS NULL), d.first_due, c.ref LIMIT ?")
        sql = _READ + f" WHERE c.id IN ({first})"
        parameters += [computed_for, limit]
    # Hundreds of thousands of objects and no cycles: the cyclic collector would rescan them
    # many times over while they are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_rows(connection, sql, parameters, computed_for)
    finally:
        if collecting:
            gc.enable()


def _read_rows(
    connection: sqlite3.Connection, sql: str, parameters: list[object], computed_for: str
) -> list[CaseloadRow] | None:
    day = date_from_stored
    decode = _Decoder().decode
    rows = []
    for (_id, case_ref, name, dob, worker_name, team, policy_id, family, closed_on, allocated,
         disabled, private_fostering, visit_every, key, error, deadlines) in connection.execute(
            sql, parameters):
        if key != computed_for:
            return None
        summary = CaseSummary(
            case_ref, name, day(dob), worker_name, team, policy_id, family,
            closed_on is not None, day(allocated), day(closed_on), bool(disabled),
            bool(private_fostering), visit_every,
        )
        rows.append(CaseloadRow(summary, decode(deadlines), error))
    rows.sort(key=caseload_order)
    return rows


def stale_case_ids(connection: sqlite3.Connection, computed_for: str) -> list[int]:
    """The cases (open or closed) whose stored deadlines are missing or not for these inputs."""
    return [case_id for (case_id,) in connection.execute(
        "SELECT c.id FROM cases AS c LEFT JOIN case_deadlines AS d ON d.case_id = c.id "
        "WHERE d.computed_for IS NULL OR d.computed_for != ?", (computed_for,))]


def computed_for_settings(connection: sqlite3.Connection, inputs_key: str) -> str | None:
    row = connection.execute(
        "SELECT computed_for FROM deadline_inputs WHERE inputs = ?", (inputs_key,)
    ).fetchone()
    return row[0] if row else None


# --- the read-only start ----------------------------------------------------------------------


def fast_caseload(
    database: Path,
    settings_dir: Path | None,
    *,
    today: date,
    amber_working_days: int,
    include_closed: bool = False,
    worker: str | None = None,
    limit: int | None = None,
) -> list[CaseloadRow] | None:
    """The caseload straight from the stored deadlines, if they are all current for these
    settings and this day (the first `limit` cases of it, if given); None otherwise (or on any
    database problem: the full path then reports it properly)."""
    try:
        if not Path(database).is_file():
            return None
        connection = sqlite3.connect(f"file:{Path(database).resolve()}?mode=ro", uri=True,
                                     check_same_thread=False)
    except (OSError, sqlite3.Error):
        return None
    try:
        with connection:
            connection.execute("BEGIN")  # one snapshot for every statement below
            if not _schema_is_current(connection):
                return None
            inputs_key = settings_inputs_key(settings_dir, today=today,
                                             amber_working_days=amber_working_days)
            computed_for = computed_for_settings(connection, inputs_key)
            if computed_for is None:
                return None
            return read_caseload(connection, computed_for=computed_for,
                                 include_closed=include_closed, worker=worker, limit=limit)
    except (OSError, sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()


def _schema_is_current(connection: sqlite3.Connection) -> bool:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == SCHEMA_REVISION
