"""What an import would change, field by field, for `cin import --dry-run`: old -> new.

Built from the same before/after the audit records (models.upsert.CaseChange), so the dry run
shows exactly what a real import would write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from policies.dates import format_date

CLEARED = "(cleared)"
NOT_SET = "(not set)"


def change_lines(changes: Iterable[Any], *, limit: int = 200) -> list[str]:
    """One block per changed case: each field old -> new, each visit or meeting added or
    changed. New cases get one line each. At most `limit` lines, then a count of the rest."""
    lines: list[str] = []
    for change in changes:
        if change.before is None:
            history = change.summary.removeprefix("Imported a new case").strip()
            lines.append(f"{change.ref}: new case ({history or 'no history'})")
            continue
        lines.append(f"{change.ref}:")
        lines += [f"  {line}" for line in _case_lines(change.before, change.after)]
    if len(lines) > limit:
        rest = len(lines) - limit
        lines = [*lines[:limit], f"... and {rest} more line{'s' if rest != 1 else ''}"]
    return lines


def _case_lines(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = []
    for name, new in after.items():
        if name in ("visits", "meetings"):
            lines += _history_lines(name[:-1], before.get(name, []), new)
        elif name == "closure":
            lines += _closure_lines(before.get(name), new)
        else:
            lines.append(f"{name}: {_show(before.get(name))} -> {_shown_new(new)}")
    return lines


def _history_lines(what: str, before: list[dict[str, Any]],
                   after: list[dict[str, Any]]) -> list[str]:
    was = {record["id"]: record for record in before}
    lines = []
    for record in after:
        label = _record_label(what, record)
        old = was.get(record["id"])
        if old is None:
            details = ", ".join(f"{k} {_show(v)}" for k, v in record.items()
                                if k not in ("id", "date", "kind") and v is not None)
            lines.append(f"{label}: added" + (f" ({details})" if details else ""))
            continue
        for key, new in record.items():
            if key in ("id",) or old.get(key) == new:
                continue
            lines.append(f"{label}: {key} {_show(old.get(key))} -> {_shown_new(new)}")
    return lines


def _closure_lines(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        given = ", ".join(f"{k} {_show(v)}" for k, v in after.items() if v is not None)
        return [f"closure: added ({given})"]
    return [f"closure {key}: {_show(before.get(key))} -> {_shown_new(new)}"
            for key, new in after.items()]


def _record_label(what: str, record: dict[str, Any]) -> str:
    when = _show(record.get("date"))
    if what == "meeting":
        return f"{record.get('kind', 'meeting')} meeting of {when}"
    return f"visit of {when}"


def _shown_new(value: Any) -> str:
    return CLEARED if value is None else _show(value)


def _show(value: Any) -> str:
    """A value as a person reads it: UK dates, yes/no, quoted text (the caller passes each
    line through policies.safe_text before it reaches a terminal)."""
    if value is None:
        return NOT_SET
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value)) if len(value) == 10 else _quoted(value)
        except ValueError:
            return _quoted(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return _quoted(str(value))


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
