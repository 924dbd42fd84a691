"""Stored deadlines: the one reader, and the keys that say whether what is stored is current.

What the engine's first part (`policies.engine.plan_deadlines`) works out for each case is kept
in `case_deadlines` (migrations 0003, 0006), one row per case: the planned deadlines as JSON and
`computed_for`, a key of every input besides the case's own facts (the policy packs, the
calendar's days off, the code that worked them out). None of it depends on today: a read works
out status, countdown, the current occurrence of a repeating rule and the "Nothing is booked"
note for its own day with `policies.today.deadlines_for_today`, the same function the engine
ends with, so a new day costs nothing. A row is current only when its key equals the key of the
inputs in use now, and the migration's triggers delete a case's row in the same transaction as
any change to the case or anything recorded on it (tests/models prove every table the facts
builder reads has them). models.deadline_store writes them (for `models.caseload.refresh_deadlines`
and `models.stored_reads.store_deadlines`); `read_caseload` here is the only reader, used by the
CLI and the TUI alike, on an SQLite file and on a team server (PostgreSQL) with the same SQL.

This module uses the standard library only (and policies.today, policies.calendar's WorkingDays,
policies.collector, dateutil): `cin due` and the TUI's first paint read stored deadlines through
a plain `sqlite3` connection without importing SQLAlchemy, SQLModel, Alembic, pydantic or
holidays. The working days come from the days off stored with the settings key
(`deadline_inputs.days_off`).
On a team server the same read runs on the engine's psycopg connection (`caseload_from`, called
by models/service.py). `fast_caseload` returns None whenever anything is not current (an old
schema, a case not yet worked out, edited settings files, a date outside the stored days off),
and the caller then takes the full path, which works everything out and stores it before
answering.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path

from models.rows import CaseloadRow, CaseSummary, caseload_order, deadlines_error_text
from models.stored import date_from_stored
from policies.calendar import OutsideKnownDays, WorkingDays
from policies.collector import collector_paused
from policies.deadlines import Citation, PlannedDeadline, Repeat
from policies.today import deadlines_for_today, missed_on, occurrence_window

# The Alembic revision this reader understands (tests/models check it is the migrations' head).
SCHEMA_REVISION = "0010"

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# The modules that work out and read stored deadlines: with everything of this project they
# import (found by `code_modules`), their code decides the deadlines.
_CODE_ROOTS = ("models.caseload", "models.stored_deadlines")
# The project's own top-level packages (an import of anything else is not followed).
_LOCAL_PACKAGES = ("policies", "models", "cin_tui", "screens")
# Data files the code reads: the shipped policy packs.
_DATA_FOLDERS = ("policies",)
_DATA_SUFFIXES = (".toml",)
# Where the user's settings folder holds inputs to the deadlines (policies.packs,
# policies.calendar).
_USER_POLICIES_FOLDER = "policies"
_CALENDAR_FILES = ("closure-days.txt", "extra-bank-holidays.txt")
# The years whose days off are stored with the settings key (models.caseload: the digest's).
DAYS_OFF_YEARS = (1990, 2100)


# --- keys ------------------------------------------------------------------------------------


def _digest(parts: Iterable[bytes | str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _module_file(name: str) -> Path | None:
    base = _PACKAGE_ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


# An import statement, at the top of a module or inside a function: `from a.b import c, d`
# (names perhaps in brackets over several lines) or `import a.b, c`. Read with a pattern, not
# `ast`, which would cost the read-only start a tenth of a second (tests/models check both
# agree, and that every module deadlines are worked out with is found).
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)"
    r"|import[ \t]+([\w., \t]+))",
    re.MULTILINE,
)


def _imports_of(text: str, package: str) -> list[str]:
    """The modules an `import` statement of `text` names (and, for `from m import n`, m.n in
    case n is a submodule); `package` is the module's own package, for relative imports."""
    names: list[str] = []
    for source, imported, plain in _IMPORT.findall(text):
        if plain:
            names += [part.split(" as ")[0].strip() for part in plain.split(",")]
            continue
        level = len(source) - len(source.lstrip("."))
        module = source[level:]
        if level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - level + 1])
            module = f"{base}.{module}" if module else base
        names.append(module)
        for name in imported.strip("()").replace("\n", " ").split(","):
            name = name.split(" as ")[0].strip()
            if name and name != "*":
                names.append(f"{module}.{name}")
    return names


