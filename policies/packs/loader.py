"""Reading policy packs: one TOML file per local authority, into frozen `Policy` and `Rule` values.

Shipped packs live in the package `policies.packs`; a user's own packs and overrides live in
`<settings folder>/policies/*.toml` (docs/policies.md has the format and a worked example).
Every problem in a file is reported at once, each naming the file, the rule and the field.
"""

from __future__ import annotations

import copy
import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from policies.deadlines import Citation
from policies.facts import MEETING_KINDS, STEP_DOWN_SOURCES
from policies.limits import MAX_COUNT, MAX_MEETING_NUMBER
from policies.packs.types import (
    STEP_DOWN,
    ChairedBy,
    ChecklistItem,
    ClosureReason,
    Conditions,
    OtherReading,
    Policy,
    PolicyError,
    Rule,
    Timescale,
    Window,
)
from policies.vocabulary import (
    ANCHORS,
    BOOL_CONDITIONS,
    CONDITIONS,
    DIRECTIONS,
    DONE_BY,
    DONE_BY_KINDS,
    EVENTS,
    KINDS,
    MILESTONE_ANCHORS,
    MILESTONE_STAGES,
    PER_CASE,
    UNITS,
    WINDOW_CONDITIONS,
    or_list,
)

USER_POLICIES_FOLDER = "policies"


# ---------------------------------------------------------------------------------------------
# Loading


def load_policies(settings_dir: Path | None) -> dict[str, Policy]:
    """The shipped packs, then the user's packs and overrides from `<settings_dir>/policies/`."""
    raw_packs = {pack_id: copy.deepcopy(raw) for pack_id, raw in _shipped_raw().items()}
    origins = {pack_id: f"{pack_id}.toml" for pack_id in raw_packs}
    policies = {pack_id: _shipped_policies()[pack_id] for pack_id in raw_packs}
    if settings_dir is None:
        return policies
    folder = Path(settings_dir) / USER_POLICIES_FOLDER
    if not folder.is_dir():
        return policies
    problems: list[str] = []
    user_ids: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            raw = _read_toml(path.read_bytes(), path.name)
            pack_id, merged = _apply_user_file(raw, raw_packs, path.name)
            if pack_id in user_ids:
                raise PolicyError([
                    f'{path.name}: field "id": "{pack_id}" is also set by {user_ids[pack_id]}; '
                    "give each pack its own id, or put both changes in one file"
                ])
            user_ids[pack_id] = path.name
            origin = f"{origins[pack_id]} + {path.name}" if pack_id in origins else path.name
            policies[pack_id] = build_policy(merged, path.name, origin=origin)
            raw_packs[pack_id], origins[pack_id] = merged, origin
        except PolicyError as error:
            problems.extend(error.problems)
        except OSError as error:
            problems.append(f"{path.name}: cannot be read ({error.strerror or error})")
    if problems:
        raise PolicyError(problems)
    return policies


