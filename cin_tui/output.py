"""What the read-only commands print: `cin due` (text or JSON), `cin explain`, `cin policies`,
and the summary of an import.

Plain text, no colour, readable in 80 columns, so it pastes into an email or a case note.
The `cin due --json` items are a contract for scripts (docs/formats.md): add keys, never rename
or remove one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from models.calendar_events import open_deadlines
from policies.dates import format_date
from policies.deadlines import Deadline
from policies.safe_text import safe_text

if TYPE_CHECKING:
    from policies.packs.types import Policy

UNIT_WORDS = {"working_days": "WD", "days": "days", "weeks": "weeks", "months": "months"}
UNIT_WORD_ONE = {"working_days": "WD", "days": "day", "weeks": "week", "months": "month"}
UNIT_SHORT = {"working_days": "WD", "days": "d", "weeks": "wk", "months": "mo"}
STATUS_WORDS = {"overdue": "LATE", "due_soon": "SOON", "ok": ""}
STATUS_PHRASES = {"overdue": "overdue", "due_soon": "due soon", "ok": "on track"}


@dataclass(frozen=True, slots=True)
class DueItem:
    """One open deadline of one case: a row of `cin due`."""

    ref: str
    name: str
    worker: str | None
    team: str | None
    policy: str
    deadline: Deadline

    def as_json(self) -> dict:
        d = self.deadline
        return {
            "ref": self.ref,
            "name": self.name,
            "worker": self.worker,
            "team": self.team,
            "policy": self.policy,
            "kind": d.kind,
            "label": d.label,
            "due": d.due.isoformat(),
            "status": d.status,
            "countdown": d.countdown,
            "unit": d.unit,
            "rule": d.rule_id,
            "source": str(d.citation),
            "basis": d.basis,
            "notes": list(d.notes),
        }


def due_items(rows: Iterable, *, today: date, within_days: int | None = None) -> list[DueItem]:
    """Open deadlines of open cases, soonest first; `within_days` keeps those due on or before
    today + N calendar days (so anything overdue is always kept). The same selection as the
    calendar file's (`models.calendar_events.open_deadlines`), so the two never disagree."""
    return [
        DueItem(summary.ref, summary.name, summary.worker, summary.team, summary.policy_id,
                deadline)
        for summary, deadline in open_deadlines(rows, today=today, within_days=within_days)
    ]


def due_json(items: Iterable[DueItem]) -> str:
    """Exactly `json.dumps([item.as_json() ...], indent=2, ensure_ascii=False) + "\n"`
    (tests/cli/test_due_json_text.py holds them equal), written out directly: the general
    encoder's indented mode runs in pure Python and took most of `cin due --json`'s time."""
    texts = [item_json(item) for item in items]
    if not texts:
        return "[]\n"
    return "[\n" + ",\n".join(texts) + "\n]\n"


def item_json(item: DueItem) -> str:
    """One item of `due_json`, indented as in the list."""
    s = _json_string
    d = item.deadline
    notes = d.notes
    notes_text = ("[\n      " + ",\n      ".join(map(s, notes)) + "\n    ]") if notes else "[]"
    return (
        f'  {{\n    "ref": {_json_value(item.ref)},\n    "name": {_json_value(item.name)},\n'
        f'    "worker": {_json_value(item.worker)},\n    "team": {_json_value(item.team)},\n'
        f'    "policy": {_json_value(item.policy)},\n    "kind": {_json_value(d.kind)},\n'
        f'    "label": {_json_value(d.label)},\n    "due": "{d.due.isoformat()}",\n'
        f'    "status": {_json_value(d.status)},\n    "countdown": {int(d.countdown)!r},\n'
        f'    "unit": {_json_value(d.unit)},\n    "rule": {_json_value(d.rule_id)},\n'
        f'    "source": {s(str(d.citation))},\n    "basis": {_json_value(d.basis)},\n'
        f'    "notes": {notes_text}\n  }}'
    )


# The C encoder's string escaping (ensure_ascii=False).
_json_string = json.encoder.encode_basestring


def _json_value(value: str | None) -> str:
    return "null" if value is None else _json_string(value)


def countdown_text(countdown: int, unit: str, *, short: bool = False) -> str:
    """'3 WD left', 'due today', '1 day late'; short: '3 WD left', '38 d late', '2 wk left'."""
    if countdown == 0:
        return "today" if short else "due today"
    count = abs(countdown)
    words = UNIT_SHORT if short else UNIT_WORD_ONE if count == 1 else UNIT_WORDS
    return f"{count} {words.get(unit, unit)} {'left' if countdown > 0 else 'late'}"