@lru_cache(maxsize=1)
def code_modules() -> tuple[str, ...]:
    """The project's modules that `_CODE_ROOTS` import, directly or not, at the top or inside
    a function, with the packages they are in: the code that decides stored deadlines, found
    by reading their `import` statements. Sorted module names."""
    found: set[str] = set()
    todo = list(_CODE_ROOTS)
    while todo:
        name = todo.pop()
        if name in found or name.split(".")[0] not in _LOCAL_PACKAGES:
            continue
        path = _module_file(name)
        if path is None:
            continue
        found.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # its packages run first
        package = name if path.name == "__init__.py" else ".".join(parts[:-1])
        todo += _imports_of(path.read_text(encoding="utf-8"), package)
    return tuple(sorted(found))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The contents of the deadline code (`code_modules`), the shipped packs, and the holidays
    package version."""
    parts: list[bytes | str] = [holidays_version()]
    for name in code_modules():
        path = _module_file(name)
        assert path is not None
        parts += [name, path.read_bytes()]
    for folder in _DATA_FOLDERS:
        for path in sorted((_PACKAGE_ROOT / folder).rglob("*")):
            if path.suffix in _DATA_SUFFIXES and path.is_file():
                parts += [str(path.relative_to(_PACKAGE_ROOT)), path.read_bytes()]
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


def computed_for_key(inputs_digest: str) -> str:
    """The `computed_for` key: what was computed from (policies and calendar, as a digest) and
    by which code. Not the day or the amber window: what is stored does not depend on them."""
    return _digest(["planned", code_digest(), inputs_digest])


def settings_inputs_key(
    settings_dir: Path | None, *, today: date | None = None,
    amber_working_days: int | None = None,
) -> str:
    """A key of the files the packs and calendar are loaded from: the shipped packs (in the
    code digest) and the user's packs and calendar files in the settings folder. (`today` and
    `amber_working_days` are accepted from older callers and are not part of it.)"""
    del today, amber_working_days
    parts: list[bytes | str] = ["inputs", code_digest()]
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


def encode_days_off(calendar: WorkingDays) -> str:
    """The days off a read needs, as stored with the settings key: `DAYS_OFF_YEARS`' span and
    every Monday-to-Friday day off in it (what models.caseload.inputs_digest hashes)."""
    first, last = DAYS_OFF_YEARS
    return json.dumps([date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal(),
                       calendar.non_working_weekdays(first, last)], separators=(",", ":"))


def decode_days_off(text: str) -> WorkingDays:
    first, last, days_off = json.loads(text)
    return WorkingDays(days_off, first, last)


# --- encoding ---------------------------------------------------------------------------------


def encode_planned(planned: Sequence[PlannedDeadline] | None) -> str:
    """A case's planned deadlines as stored (JSON); None (a closed case) as `null`."""
    if planned is None:
        return "null"
    return json.dumps(
        [[p.kind, p.label, p.due.isoformat(), p.unit, p.rule_id,
          [p.citation.procedure, p.citation.section, p.citation.quote], p.basis,
          list(p.notes), p.flag_id, p.booking_warning,
          None if p.repeat is None else
          [p.repeat.anchor.isoformat(), p.repeat.count, p.repeat.step, p.repeat.phrase,
           sorted(p.repeat.cleared)],
          None if p.missed_from is None else [p.missed_from.isoformat(), p.overtaken]]
         for p in planned],
        ensure_ascii=False, separators=(",", ":"),
    )


