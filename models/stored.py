"""How SQLite holds our values, for the bulk paths that skip SQLAlchemy's per-row conversion.

SQLAlchemy's SQLite dialect stores a `date` as ISO text ("2026-11-23") and a `bool` as 0/1;
its own converters get there through general-purpose string formatting and parsing that costs
more than the database work when an import or a caseload has hundreds of thousands of rows.
These are the same conversions done with the built-ins. tests/models/test_models_stored.py
checks they give exactly what SQLAlchemy gives, so the two paths can never disagree.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, overload


def date_to_stored(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@overload
def date_from_stored(text: str) -> date: ...
@overload
def date_from_stored(text: None) -> None: ...
@overload
def date_from_stored(text: str | None) -> date | None: ...
@lru_cache(maxsize=8192)  # a caseload repeats the same few hundred dates many times over
def date_from_stored(text: str | None) -> date | None:
    # PostgreSQL's driver gives a date already.
    return None if text is None else text if isinstance(text, date) else date.fromisoformat(text)


def bool_to_stored(value: bool | None) -> int | None:
    return None if value is None else int(value)


def bool_from_stored(value: Any) -> bool | None:
    return None if value is None else bool(value)