def due_table(items: list[DueItem], *, today: date, width: int | None = 80) -> str:
    """A table for people; `width` None (output to a file or pipe) never cuts a cell short."""
    if not items:
        return f"Nothing due: no open deadlines (today is {format_date(today)}).\n"
    header = ("Due", "", "When", "Ref", "Child", "Deadline")
    rows = [
        (format_date(i.deadline.due), STATUS_WORDS.get(i.deadline.status, ""),
         countdown_text(i.deadline.countdown, i.deadline.unit, short=True), safe_text(i.ref),
         safe_text(i.name), safe_text(i.deadline.label))
        for i in items
    ]
    # When too wide, the deadline label gives way first (down to 24), then the child's name.
    lines = _table(header, rows, width=width, give_way={5: 24, 4: 12})
    overdue = sum(1 for i in items if i.deadline.status == "overdue")
    soon = sum(1 for i in items if i.deadline.status == "due_soon")
    lines.append("")
    lines.append(f"{len(items)} deadline{'s' if len(items) != 1 else ''}: {overdue} overdue, "
                 f"{soon} due soon. Today is {format_date(today)}.")
    lines.append("`cin explain REF` shows how each date was worked out.")
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, width: int | None,
           give_way: dict[int, int]) -> list[str]:
    """Left-aligned columns two spaces apart. To fit `width`, the `give_way` columns (in that
    order, each down to its minimum) are cut short with an ellipsis."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    gap = 2
    if width is not None:
        overflow = sum(widths) + gap * (len(widths) - 1) - width
        for column, minimum in give_way.items():
            cut = max(0, min(overflow, widths[column] - minimum))
            widths[column] -= cut
            overflow -= cut

    def line(cells: tuple[str, ...]) -> str:
        return (" " * gap).join(
            _fit(cell, w) for cell, w in zip(cells, widths, strict=True)).rstrip()

    return [line(header), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]


def _fit(text: str, width: int) -> str:
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(width - 1, 0)] + "\u2026"


# cin explain


def explain_text(row, policy, *, today: date, width: int = 80,
                 census: Sequence[tuple[str, str]] = ()) -> str:
    """Every deadline of one case (a `models.caseload.CaseloadRow`) with its rule, citation,
    basis and notes; `census`: its census fields in words (policies.census_codes.census_facts).
    Every piece of stored or pack text goes through `safe_text`."""
    case = row.summary
    lines = [f"{safe_text(case.ref)}  {safe_text(case.name)}"]
    facts = [f"born {format_date(case.dob)}"] if case.dob is not None else []
    facts.append(f"worker {safe_text(case.worker or 'not allocated')}")
    if case.team:
        facts.append(f"team {safe_text(case.team)}")
    if case.family:
        facts.append(f"family {safe_text(case.family)}")
    lines.append(", ".join(facts))
    procedure = f" ({policy.citation_procedure})" if policy is not None else ""
    lines.append(safe_text(f"Policy: {case.policy_id}{procedure}"))
    for label, words in census:
        lines.extend(_wrapped(f"{label}: ", safe_text(words), width))
    lines.append(f"Today: {format_date(today)}")
    lines.append("")
    if row.error:
        lines.append(f"No deadlines: {safe_text(row.error)}")
    elif case.closed:
        closed = f" on {format_date(case.closure_date)}" if case.closure_date else ""
        lines.append(f"This case was closed{closed}: it has no open deadlines.")
    elif not row.deadlines:
        lines.append("No open deadlines.")
    from policies.packs.types import NO_VISIT_FREQUENCY, visit_frequency_missing

    if not row.error and not case.closed and visit_frequency_missing(policy, case.visit_every):
        lines.extend(_wrapped("Visits: ", safe_text(
            f"{NO_VISIT_FREQUENCY} (the {policy.id} procedure leaves the frequency to each "
            "case, so there is no visit deadline until one is set: cin edit-case "
            f'{case.ref} --visit-every "4 weeks")'), width))
        lines.append("")
    for number, d in enumerate(row.deadlines, start=1):
        lines.extend(_wrapped(f"{number}. ".ljust(3), safe_text(d.label), width))
        lines.append(f"   Due:    {format_date(d.due)} ({countdown_text(d.countdown, d.unit)}, "
                     f"{STATUS_PHRASES.get(d.status, d.status)})")
        lines.append(f"   Rule:   {safe_text(d.rule_id)}")
        lines.extend(_wrapped("   Source: ", safe_text(str(d.citation)), width))
        lines.extend(_wrapped("   Basis:  ", safe_text(d.basis), width))
        for note in d.notes:
            lines.extend(_wrapped("   Note:   ", safe_text(note), width))
        task = _worker_task_id(policy, d.rule_id)
        if task:
            lines.extend(_wrapped("   Done?   ", safe_text(
                f"your own task: `cin done {case.ref} {task}` when it is done"), width))
        lines.append("")
    if row.missed:
        lines.append("Missed (overtaken: history, no longer open):")
        for m in row.missed:
            lines.extend(_wrapped("- ", safe_text(
                f"{m.label}: due {format_date(m.due)}, never recorded; missed once "
                f"{m.overtaken} (rule {m.rule_id})"), width))
        lines.append("")
    if policy is not None and policy.notes:
        if lines[-1]:
            lines.append("")
        lines.append(f"About the {safe_text(policy.id)} pack:")
        for note in policy.notes:
            lines.extend(_wrapped("- ", safe_text(note), width))
    return "\n".join(lines).rstrip("\n") + "\n"


def _worker_task_id(policy, rule_id: str) -> str | None:
    """The rule's own id when it is a task the worker marks done (`cin done`)."""
    if policy is None:
        return None
    try:
        rule = policy.rule(rule_id)
    except KeyError:  # an oversight action, or a rule no longer in the pack
        return None
    return rule.id if rule.worker_task else None


