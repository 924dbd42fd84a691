"""Recognising cin's own database files, and which caseload a file is.

Everything here only reads (SQLite is opened read-only, the header is read as bytes), so looking
at a file that is not cin's never changes it. A cin database carries cin's application id in
its SQLite header and a UUID made when it was created (table `database_identity`, migration
0005); a database made before that is still recognised by its tables and gets both when it is
next opened.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

CIN_APPLICATION_ID = 0x43494E31   # "CIN1"
DEMO_APPLICATION_ID = 0x43494E44  # "CIND": a database made by `cin demo` (cin_tui/demo.py)
CIN_APPLICATION_IDS = frozenset({CIN_APPLICATION_ID, DEMO_APPLICATION_ID})
SQLITE_MAGIC = b"SQLite format 3\x00"
# A cin database made before identities: these tables are there, the application id is 0.
_CIN_TABLES = frozenset({"alembic_version", "cases", "audit_log"})


@dataclass(frozen=True)
class Facts:
    """What a cin database says about itself (None where it cannot say)."""

    identity: str | None       # the UUID of the caseload; None before migration 0005
    revision: str | None       # the Alembic schema revision
    cases: int | None
    last_change: datetime | None  # the newest audit entry (UTC)
    audit_entries: int | None

    def describe(self) -> str:
        """`5 cases, last change 23 Nov 2026 14:02 UTC`, for messages."""
        cases = "cases unknown" if self.cases is None else (
            f"{self.cases} case{'' if self.cases == 1 else 's'}")
        if self.last_change is None:
            return f"{cases}, no changes recorded"
        return f"{cases}, last change {self.last_change.strftime('%d %b %Y %H:%M UTC')}"


class NotCin(Exception):
    """The file is not a cin database; `found` says what it is, in words for a message."""

    def __init__(self, found: str, *, damaged: bool = False) -> None:
        self.found = found
        self.damaged = damaged  # it may be a cin database whose contents are damaged
        super().__init__(found)


def check_cin_file(path: Path) -> None:
    """Raise `NotCin` unless the existing file at `path` is a cin database (of any version)."""
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError as exc:
        raise NotCin(f"a file that cannot be read ({exc.strerror or exc})") from exc
    if not header:
        raise NotCin("an empty file (0 bytes)")
    if not header.startswith(SQLITE_MAGIC):
        raise NotCin("a file that is not an SQLite database", damaged=True)
    if len(header) < 100 or header[21:24] != b"\x40\x20\x20":  # fixed in every sound header
        raise NotCin("an SQLite file whose header is damaged", damaged=True)
    application_id = int.from_bytes(header[68:72], "big")
    if application_id in CIN_APPLICATION_IDS:
        return
    if application_id != 0:
        raise NotCin(f"another program's SQLite database (application id {application_id:#010x})")
    try:
        with _read_only(path) as connection:
            # Through the WAL: the id may have been set in a change not yet copied to the file.
            if connection.execute("PRAGMA application_id").fetchone()[0] in CIN_APPLICATION_IDS:
                return
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise NotCin(f"an SQLite file that cannot be read ({exc})", damaged=True) from exc
    if tables >= _CIN_TABLES:
        return
    if not tables:
        raise NotCin("an SQLite database with no tables, which cin did not make")
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    raise NotCin(f"an SQLite database that another program made (tables: {shown})")


def read_facts(path: Path) -> Facts:
    """The facts of the cin database at `path`; raises `NotCin` for any other file."""
    check_cin_file(path)
    try:
        with _read_only(path) as connection:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            identity = None
            if "database_identity" in tables:
                row = connection.execute("SELECT uuid FROM database_identity").fetchone()
                identity = row[0] if row else None
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            cases = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
            last, count = connection.execute("SELECT max(at), count(*) FROM audit_log").fetchone()
    except sqlite3.Error as exc:
        raise NotCin(f"a cin database that cannot be read ({exc})", damaged=True) from exc
    return Facts(
        identity=identity,
        revision=revision[0] if revision else None,
        cases=cases,
        last_change=_parse_time(last),
        audit_entries=count,
    )


def read_identity(path: Path) -> str | None:
    """The caseload UUID of the file at `path`, or None when it has none or cannot be read."""
    try:
        return read_facts(path).identity
    except NotCin:
        return None


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


class _read_only:
    """A read-only connection (it never creates a file or writes one), closed on exit."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __enter__(self) -> sqlite3.Connection:
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self.connection = sqlite3.connect(uri, uri=True)
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