class _Decoder:
    """Rebuilds PlannedDeadlines, sharing the strings and citations many cases have in common."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._citations: dict[tuple[str, str, str], Citation] = {}

    def decode(self, text: str) -> tuple[PlannedDeadline, ...] | None:
        items = json.loads(text)
        if items is None:
            return None
        shared = self._strings.setdefault
        citations = self._citations
        result = []
        for (kind, label, due, unit, rule_id, cite, basis, notes, flag, booking, repeat,
             missed) in items:
            key = (cite[0], cite[1], cite[2])
            citation = citations.get(key)
            if citation is None:
                citation = citations[key] = Citation(*key)
            result.append(PlannedDeadline(
                shared(kind, kind), shared(label, label), date_from_stored(due),
                shared(unit, unit), shared(rule_id, rule_id), citation, basis,
                tuple(shared(note, note) for note in notes), flag, booking,
                None if repeat is None else Repeat(
                    date_from_stored(repeat[0]), repeat[1], repeat[2], repeat[3],
                    frozenset(repeat[4])),
                None if missed is None else date_from_stored(missed[0]),
                "" if missed is None else missed[1],
            ))
        return tuple(result)


def ordering_for(
    planned: Sequence[PlannedDeadline] | None, today: date, calendar: WorkingDays,
    amber_working_days: int,
) -> tuple[str | None, str | None, str | None]:
    """(first_due, ordered_from, ordered_until) as stored with planned deadlines on `today`:
    the soonest due date of that day, and the days it holds for (ISO dates; None: without
    end). A case whose deadlines cannot be worked out that day is read afresh on every day."""
    if not planned:
        return None, None, None
    try:
        deadlines = deadlines_for_today(planned, today, calendar,
                                        amber_working_days=amber_working_days)
        start: date | None = None
        end: date | None = None
        for plan in planned:
            if plan.repeat is not None:
                since, until = occurrence_window(plan.repeat, plan.unit, today, calendar)
                start = since if start is None or (since is not None and since > start) else start
                end = until if end is None or until < end else end
            if plan.missed_from is not None and plan.missed_from > today:
                # A milestone open today is missed (no longer in the order) from then on.
                end = plan.missed_from if end is None or plan.missed_from < end else end
    except Exception:  # shown as the case's error when read
        return None, today.isoformat(), today.isoformat()
    first_due = min(d.due for d in deadlines).isoformat() if deadlines else None
    return (first_due, start.isoformat() if start else None, end.isoformat() if end else None)


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

# `models.rows.order_key` in SQL, over what is stored: errors first (their `first_due` is
# NULL), then by the soonest due date, then cases with none; ties by ref (SQLite compares text
# as UTF-8 bytes, which is Python's code point order). tests/models/test_models_order.py holds
# the two equal.
STORED_ORDER = "(d.error IS NULL), (d.first_due IS NULL), d.first_due, c.ref"

# A stored row whose `first_due` does not hold on the day given (twice) as ISO text.
_MOVED = "(COALESCE(d.ordered_from > ?, FALSE) OR COALESCE(d.ordered_until <= ?, FALSE))"
# ...because the day is on or after the days it holds for: a repeating rule's occurrence moved
# on, and occurrences only move later, so the soonest due date is no earlier than stored.
_LATER = "COALESCE(d.ordered_until <= ?, FALSE)"
# ...any other way (a day before the days it holds for, or a row whose deadlines could not be
# worked out when stored): it is always read with the first screen.
_ANY_ORDER = ("(COALESCE(d.ordered_from > ?, FALSE) "
              "OR COALESCE(d.ordered_from = d.ordered_until, FALSE))")


def case_conditions(
    *, include_closed: bool, worker: str | None = None, ref: str | None = None,
) -> tuple[list[str], list[object]]:
    """The conditions (over `_READ`'s names, joined with AND) choosing the cases of a read:
    open ones only unless `include_closed`, one worker's or one ref's if given; and their
    parameters. Every read of stored rows chooses its cases here."""
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
    return conditions, parameters


def read_caseload(
    connection: sqlite3.Connection,
    *,
    computed_for: str,
    today: date,
    calendar: WorkingDays,
    amber_working_days: int = 5,
    include_closed: bool = False,
    worker: str | None = None,
    ref: str | None = None,
    limit: int | None = None,
    not_in_batches: Collection[int] = (),
) -> list[CaseloadRow] | None:
    """Every open case (closed ones too if asked; one worker's or one ref's if given) with its
    deadlines on `today`, worked out from what is stored, in `caseload_order`; None if any of
    those cases has no current stored deadlines (then refresh them first:
    `models.caseload.refresh_deadlines`) or `calendar` does not know the days off a count
    needs. With `limit`, only the first `limit` cases in that order (the first screen of a
    large caseload). With `not_in_batches`, only the cases stored in other batches (see
    load_caseload_changes)."""
    if not calendar.covers(today):
        return None
    conditions, parameters = case_conditions(include_closed=include_closed, worker=worker,
                                             ref=ref)
    if not_in_batches:
        # A row not current (or missing) is kept, so it is seen and None returned.
        conditions.append("(d.computed_for IS NULL OR d.computed_for != ? OR d.batch NOT IN "
                          "(SELECT value FROM json_each(?)))")
        parameters += [computed_for, json.dumps(sorted(not_in_batches))]
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    sql = _READ + where
    if limit is not None:
        ids = _first_screen_ids(connection, conditions, parameters, computed_for, today, limit)
        sql = _READ + " WHERE c.id IN (SELECT value FROM json_each(?))"
        parameters = [json.dumps(ids)]
    # Hundreds of thousands of objects and no cycles: the cyclic collector would rescan them
    # many times over while they are built.
    with collector_paused():
        rows = _read_rows(connection, sql, parameters, computed_for, today, calendar,
                          amber_working_days)
    if rows is not None and limit is not None:
        del rows[limit:]
    return rows


def _first_screen_ids(
    connection: sqlite3.Connection, conditions: list[str], parameters: list[object],
    computed_for: str, today: date, limit: int,
) -> list[int]:
    """The cases that can be among the first `limit` in `caseload_order` on `today`: any case
    not stored for these inputs first (so it is seen, and None returned), then caseload_order
    in SQL by the stored soonest due date (errors first, then by the soonest deadline, then
    cases with none; ties by ref: SQLite compares text as UTF-8 bytes, Python's order), up to
    the `limit`-th row whose stored order holds today: every row after it sorts after it,
    since a row whose order moved on today sorts no earlier than stored. Rows whose order
    moved any other way are added. Only ids are sorted, not every case's deadlines."""
    day = today.isoformat()
    ordered_where = " WHERE " + " AND ".join([*conditions, "NOT " + _ANY_ORDER])
    ordered = connection.execute(
        _READ_IDS.replace("SELECT c.id", f"SELECT c.id, {_LATER}", 1) + ordered_where
        + " ORDER BY (CASE WHEN d.computed_for = ? THEN 1 ELSE 0 END), " + STORED_ORDER
        # PostgreSQL's text order is the database's collation: "C" is SQLite's (and Python's).
        + (' COLLATE "C"' if getattr(connection, "postgresql", False) else ""),
        [day, *parameters, day, computed_for])
    ids: list[int] = []
    holding = 0
    for case_id, moved_later in ordered:
        if holding >= limit:
            break
        ids.append(case_id)
        holding += not moved_later
    any_order_where = " WHERE " + " AND ".join([*conditions, _ANY_ORDER])
    ids += [case_id for (case_id,) in connection.execute(_READ_IDS + any_order_where,
                                                         [*parameters, day])]
    return ids


class NotCurrent(LookupError):
    """A case's stored deadlines are missing or not for these inputs, or the stored working
    days do not reach a count it needs: refresh them first (models.caseload)."""


def _read_rows(
    connection: sqlite3.Connection, sql: str, parameters: list[object], computed_for: str,
    today: date, calendar: WorkingDays, amber_working_days: int,
) -> list[CaseloadRow] | None:
    try:
        rows = list(_each_row(connection, sql, parameters, computed_for, today, calendar,
                              amber_working_days))
    except NotCurrent:
        return None
    rows.sort(key=caseload_order)
    return rows


def each_stored_row(
    connection: sqlite3.Connection,
    *,
    computed_for: str,
    today: date,
    calendar: WorkingDays,
    amber_working_days: int = 5,
    include_closed: bool = False,
    worker: str | None = None,
) -> Iterator[CaseloadRow]:
    """The rows of `read_caseload`, one at a time and in no particular order, so that a large
    caseload is never all in memory. Raises `NotCurrent` (possibly after some rows) where
    `read_caseload` would return None."""
    if not calendar.covers(today):
        raise NotCurrent(today)
    conditions, parameters = case_conditions(include_closed=include_closed, worker=worker)
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    yield from _each_row(connection, _READ + where, parameters, computed_for, today, calendar,
                         amber_working_days)


def _each_row(
    connection: sqlite3.Connection, sql: str, parameters: list[object], computed_for: str,
    today: date, calendar: WorkingDays, amber_working_days: int,
) -> Iterator[CaseloadRow]:
    day = date_from_stored
    decode = _Decoder().decode
    for (_id, case_ref, name, dob, worker_name, team, policy_id, family, closed_on, allocated,
         disabled, private_fostering, visit_every, key, error, stored) in connection.execute(
            sql, parameters):
        if key != computed_for:
            raise NotCurrent(case_ref)
        summary = CaseSummary(
            case_ref, name, day(dob), worker_name, team, policy_id, family,
            closed_on is not None, day(allocated), day(closed_on), bool(disabled),
            bool(private_fostering), visit_every,
        )
        if error is not None:
            yield CaseloadRow(summary, (), error)
            continue
        planned = decode(stored)
        if planned is None:  # closed
            yield CaseloadRow(summary, ())
            continue
        try:
            deadlines = deadlines_for_today(planned, today, calendar,
                                            amber_working_days=amber_working_days)
        except OutsideKnownDays as outside:
            raise NotCurrent(case_ref) from outside
        except Exception as problem:  # as models.caseload shows it
            yield CaseloadRow(summary, (), deadlines_error_text(problem))
            continue
        yield CaseloadRow(summary, tuple(sorted(deadlines, key=lambda d: d.due)),
                          missed=tuple(missed_on(planned, today)))


def stale_case_ids(
    connection: sqlite3.Connection, computed_for: str, *, worker: str | None = None,
) -> list[int]:
    """The cases (open or closed; one worker's if given) whose stored deadlines are missing
    or not for these inputs, by id."""
    conditions, parameters = case_conditions(include_closed=True, worker=worker)
    conditions.append("(d.computed_for IS NULL OR d.computed_for != ?)")
    return [case_id for (case_id,) in connection.execute(
        _READ_IDS + " WHERE " + " AND ".join(conditions) + " ORDER BY c.id",
        [*parameters, computed_for])]


def moved_rows(
    connection: sqlite3.Connection, computed_for: str, today: date, *,
    worker: str | None = None,
) -> list[tuple[int, int, str]]:
    """(case id, batch, stored deadlines) of every current row (one worker's if given) whose
    stored order does not hold on `today` (a repeating rule's occurrence moved on)."""
    day = today.isoformat()
    conditions, parameters = case_conditions(include_closed=True, worker=worker)
    conditions += ["d.computed_for = ?", "d.error IS NULL", _MOVED]
    return [(case_id, batch, stored) for case_id, batch, stored in connection.execute(
        "SELECT d.case_id, d.batch, d.deadlines FROM case_deadlines AS d "
        "JOIN cases AS c ON c.id = d.case_id LEFT JOIN workers AS w ON w.id = c.worker_id "
        "LEFT JOIN closures AS cl ON cl.case_id = c.id WHERE " + " AND ".join(conditions)
        + " ORDER BY d.case_id", [*parameters, computed_for, day, day]).fetchall()]


def reorderings(
    moved: Iterable[tuple[int, int, str]], today: date, calendar: WorkingDays,
    amber_working_days: int,
) -> list[tuple[str | None, str | None, str | None, int, int]]:
    """The soonest due date (and the days it holds for) on `today` of each of `moved_rows`,
    from what is stored: nothing is worked out afresh. Rows for `store_reorderings`."""
    decode = _Decoder().decode
    return [(*ordering_for(decode(stored), today, calendar, amber_working_days), case_id, batch)
            for case_id, batch, stored in moved]


def store_reorderings(
    connection: sqlite3.Connection, computed_for: str,
    updates: Sequence[tuple[str | None, str | None, str | None, int, int]],
) -> None:
    """Store `reorderings`, each only where its row is still the one it was worked out from
    (the same batch, for the same inputs): a row stored again or deleted meanwhile is left as
    it is. The row keeps its batch."""
    connection.executemany(
        "UPDATE case_deadlines SET first_due = ?, ordered_from = ?, ordered_until = ? "
        "WHERE case_id = ? AND batch = ? AND computed_for = ?",
        [(*update, computed_for) for update in updates])


def reorder_moved(
    connection: sqlite3.Connection, computed_for: str, today: date, calendar: WorkingDays,
    amber_working_days: int, *, worker: str | None = None,
) -> int:
    """Store again the soonest due date (and the days it holds for) of every current row
    (one worker's if given) whose stored one does not hold on `today`, in the connection's
    transaction. How many."""
    updates = reorderings(moved_rows(connection, computed_for, today, worker=worker), today,
                          calendar, amber_working_days)
    store_reorderings(connection, computed_for, updates)
    return len(updates)


def computed_for_settings(
    connection: sqlite3.Connection, inputs_key: str
) -> tuple[str, WorkingDays] | None:
    """The `computed_for` key the settings files `inputs_key` gave at the last full load, and
    the working days stored with it; None if there is none."""
    row = connection.execute(
        "SELECT computed_for, days_off FROM deadline_inputs WHERE inputs = ?", (inputs_key,)
    ).fetchone()
    if row is None or row[1] is None:
        return None
    return row[0], decode_days_off(row[1])


# --- the read-only start ----------------------------------------------------------------------


def fast_caseload(
    database: Path | object,
    settings_dir: Path | None,
    *,
    today: date,
    amber_working_days: int,
    include_closed: bool = False,
    worker: str | None = None,
    limit: int | None = None,
) -> list[CaseloadRow] | None:
    """The caseload on `today` from the stored deadlines of an SQLite file, if they are all
    current for these settings (the first `limit` cases of it, if given); None otherwise (or
    on any database problem: the full path then reports it properly)."""
    try:
        with file_snapshot(database) as connection:
            if connection is None:
                return None
            return caseload_from(connection, settings_dir, today=today,
                                 amber_working_days=amber_working_days,
                                 include_closed=include_closed, worker=worker, limit=limit)
    except (OSError, sqlite3.Error, ValueError):
        return None


def caseload_from(
    connection: sqlite3.Connection,
    settings_dir: Path | None,
    *,
    today: date,
    amber_working_days: int,
    include_closed: bool = False,
    worker: str | None = None,
    limit: int | None = None,
) -> list[CaseloadRow] | None:
    """`fast_caseload` over an open read-only snapshot: an SQLite file's (`file_snapshot`) or
    a team server's (models.connection.read_only_snapshot); the same SQL on both."""
    found = current_inputs(connection, settings_dir)
    if found is None:
        return None
    computed_for, calendar = found
    return read_caseload(connection, computed_for=computed_for, today=today,
                         calendar=calendar, amber_working_days=amber_working_days,
                         include_closed=include_closed, worker=worker, limit=limit)


def rows_from(
    connection: sqlite3.Connection,
    settings_dir: Path | None,
    *,
    today: date,
    amber_working_days: int,
    include_closed: bool = False,
    worker: str | None = None,
) -> Iterator[CaseloadRow] | None:
    """`each_stored_row` over an open read-only snapshot if the stored deadlines are current
    for these settings, else None; the rows may still raise `NotCurrent`."""
    found = current_inputs(connection, settings_dir)
    if found is None:
        return None
    computed_for, calendar = found
    return each_stored_row(connection, computed_for=computed_for, today=today,
                           calendar=calendar, amber_working_days=amber_working_days,
                           include_closed=include_closed, worker=worker)


def current_inputs(
    connection: sqlite3.Connection, settings_dir: Path | None,
) -> tuple[str, WorkingDays] | None:
    """The `computed_for` key and the stored working days of these settings, if the schema
    is the one this reader knows and a full load has stored them; else None. One statement
    (a team server's every statement is a round trip); the days off are read only the first
    time a process meets their key."""
    key = settings_inputs_key(settings_dir)
    try:
        row = connection.execute(
            "SELECT a.version_num, i.computed_for, i.days_off IS NOT NULL "
            "FROM alembic_version AS a LEFT JOIN deadline_inputs AS i ON i.inputs = ?",
            (key,)).fetchone()
    except sqlite3.Error:  # an older schema (PostgreSQL's errors: the caller's)
        return None
    if row is None or row[0] != SCHEMA_REVISION or row[1] is None or not row[2]:
        return None
    computed_for = row[1]
    calendar = _DAYS_OFF_BY_KEY.get(computed_for)
    if calendar is None:
        found = computed_for_settings(connection, key)
        if found is None or found[0] != computed_for:
            return None
        if len(_DAYS_OFF_BY_KEY) >= 8:
            _DAYS_OFF_BY_KEY.clear()
        calendar = _DAYS_OFF_BY_KEY[computed_for] = found[1]
    return computed_for, calendar


# The stored working days by `computed_for` key: the key is a digest of those very days off
# (models.caseload.inputs_digest), so one key always means the same days.
_DAYS_OFF_BY_KEY: dict[str, WorkingDays] = {}


@contextmanager
def stored_rows(
    database: Path | object,
    settings_dir: Path | None,
    *,
    today: date,
    amber_working_days: int,
    include_closed: bool = False,
    worker: str | None = None,
) -> Iterator[Iterator[CaseloadRow] | None]:
    """`each_stored_row` over the stored deadlines of an SQLite file in one read-only
    snapshot, if they are current for these settings (None otherwise, or on any database
    problem: the full path then reports it properly); the rows may still raise
    `NotCurrent`."""
    with ExitStack() as stack:
        try:
            connection = stack.enter_context(file_snapshot(database))
        except (OSError, sqlite3.Error):
            connection = None
        yield None if connection is None else rows_from(
            connection, settings_dir, today=today, amber_working_days=amber_working_days,
            include_closed=include_closed, worker=worker)


@contextmanager
def file_snapshot(database: Path | object) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to the SQLite file `database` inside one transaction (one
    snapshot for every statement), or None when it is not an existing file (a team server's
    reads go through models.connection.read_only_snapshot)."""
    if not isinstance(database, str | Path) or not Path(database).is_file():
        yield None
        return
    connection = sqlite3.connect(f"file:{Path(database).resolve()}?mode=ro", uri=True,
                                 check_same_thread=False)
    try:
        with connection:
            connection.execute("BEGIN")
            yield connection
    finally:
        connection.close()