@lru_cache(maxsize=1)
def _shipped_raw() -> dict[str, dict[str, Any]]:
    raws: dict[str, dict[str, Any]] = {}
    for entry in sorted(resources.files("policies.packs").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            raw = _read_toml(entry.read_bytes(), entry.name)
            raws[str(raw.get("id"))] = raw
    return raws


@lru_cache(maxsize=1)
def _shipped_policies() -> dict[str, Policy]:
    return {
        pack_id: build_policy(copy.deepcopy(raw), f"{pack_id}.toml", origin=f"{pack_id}.toml")
        for pack_id, raw in _shipped_raw().items()
    }


def _read_toml(data: bytes, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PolicyError([f"{file}: is not UTF-8 text; save it as UTF-8"]) from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyError([f"{file}: is not valid TOML ({error})"]) from None


def _apply_user_file(
    raw: dict[str, Any], packs: dict[str, dict[str, Any]], file: str
) -> tuple[str, dict[str, Any]]:
    """The pack id a user file defines and its full raw pack (a new pack, or a pack changed)."""
    extends = raw.get("extends")
    pack_id = raw.get("id", extends)
    if not isinstance(pack_id, str) or not pack_id:
        raise PolicyError([
            f'{file}: field "id": missing; give the new pack an id, or set '
            f'extends = "<pack id>" to change a pack ({or_list(sorted(packs))})'
        ])
    if extends is not None and (not isinstance(extends, str) or extends not in packs):
        raise PolicyError([
            f'{file}: field "extends": {extends!r} is not a pack; use {or_list(sorted(packs))}'
        ])
    base_id = extends if extends is not None else (pack_id if pack_id in packs else None)
    if base_id is None:
        return pack_id, raw
    return pack_id, _merge(packs[base_id], raw, pack_id, file)


def _merge(base: dict[str, Any], change: dict[str, Any], pack_id: str, file: str) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    merged["id"] = pack_id
    for key, value in change.items():
        if key in ("extends", "id", "rules"):
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    changes = change.get("rules", [])
    if not isinstance(changes, list):
        return {**merged, "rules": changes}  # reported by validation
    rules = merged.setdefault("rules", [])
    index = {r.get("id"): i for i, r in enumerate(rules) if isinstance(r, dict)}
    for rule_change in changes:
        rule_id = rule_change.get("id") if isinstance(rule_change, dict) else None
        if rule_id not in index:
            rules.append(rule_change)  # a new rule: validated like any other
            continue
        rule = rules[index[rule_id]]
        for key, value in rule_change.items():
            if isinstance(value, dict) and isinstance(rule.get(key), dict):
                rule[key] = {**rule[key], **value}
            else:
                rule[key] = value
        changed = sorted(k for k in rule_change if k not in ("id", "notes"))
        if changed:
            rule["notes"] = [
                *_as_list(rule.get("notes")),
                f"Changed locally by {file}: {', '.join(changed)} (not the procedure's text).",
            ]
    return merged


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


# ---------------------------------------------------------------------------------------------
# Validation: a raw TOML table in, a Policy out, or every problem at once.

_PACK_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_RULE_ID = re.compile(r"[a-z0-9][a-z0-9_]*")

PACK_KEYS = ("id", "name", "extends", "notes", "procedure", "closure", "rules")
PROCEDURE_KEYS = ("title", "date", "source")
CLOSURE_KEYS = ("reasons", "checklist", "notes")
CHECKLIST_KEYS = ("id", "label", "required", "section", "quote", "applies_to", "not_for", "when")
RULE_KEYS = (
    "id", "kind", "label", "count", "unit", "direction", "anchor", "fallback_anchor",
    "anchor_kinds", "meeting_kinds", "nth", "conditions", "citation", "notes",
    "other_readings", "repeat", "met_by_event", "chaired_by", "enabled", "done_by",
    "overtaken_by",
)
CITATION_KEYS = ("procedure", "section", "quote")
UNIT_WORDS = or_list(UNITS)


class _Checker:
    """Reads fields from raw tables, noting each problem instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []

    def problem(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(f'{self.file}: {where}field "{field_name}": {message}')

    def unknown_keys(self, table: dict[str, Any], allowed: tuple[str, ...], where: str,
                     prefix: str = "") -> None:
        for key in table:
            if key not in allowed:
                self.problem(where, prefix + key, f"is not a known field; use {or_list(allowed)}")

    def get(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
            *, required: bool = False, default: Any = None, prefix: str = "") -> Any:
        name = prefix + key
        if key not in table:
            if required:
                self.problem(where, name, "is missing")
            return default
        value = table[key]
        expected = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in expected:
            value_ok = False
        else:
            value_ok = isinstance(value, expected)
        if not value_ok:
            if isinstance(value, str):
                shown = f'"{value}" is text, not {_type_words(expected)}'
                if int in expected or bool in expected:
                    shown += "; write it without quotes"
            else:
                value_text = str(value).lower() if isinstance(value, bool) else repr(value)
                shown = f"{value_text} is not {_type_words(expected)}"
            self.problem(where, name, shown)
            return default
        if isinstance(value, str) and not value.strip() and required:
            self.problem(where, name, "is empty")
            return default
        return value

    def text_list(self, table: dict[str, Any], key: str, where: str, *, prefix: str = "",
                  allowed: tuple[str, ...] | None = None, what: str = "") -> tuple[str, ...] | None:
        value = self.get(table, key, list, where, prefix=prefix)
        if value is None:
            return None
        items: list[str] = []
        for item in value:
            if not isinstance(item, str):
                self.problem(where, prefix + key, f"{item!r} is not text")
            elif allowed is not None and item not in allowed:
                self.problem(where, prefix + key, f'"{item}" is not {what}; use {or_list(allowed)}')
            else:
                items.append(item)
        return tuple(items)


def _type_words(types: tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", list: "a list",
             dict: "a table"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def build_policy(raw: dict[str, Any], file: str, *, origin: str = "") -> Policy:
    """Validate one raw pack table and build its Policy; PolicyError lists every problem."""
    check = _Checker(file)
    check.unknown_keys(raw, PACK_KEYS, "")
    pack_id = check.get(raw, "id", str, "", required=True, default="")
    if pack_id and not _PACK_ID.fullmatch(pack_id):
        check.problem("", "id",
                      f'"{pack_id}" is not an id; use lower-case letters, digits, - and _')
    name = check.get(raw, "name", str, "", required=True, default="")
    notes = check.text_list(raw, "notes", "") or ()
    procedure = check.get(raw, "procedure", dict, "", required=True, default={})
    check.unknown_keys(procedure, PROCEDURE_KEYS, "", prefix="procedure.")
    title = check.get(procedure, "title", str, "", required=True, default="", prefix="procedure.")
    proc_date = check.get(procedure, "date", str, "", default="", prefix="procedure.")
    source = check.get(procedure, "source", str, "", default="", prefix="procedure.")
    citation_procedure = f"{title} ({proc_date})" if proc_date else title

    reasons, checklist, closure_notes = _closure(raw, check, citation_procedure)

    raw_rules = check.get(raw, "rules", list, "", required=True, default=[])
    rules: list[Rule] = []
    seen: set[str] = set()
    for position, raw_rule in enumerate(raw_rules, 1):
        if not isinstance(raw_rule, dict):
            check.problem(f"rule {position}: ", "rules", "is not a table; write it as [[rules]]")
            continue
        rule_id = raw_rule.get("id")
        if isinstance(rule_id, str) and rule_id in seen:
            check.problem(f'rule "{rule_id}": ', "id",
                          "is used by another rule in this pack; give each rule its own id")
            continue
        if isinstance(rule_id, str):
            seen.add(rule_id)
        rule = _rule(raw_rule, position, check, pack_id, citation_procedure)
        if rule is not None:
            rules.append(rule)
    if check.problems:
        raise PolicyError(check.problems)
    return Policy(
        id=pack_id, name=name, procedure=title, procedure_date=proc_date, source=source,
        rules=tuple(rules), closure_reasons=reasons, closure_checklist=checklist,
        closure_notes=closure_notes, notes=tuple(notes), origin=origin or file,
    )


def _closure(
    raw: dict[str, Any], check: _Checker, procedure: str,
) -> tuple[tuple[ClosureReason, ...], tuple[ChecklistItem, ...], tuple[str, ...]]:
    closure = check.get(raw, "closure", dict, "", default={})
    check.unknown_keys(closure, CLOSURE_KEYS, "", prefix="closure.")
    reasons: list[ClosureReason] = []
    for item in check.get(closure, "reasons", list, "", default=[], prefix="closure."):
        where = f'closure reason "{item.get("code", "?")}": ' if isinstance(item, dict) else ""
        if not isinstance(item, dict):
            check.problem("", "closure.reasons", f"{item!r} is not a table with code and label")
            continue
        check.unknown_keys(item, ("code", "label", "census"), where)
        code = check.get(item, "code", str, where, required=True)
        label = check.get(item, "label", str, where, required=True)
        census = check.get(item, "census", str, where)
        if census is not None and not re.fullmatch(r"RC[1-9]", census):
            check.problem(where, "census", f'"{census}" is not a census code; use RC1 to RC9')
        if code and label:
            reasons.append(ClosureReason(code, label, census))
    items: list[ChecklistItem] = []
    for item in check.get(closure, "checklist", list, "", default=[], prefix="closure."):
        if not isinstance(item, dict):
            check.problem("", "closure.checklist", f"{item!r} is not a table with id and label")
            continue
        where = f'closure checklist item "{item.get("id", "?")}": '
        check.unknown_keys(item, CHECKLIST_KEYS, where)
        item_id = check.get(item, "id", str, where, required=True)
        label = check.get(item, "label", str, where, required=True)
        required = check.get(item, "required", bool, where, default=True)
        section = check.get(item, "section", str, where)
        quote = check.get(item, "quote", str, where)
        citation = Citation(procedure, section, quote) if section and quote else None
        applies_to, not_for = _checklist_reasons(item, where, check, reasons)
        when = check.get(item, "when", str, where)
        if when is not None and when != STEP_DOWN:
            check.problem(where, "when", f'"{when}" is not known; use "{STEP_DOWN}" (an item '
                                         "asked only when the case steps down to Early Help)")
        if item_id and label:
            items.append(ChecklistItem(item_id, label, required, citation,
                                       applies_to=applies_to, not_for=not_for, when=when))
    notes = check.text_list(closure, "notes", "", prefix="closure.") or ()
    return tuple(reasons), tuple(items), tuple(notes)


def _checklist_reasons(
    item: dict[str, Any], where: str, check: _Checker, reasons: list[ClosureReason]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`applies_to` and `not_for`: census codes RC1-RC9 or the pack's own reason codes."""
    codes = tuple(f"RC{n}" for n in range(1, 10)) + tuple(r.code for r in reasons)
    found = [check.text_list(item, key, where, allowed=codes,
                             what="a census code RC1-RC9 or one of this pack's reason codes")
             or () for key in ("applies_to", "not_for")]
    if found[0] and found[1]:
        check.problem(where, "not_for", "give applies_to or not_for, not both")
    return found[0], found[1]


def _rule(raw: dict[str, Any], position: int, check: _Checker, pack_id: str,
          procedure: str) -> Rule | None:
    rule_id = raw.get("id")
    where = f'rule "{rule_id}": ' if isinstance(rule_id, str) else f"rule {position}: "
    before = len(check.problems)
    check.unknown_keys(raw, RULE_KEYS, where)
    rule_id = check.get(raw, "id", str, where, required=True, default="")
    if rule_id and not _RULE_ID.fullmatch(rule_id):
        check.problem(where, "id",
                      f'"{rule_id}" is not an id; use lower-case letters, digits and _')
    if not check.get(raw, "enabled", bool, where, default=True):
        return None
    kind = check.get(raw, "kind", str, where, required=True)
    if kind is not None and kind not in KINDS:
        check.problem(where, "kind", f'"{kind}" is not a kind; use {or_list(KINDS)}')
    label = check.get(raw, "label", str, where, required=True, default="")
    timescale = _timescale(raw, where, check, "", allow_per_case=True)
    anchor = _anchor(raw, "anchor", where, check, required=True)
    fallback = _anchor(raw, "fallback_anchor", where, check)
    anchor_kinds = check.text_list(raw, "anchor_kinds", where, allowed=MEETING_KINDS,
                                   what="a meeting kind")
    meeting_kinds = check.text_list(raw, "meeting_kinds", where, allowed=MEETING_KINDS,
                                    what="a meeting kind")
    nth = check.get(raw, "nth", int, where)
    if anchor == "nth_meeting" and nth is None:
        check.problem(where, "nth",
                      'is missing; anchor "nth_meeting" needs nth = <which meeting, 1 or more>')
    if nth is not None and not 1 <= nth <= MAX_MEETING_NUMBER:
        check.problem(where, "nth", f"{nth} is not a meeting number; use 1 to {MAX_MEETING_NUMBER}")
    conditions = _conditions(raw, where, check)
    citation = _citation(raw, where, check, procedure)
    notes = check.text_list(raw, "notes", where) or ()
    other = _other_readings(raw, where, check)
    repeat = None
    if "repeat" in raw:
        table = check.get(raw, "repeat", dict, where, default={})
        check.unknown_keys(table, ("count", "unit"), where, prefix="repeat.")
        repeat = _timescale(table, where, check, "repeat.", allow_per_case=False)
        if repeat and timescale and repeat.unit != timescale.unit:
            check.problem(where, "repeat.unit",
                          f'"{repeat.unit}" differs from unit "{timescale.unit}"; '
                          "use the same unit")
        if repeat and repeat.count == 0:
            check.problem(where, "repeat.count", "0 would repeat forever on one day; use 1 or more")
    met_by_event = check.get(raw, "met_by_event", str, where)
    if met_by_event is not None and met_by_event not in EVENTS:
        check.problem(where, "met_by_event",
                      f'"{met_by_event}" is not an event; use {or_list(tuple(EVENTS))}')
    chaired_by = _chaired_by(raw, where, check)
    done_by = _done_by(raw, where, check, kind, met_by_event)
    overtaken_by = _overtaken_by(raw, where, check, anchor, repeat)
    if timescale and timescale.per_case and kind != "visit":
        check.problem(where, "unit",
                      '"per_case" is only for visit rules (the visiting frequency on the case)')
    if timescale and timescale.direction == "before" and anchor != "booked_meeting":
        check.problem(where, "direction",
                      '"before" counts back from a booked date; use it with anchor '
                      '"booked_meeting"')
    if len(check.problems) > before or timescale is None or anchor is None or citation is None:
        return None
    return Rule(
        policy_id=pack_id, id=rule_id, kind=kind, label=label, timescale=timescale,
        anchor=anchor, citation=citation, conditions=conditions, fallback_anchor=fallback,
        anchor_kinds=anchor_kinds or ANCHORS[anchor].default_kinds,
        meeting_kinds=meeting_kinds or (), nth=nth, repeat=repeat, met_by_event=met_by_event,
        chaired_by=chaired_by, other_readings=other, notes=tuple(notes), done_by=done_by,
        overtaken_by=overtaken_by,
    )


def _done_by(raw: dict[str, Any], where: str, check: _Checker, kind: str | None,
             met_by_event: str | None) -> str | None:
    done_by: str | None = check.get(raw, "done_by", str, where)
    if done_by is None:
        return None
    if done_by not in DONE_BY:
        check.problem(where, "done_by",
                      f'"{done_by}" is not who marks a rule done; use {or_list(tuple(DONE_BY))}')
        return None
    allowed = DONE_BY_KINDS[done_by]
    if kind is not None and kind not in allowed and not (done_by == "worker" and met_by_event):
        check.problem(where, "done_by",
                      f'"{done_by}" is not for a {kind} rule (it is met by recording it); '
                      f"use it on {or_list(allowed)} rules"
                      + (", or a rule with met_by_event" if done_by == "worker" else ""))
        return None
    return done_by


def _overtaken_by(raw: dict[str, Any], where: str, check: _Checker, anchor: str | None,
                  repeat: Timescale | None) -> tuple[str, ...]:
    stages = check.text_list(raw, "overtaken_by", where, allowed=tuple(MILESTONE_STAGES),
                             what="a stage")
    if not stages:
        return ()
    if repeat is not None:
        check.problem(where, "overtaken_by",
                      "is for one-off milestones; a rule with repeat is never overtaken")
        return ()
    if anchor is not None and anchor not in MILESTONE_ANCHORS:
        check.problem(where, "overtaken_by",
                      f'is for milestones counted from a fixed date of the first weeks; '
                      f'anchor "{anchor}" is not one (use {or_list(MILESTONE_ANCHORS)})')
        return ()
    return stages


def _timescale(raw: dict[str, Any], where: str, check: _Checker, prefix: str, *,
               allow_per_case: bool) -> Timescale | None:
    unit = check.get(raw, "unit", str, where, required=True, prefix=prefix)
    accepted = UNIT_WORDS + (
        " (or per_case in a visit rule: the visiting frequency recorded on the case)"
        if allow_per_case else "")
    if unit is not None and unit not in UNITS and not (allow_per_case and unit == PER_CASE):
        check.problem(where, prefix + "unit", f'"{unit}" is not a unit; use {accepted}')
        unit = None
    count = check.get(raw, "count", int, where, required=unit not in (None, PER_CASE),
                      prefix=prefix)
    if unit == PER_CASE and count is not None:
        check.problem(where, prefix + "count",
                      'leave it out with unit "per_case" (the case says how often)')
    if count is not None and count < 0:
        check.problem(where, prefix + "count",
                      f'{count} is negative; use direction = "before" to count back')
        count = None
    count = _count_within_limits(check, where, prefix + "count", count, unit)
    direction = "after"
    if not prefix:
        direction = check.get(raw, "direction", str, where, default="after")
        if direction not in DIRECTIONS:
            check.problem(where, "direction",
                          f'"{direction}" is not a direction; use {or_list(DIRECTIONS)}')
            direction = "after"
    if unit is None or (unit != PER_CASE and count is None):
        return None
    return Timescale(count, unit, direction)


def _count_within_limits(check: _Checker, where: str, name: str, count: int | None,
                         unit: str | None) -> int | None:
    """`count`, or None (with a problem noted) when it is more than two years in its unit."""
    if count is None or unit not in MAX_COUNT or count <= MAX_COUNT[unit]:
        return count
    check.problem(where, name, f"{count} is more than two years of {unit.replace('_', ' ')}; "
                  f"use 0 to {MAX_COUNT[unit]} (docs/policies.md, Limits)")
    return None


def _anchor(raw: dict[str, Any], key: str, where: str, check: _Checker, *,
            required: bool = False) -> str | None:
    anchor: str | None = check.get(raw, key, str, where, required=required)
    if anchor is not None and anchor not in ANCHORS:
        check.problem(where, key, f'"{anchor}" is not an anchor; use {or_list(tuple(ANCHORS))}')
        return None
    return anchor


def _conditions(raw: dict[str, Any], where: str, check: _Checker) -> Conditions:
    table = check.get(raw, "conditions", dict, where, default={})
    check.unknown_keys(table, CONDITIONS, where, prefix="conditions.")
    values: dict[str, Any] = {}
    for key in BOOL_CONDITIONS:
        values[key] = check.get(table, key, bool, where, prefix="conditions.")
    values["stepped_down_from"] = check.text_list(
        table, "stepped_down_from", where, prefix="conditions.", allowed=STEP_DOWN_SOURCES,
        what="a step-down source",
    )
    for key in WINDOW_CONDITIONS:
        window = check.get(table, key, dict, where, prefix="conditions.")
        if window is None:
            continue
        prefix = f"conditions.{key}."
        check.unknown_keys(window, ("count", "unit", "of"), where, prefix=prefix)
        count = check.get(window, "count", int, where, required=True, prefix=prefix)
        unit = check.get(window, "unit", str, where, required=True, prefix=prefix)
        if unit is not None and unit not in UNITS:
            check.problem(where, prefix + "unit", f'"{unit}" is not a unit; use {UNIT_WORDS}')
            unit = None
        if count is not None and count < 0:
            check.problem(where, prefix + "count", f"{count} is negative; use 0 or more")
            count = None
        count = _count_within_limits(check, where, prefix + "count", count, unit)
        of = check.get(window, "of", str, where, required=True, prefix=prefix)
        dated = tuple(name for name, spec in ANCHORS.items()
                      if not spec.per_item and not spec.meetings)
        if of is not None and of not in dated:
            check.problem(where, prefix + "of",
                          f'"{of}" is not a dated event; use {or_list(dated)}')
            of = None
        if count is not None and unit and of:
            values[key] = Window(count, unit, of)
    return Conditions(**values)


def _citation(raw: dict[str, Any], where: str, check: _Checker, procedure: str) -> Citation | None:
    table = check.get(raw, "citation", dict, where, required=True)
    if table is None:
        return None
    check.unknown_keys(table, CITATION_KEYS, where, prefix="citation.")
    section = check.get(table, "section", str, where, required=True, prefix="citation.")
    quote = check.get(table, "quote", str, where, required=True, prefix="citation.")
    procedure = check.get(table, "procedure", str, where, default=procedure, prefix="citation.")
    if not section or not quote:
        return None
    return Citation(procedure=procedure, section=section, quote=quote)


def _other_readings(raw: dict[str, Any], where: str, check: _Checker) -> tuple[OtherReading, ...]:
    readings: list[OtherReading] = []
    for item in check.get(raw, "other_readings", list, where, default=[]):
        if not isinstance(item, dict):
            check.problem(where, "other_readings",
                          f"{item!r} is not a table with count, unit, section and quote")
            continue
        prefix = "other_readings."
        check.unknown_keys(item, ("count", "unit", "section", "quote", "note"), where,
                           prefix=prefix)
        count = check.get(item, "count", int, where, required=True, prefix=prefix)
        unit = check.get(item, "unit", str, where, required=True, prefix=prefix)
        if unit is not None and unit not in UNITS:
            check.problem(where, prefix + "unit", f'"{unit}" is not a unit; use {UNIT_WORDS}')
            unit = None
        if count is not None and count < 0:
            check.problem(where, prefix + "count", f"{count} is negative; use 0 or more")
            count = None
        count = _count_within_limits(check, where, prefix + "count", count, unit)
        section = check.get(item, "section", str, where, required=True, prefix=prefix)
        quote = check.get(item, "quote", str, where, required=True, prefix=prefix)
        note = check.get(item, "note", str, where, default="", prefix=prefix)
        if count is not None and unit and section and quote:
            readings.append(OtherReading(count, unit, section, quote, note))
    return tuple(readings)


def _chaired_by(raw: dict[str, Any], where: str, check: _Checker) -> ChairedBy | None:
    table = check.get(raw, "chaired_by", dict, where)
    if table is None:
        return None
    prefix = "chaired_by."
    check.unknown_keys(table, ("roles", "meeting", "kinds"), where, prefix=prefix)
    roles = check.text_list(table, "roles", where, prefix=prefix)
    if not roles:
        check.problem(where, prefix + "roles",
                      "is missing; list the chair roles that meet this rule")
    meeting = check.get(table, "meeting", int, where, required=True, prefix=prefix)
    if meeting is not None and not 1 <= meeting <= MAX_MEETING_NUMBER:
        check.problem(where, prefix + "meeting",
                      f"{meeting} is not a meeting number; use 1 to {MAX_MEETING_NUMBER}")
        meeting = None
    kinds = check.text_list(table, "kinds", where, prefix=prefix, allowed=MEETING_KINDS,
                            what="a meeting kind")
    if not roles or meeting is None:
        return None
    return ChairedBy(tuple(normalise_role(r) for r in roles), meeting, kinds or MEETING_KINDS)


def normalise_role(role: str) -> str:
    """"Team Manager", "team-manager" and "team_manager" are one role."""
    return "_".join(role.lower().replace("-", " ").split())