def _wrapped(label: str, text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=max(width, 40), initial_indent=label,
                         subsequent_indent=" " * len(label)) or [label.rstrip()]


# cin policies


def policies_text(policies: Mapping[str, Policy], *, shipped_folder: Path,
                  user_folder: Path) -> str:
    """Each pack with the file(s) it was read from: shipped, the user's own, or both (a user
    file that overrides part of a shipped pack)."""
    if not policies:
        return "No policy packs found.\n"
    lines = []
    for policy_id in sorted(policies):
        policy = policies[policy_id]
        lines.append(safe_text(f"{policy_id}: {policy.name}"))
        lines.append(f"    procedure: {safe_text(policy.citation_procedure)}")
        for file_name in (part.strip() for part in policy.origin.split("+")):
            if not file_name:
                continue
            user_file = user_folder / file_name
            if user_file.is_file():
                lines.append(f"    yours:     {safe_text(str(user_file))}")
            else:
                lines.append(f"    shipped:   {safe_text(str(shipped_folder / file_name))}")
    lines.append("")
    lines.append(f"Your own packs and overrides go in {safe_text(str(user_folder))} "
                 "(see docs/policies.md).")
    return "\n".join(lines) + "\n"


# cin import


def import_report_text(report) -> str:
    """What an import did (or, with --dry-run, would do)."""
    summary = report.summary
    count = len(report.cases)
    lines = [safe_text(f"{report.file}: {count} case{'s' if count != 1 else ''} read. {summary}")]
    if report.ignored_columns:
        lines.append(safe_text("Columns left out (not in the format, --ignore-unknown-columns): "
                               + ", ".join(report.ignored_columns)))
    would = "Would add" if report.dry_run else "Added"
    if summary.added_refs:
        lines.append(f"{would}: {_ref_list(summary.added_refs)}")
    if summary.changed_refs:
        lines.append(f"{'Would change' if report.dry_run else 'Changed'}: "
                     f"{_ref_list(summary.changed_refs)}")
    if report.dry_run and summary.details:
        from cin_tui.import_changes import change_lines

        lines += [safe_text(line) for line in change_lines(summary.details)]
    lines += [safe_text(note) for note in summary.notes]
    lines += [safe_text(f"Warning (imported all the same; check it): {warning.render(report.file)}")
              for warning in getattr(report, "warnings", ())]
    lines += [safe_text(f"Left out: {item.render(report.file)}")
              for item in getattr(report, "left_out", ())]
    if report.backup is not None:
        lines.append("The database as it was before this import is backed up in "
                     f"{safe_text(str(report.backup))}")
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)


def _ref_list(refs: list[str], limit: int = 20) -> str:
    shown = ", ".join(safe_text(ref) for ref in refs[:limit])
    return shown + (f" and {len(refs) - limit} more" if len(refs) > limit else "")
