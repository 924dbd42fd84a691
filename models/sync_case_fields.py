"""A case's own fields as `cin sync` carries them (issue 14), derived from `CaseInput`,
`CaseChanges` and the cases table, never from a list kept here: a field added to a case is
carried (or, if no command can change it, kept for the worker as unsendable) without this
module changing. tests/sync/test_sync_case_fields.py checks every column of the table.

A snapshot's case (models/sync_snapshot.py) holds the table's columns by name as JSON (dates
as ISO text, code lists as lists), with the worker by name; the commands take a `CaseInput`
(adding) or `CaseChanges` (editing) with Python values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any

from models.case_edit import EDITABLE_FIELDS, CaseChanges
from models.census_checks import CENSUS_CODE_LISTS, CENSUS_CODES
from models.history import value_words
from models.inputs import CaseInput
from models.sync_snapshot import ACTIONS, CASES, RECORD_TABLES, date_columns
from models.upsert import CASE_COLUMNS
from policies.dates import format_date, parse_frequency

# Columns that are this database's own (row ids, the version counter, when the row was
# written): read into a snapshot for comparing, never sent as a change.
LOCAL_COLUMNS = frozenset({"id", "worker_id", "version", "created_at", "updated_at"})

# CaseInput field -> the snapshot's key for it (the column's name; the worker by name).
INPUT_KEYS: dict[str, str] = {
    "ref": "ref",
    **{name: "worker" if name == "worker" else column for name, column in CASE_COLUMNS.items()},
}
_FIELD_OF = {key: name for name, key in INPUT_KEYS.items()}
# What each command carries to the server, as snapshot keys. add_case takes the reference,
# the policy and every editable field; edit_case the editable fields.
EDIT_KEYS: tuple[str, ...] = tuple(INPUT_KEYS[name] for name in EDITABLE_FIELDS)
EDIT_CARRIES: frozenset[str] = frozenset(EDIT_KEYS)
ADD_CARRIES: frozenset[str] = EDIT_CARRIES | {INPUT_KEYS["ref"], INPUT_KEYS["policy"]}

_DATES = date_columns(CASES)
_RECORD_DATES = frozenset().union(*map(date_columns, (*RECORD_TABLES.values(), ACTIONS)))

# A field the edit command sets from another (models.census_checks.with_disabled_from_codes):
# the disability codes decide `disabled`.
FOLLOWED_BY: dict[str, str] = {"disabilities": "disabled"}


def snapshot_keys() -> frozenset[str]:
    """Every key of a snapshot's case that a worker's change can touch: each column of the
    table but the local ones, and the worker by name."""
    return frozenset({column.name for column in CASES.columns} - LOCAL_COLUMNS) | {"worker"}


def is_date(key: str) -> bool:
    """Whether the case column `key` holds a date (kept in a snapshot as ISO text)."""
    return key in _DATES


def from_json(key: str, value: Any) -> Any:
    """A snapshot's value of case column `key` as the commands take it."""
    name = _FIELD_OF.get(key, key)
    if name == "visit_every":
        return parse_frequency(value) if value else None
    if name == "events":
        return {event: date.fromisoformat(when) if isinstance(when, str) else when
                for event, when in (value or {}).items()}
    if name in CENSUS_CODE_LISTS:
        return list(value or [])
    if isinstance(value, str) and is_date(key):
        return date.fromisoformat(value)
    return value


def case_input(values: Mapping[str, Any]) -> CaseInput:
    """A snapshot's case as the input that adds it: every field CaseInput has a column for."""
    given = {field.name for field in dataclass_fields(CaseInput)}
    return CaseInput(**{name: from_json(key, values[key]) for name, key in INPUT_KEYS.items()
                        if name in given and key in values})


def case_changes(values: Mapping[str, Any]) -> CaseChanges:
    """Case fields as a snapshot holds them (JSON), as `edit_case` takes them."""
    edits = {_FIELD_OF.get(key, key): from_json(key, value) for key, value in values.items()}
    return CaseChanges(**edits)  # type: ignore[typeddict-item]


def case_value_words(key: str, value: Any) -> str:
    """A case field's value in words: a census code with its words ("N1 Abuse or neglect"),
    a list of codes each so, dates the UK way."""
    if key in CENSUS_CODES and isinstance(value, str) and value:
        return _coded(CENSUS_CODES[key].codes, value)
    if key in CENSUS_CODE_LISTS:
        codes = list(value or [])
        return ("; ".join(_coded(CENSUS_CODE_LISTS[key].codes, code) for code in codes)
                or "none recorded")
    if is_date(key) and isinstance(value, str):
        return _date_words(value)
    if key == "events" and isinstance(value, dict):
        return "; ".join(f"{event.replace('_', ' ')} {case_value_words('allocated', when)}"
                         for event, when in sorted(value.items())) or "none recorded"
    return value_words(key, value)


def _coded(codes: Mapping[str, str], code: str) -> str:
    words = codes.get(code)
    return f"{code} {words}" if words is not None else code


def record_value_words(record_type: str, field: str, value: Any) -> str:
    """A value of a conflict, in words: a case's field as above, a record's as the history
    shows it."""
    if record_type == "case":
        return case_value_words(field, value)
    if (field in _RECORD_DATES or field.startswith("action ")) and isinstance(value, str):
        return _date_words(value)  # "action 2 done": the day an oversight action was done
    return value_words(field, value)


def _date_words(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value))
    except ValueError:
        return value
