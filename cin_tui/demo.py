"""`cin demo`: a fresh demo database built from `data/demo.json`, its dates relative to today.

The demo file writes dates as offsets from today ("-12wd", "+5d", "-9y-41d"; data/README.md),
so the demo always shows a realistic mix of overdue, due-soon and later deadlines. The cases are
built through the importer (the same path as `cin import`) and the managers' oversight notes
through `models.commands.add_oversight_note`, in a temporary file that then replaces the old
demo whole. A demo database is marked in its SQLite header, and `cin demo`
refuses to replace any other database, so pointing it at a real caseload cannot wipe it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

# "CIND" in the SQLite header's application id (bytes 68-71): a file `cin demo` may replace.
DEMO_APPLICATION_ID = 0x43494E44
DEMO_ACTOR = "demo"
DEMO_FILE_NAME = "demo.db"

# The fields of the demo file that hold dates (case, visit, meeting and closure fields).
DATE_FIELDS = frozenset({
    "dob", "allocated", "assessment_completed", "plan_started", "stepped_down_on",
    "date", "recorded", "circulated", "cancelled_on",
})
_OFFSETS = re.compile(r"(?:[+-]\d+(?:wd|d|w|m|y))+")
_OFFSET = re.compile(r"([+-])(\d+)(wd|d|w|m|y)")


class DemoError(Exception):
    """The demo cannot be built where asked; the message says what to do instead."""


def demo_database_path() -> Path:
    """`demo.db` beside the default database, in the user's data folder."""
    from models.db import default_database_path

    return default_database_path().parent / DEMO_FILE_NAME


def resolve_relative_date(text: str, today: date, calendar: Any) -> date:
    """"today", or offsets applied left to right: "-12wd" (working days), "+5d" (days),
    "-2w" (weeks), "-3m" (months), "-9y-41d" (9 years then 41 days before today)."""
    from dateutil.relativedelta import relativedelta

    cleaned = text.strip().lower()
    if cleaned == "today":
        return today
    if not _OFFSETS.fullmatch(cleaned):
        raise DemoError(f'demo date "{text}" is not "today" or an offset like -12wd, +5d, -9y-41d')
    result = today
    for sign, count, unit in _OFFSET.findall(cleaned):
        n = int(count) * (1 if sign == "+" else -1)
        if unit == "wd":
            result = calendar.add_working_days(result, n)
        elif unit == "d":
            result += timedelta(days=n)
        elif unit == "w":
            result += timedelta(weeks=n)
        elif unit == "m":
            result += relativedelta(months=n)
        else:
            result += relativedelta(years=n)
    return result


def resolve_dates(value: Any, today: date, calendar: Any, *, key: str | None = None) -> Any:
    """A copy of a demo document with every relative date written as an ISO date."""
    if isinstance(value, dict):
        if key == "events":  # event name -> date
            return {k: resolve_dates(v, today, calendar, key="date") for k, v in value.items()}
        return {k: resolve_dates(v, today, calendar, key=k) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_dates(item, today, calendar, key=key) for item in value]
    if isinstance(value, str) and key in DATE_FIELDS:
        return resolve_relative_date(value, today, calendar).isoformat()
    return value


def demo_document(today: date, calendar: Any) -> dict:
    """The demo caseload in the JSON import format, dated for `today`."""
    text = resources.files("cin_tui.data").joinpath("demo.json").read_text(encoding="utf-8")
    return resolve_dates(json.loads(text), today, calendar)


def build_demo_database(target: Path, *, today: date, policies: Any, calendar: Any) -> Path:
    """Build a fresh demo database at `target` (replacing an old demo there); returns it."""
    from cin_tui.importer import import_into, parse_cases
    from models.db import open_database

    target = Path(target)
    refuse_to_replace_real_data(target)
    document = demo_document(today, calendar)
    oversight = document.pop("oversight", [])
    parsed = parse_cases(json.dumps(document), "json", label="demo.json")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise DemoError(f"cannot create the folder {target.parent} ({error.strerror}); "
                        "choose another place with --db PATH") from None
    building = target.with_name(f".{target.name}.building")
    _remove_with_sidecars(building)
    engine = open_database(building)
    try:
        import_into(parsed, engine, actor=DEMO_ACTOR, policies=policies, today=today)
        _add_oversight_notes(engine, oversight, today)
    finally:
        engine.dispose()  # the last connection closes: SQLite folds the WAL into the file
    _mark_as_demo(building)
    for sidecar in _sidecars(target):
        sidecar.unlink(missing_ok=True)  # a stale WAL must never be replayed into the new file
    os.replace(building, target)
    return target


def _add_oversight_notes(engine, notes: list[dict], today: date) -> None:
    """The demo's management oversight notes (the import format has none), written through
    the same validated command the app uses; each is dated today."""
    from models.commands import add_oversight_note
    from models.db import session_scope

    for note in notes:
        with session_scope(engine) as session:
            add_oversight_note(
                session, ref=note["ref"], author=note["author"], decision=note["decision"],
                rationale=note["rationale"], cleared_flags=note.get("clears", ()), today=today,
            )


def is_demo_database(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            header = file.read(72)
    except OSError:
        return False
    return len(header) == 72 and int.from_bytes(header[68:72], "big") == DEMO_APPLICATION_ID


def refuse_to_replace_real_data(target: Path) -> None:
    if not target.exists() or (target.is_file() and target.stat().st_size == 0):
        return
    if target.is_dir():
        raise DemoError(f"{target} is a folder; give a file name for the demo with --db PATH")
    if not is_demo_database(target):
        raise DemoError(
            f"{target} holds a caseload that is not the demo, so `cin demo` will not replace it. "
            "Give a new file with --db PATH (and unset CIN_DB if it points at your caseload)."
        )


def _mark_as_demo(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")
        connection.commit()
    finally:
        connection.close()


def _sidecars(path: Path) -> tuple[Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def _remove_with_sidecars(path: Path) -> None:
    path.unlink(missing_ok=True)
    for sidecar in _sidecars(path):
        sidecar.unlink(missing_ok=True)
