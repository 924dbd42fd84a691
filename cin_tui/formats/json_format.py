"""The JSON format: every case with its full history of visits, meetings and closure.

`read_json` turns a file's text into `CaseInput`s plus every problem found; `write_json` writes
the same format back. Writing is deterministic (cases by ref, history by date, every key present
in a fixed order), so export -> import into an empty database -> export gives identical bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

from cin_tui.formats.fields import (
    FieldReader,
    LongNumber,
    Problem,
    census_code_upper,
    describe_json_value,
    is_blank,
    read_case,
    record_label,
)
from models.inputs import CaseInput, ClosureInput, MeetingInput, TaskDoneInput, VisitInput
from policies.dates import format_frequency
from policies.facts import MEETING_KINDS, MEETING_STATUSES
from policies.vocabulary import EVENTS

CASE_FIELDS = (
    "ref", "name", "dob", "policy", "worker", "team", "family", "disabled", "private_fostering",
    "visit_every", "allocated", "assessment_completed", "plan_started", "complex_plan",
    "key_worker_led", "stepped_down_from", "stepped_down_on", "referral_date", "referral_source",
    "primary_need", "assessment_started", "assessment_factors", "plan_ended", "sex",
    "ethnicity", "upn", "upn_unknown", "disabilities", "events", "visits", "meetings",
    "closure", "tasks_done",
)
VISIT_FIELDS = (
    "id", "date", "seen", "seen_alone", "not_alone_reason", "childs_voice", "location", "recorded",
    "withdrawn_on", "withdrawn_reason",
)
MEETING_FIELDS = (
    "id", "kind", "status", "date", "chair", "chair_role", "family_attended", "circulated",
    "cancelled_on", "cancel_reason", "withdrawn_on", "withdrawn_reason",
)
CLOSURE_FIELDS = (
    "date", "reason", "note", "step_down_to_early_help", "lead_professional", "checklist",
)
TASK_DONE_FIELDS = ("rule", "done", "due", "note")

_ACCEPTED_SETS: dict[tuple[str, ...], frozenset[str]] = {
    fields: frozenset(fields)
    for fields in (("cases",), CASE_FIELDS, VISIT_FIELDS, MEETING_FIELDS, CLOSURE_FIELDS,
                   TASK_DONE_FIELDS)
}


_LONGEST_NUMBER = 20  # digits; no field of a case takes a longer number


def _bounded_int(digits: str) -> int | LongNumber:
    # Python refuses to convert integers of over 4,300 digits with an error that names no
    # record; longer than any field takes, a number is kept as text and refused by its field.
    return LongNumber(digits) if len(digits) > _LONGEST_NUMBER else int(digits)


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogates(value: object, path: str) -> Iterator[str]:
    """Where the document holds a lone surrogate, named as a field path (the character itself
    cannot be printed)."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            yield path or "(value)"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = _SURROGATE.sub("?", key)
            where = f"{path}.{name}" if path else name
            if name != key:
                yield where
            yield from _lone_surrogates(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _lone_surrogates(item, f"{path}[{index}]")


class _Object(dict):
    """A JSON object that had keys written twice (json.loads alone would keep only the last)."""

    duplicates: tuple[str, ...] = ()


def _object_keeping_duplicates(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result  # the usual case: a plain dict, the cheapest thing to build
    seen: set[str] = set()
    duplicates: list[str] = []
    for key, _ in pairs:
        if key in seen:
            duplicates.append(key)
        else:
            seen.add(key)
    marked = _Object(result)
    marked.duplicates = tuple(duplicates)
    return marked


def read_json(
    text: str, *, default_policy: str | None = None, default_worker: str | None = None
) -> tuple[list[CaseInput], list[Problem]]:
    """Parse a JSON import file. Returns the cases that read cleanly and every problem found."""
    problems: list[Problem] = []
    try:
        document = json.loads(text.removeprefix("\ufeff"),
                              object_pairs_hook=_object_keeping_duplicates,
                              parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        problems.append(Problem(
            f"line {error.lineno} column {error.colno}", "", f"not valid JSON ({error.msg})"
        ))
        return [], problems
    except RecursionError:
        problems.append(Problem("", "", "is nested too deeply to be a cin import file "
                                        '(expected {"cases": [{...}, ...]})'))
        return [], problems
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        problems.append(Problem(
            "", "", 'expected a JSON object with a "cases" list: {"cases": [{"ref": ..., ...}]}'
        ))
        return [], problems
    if _ESCAPED_SURROGATE.search(text):  # only \u escapes can make one; checked where present
        problems += [Problem("", path, "contains half of an escaped character pair (a lone "
                             "surrogate), which is not text; check the program that wrote the file")
                     for path in _lone_surrogates(document, "")]
        if problems:
            return [], problems
    file_reader = FieldReader("", problems)
    _check_keys(file_reader, "", document, ("cases",))

    cases: list[CaseInput] = []
    for number, record in enumerate(document["cases"], start=1):
        ref = record.get("ref") if isinstance(record, dict) else None
        reader = FieldReader(record_label("case", number, ref), problems)
        if not isinstance(record, dict):
            reader.problem(
                "", f"expected an object for each case, got {describe_json_value(record)}")
            continue
        before = len(problems)
        case = _read_case(reader, record, default_policy, default_worker)
        if case is not None and len(problems) == before:
            cases.append(case)
    return cases, problems


def _check_keys(reader: FieldReader, prefix: str, record: dict, accepted: tuple[str, ...]) -> None:
    for key in getattr(record, "duplicates", ()):
        reader.problem(f"{prefix}{key}", "is given twice; give each field once")
    if record.keys() - _ACCEPTED_SETS[accepted]:  # one C-level set operation in the usual case
        for key in record:
            if key not in accepted:
                reader.problem(f"{prefix}{key}", f"unknown field; accepted: {', '.join(accepted)}")


def _read_case(
    reader: FieldReader, record: dict, default_policy: str | None, default_worker: str | None
) -> CaseInput | None:
    _check_keys(reader, "", record, CASE_FIELDS)
    get = record.get
    return read_case(reader, get, default_policy, default_worker, lambda: dict(
        private_fostering=bool(reader.boolean("private_fostering", get("private_fostering"))),
        stepped_down_from=reader.word("stepped_down_from", get("stepped_down_from")),
        stepped_down_on=reader.date("stepped_down_on", get("stepped_down_on")),
        events=_read_events(reader, get("events")),
        cleared_events=_cleared_events(record),
        visits=_read_list(reader, "visits", get("visits"), _read_visit),
        meetings=_read_list(reader, "meetings", get("meetings"), _read_meeting),
        closure=_read_closure(reader, get("closure")),
        fields_given=_fields_given(record),
        tasks_done=_read_list(reader, "tasks_done", get("tasks_done"), _read_task_done),
    ))


def _carries(value: object) -> bool:
    """Whether a given value says something: only `null` clears a field; an empty or all-space
    string, or an empty object, is the same as leaving the key out."""
    return not (isinstance(value, str) and not value.strip()) and value != {}


def _fields_given(record: dict) -> frozenset[str]:
    """Keys left out of a record keep their stored values on re-import; `null` clears one."""
    return frozenset(key for key in record if key in CASE_FIELDS and _carries(record[key]))


def _read_list(reader: FieldReader, field: str, value: object, read_item) -> list:
    if is_blank(value):
        return []
    if not isinstance(value, list):
        reader.problem(field, f"expected a list, got {describe_json_value(value)}")
        return []
    items = []
    for index, item in enumerate(value, start=1):  # numbered from 1, as models.validation does
        prefix = f"{field}[{index}]"
        if not isinstance(item, dict):
            reader.problem(prefix, f"expected an object, got {describe_json_value(item)}")
            continue
        read = read_item(reader, prefix + ".", item)
        if read is not None:
            items.append(read)
    return items


def _read_visit(reader: FieldReader, prefix: str, item: dict) -> VisitInput | None:
    _check_keys(reader, prefix, item, VISIT_FIELDS)
    get = item.get
    when = reader.date(prefix + "date", get("date"), required=True, what="the date of the visit")
    seen = reader.boolean(prefix + "seen", get("seen"))
    visit = VisitInput(
        date=when or date.min,
        seen=True if seen is None else seen,
        seen_alone=reader.boolean(prefix + "seen_alone", get("seen_alone")),
        not_alone_reason=reader.text(prefix + "not_alone_reason", get("not_alone_reason")),
        childs_voice=reader.text(prefix + "childs_voice", get("childs_voice")),
        location=reader.word(prefix + "location", get("location")),
        recorded=reader.date(prefix + "recorded", get("recorded")),
        uid=_read_id(reader, prefix + "id", get("id")),
        fields_given=_given(item, VISIT_FIELDS),
        withdrawn_on=reader.date(prefix + "withdrawn_on", get("withdrawn_on")),
        withdrawn_reason=reader.text(prefix + "withdrawn_reason", get("withdrawn_reason")),
    )
    return visit if when is not None else None


def _read_meeting(reader: FieldReader, prefix: str, item: dict) -> MeetingInput | None:
    _check_keys(reader, prefix, item, MEETING_FIELDS)
    get = item.get
    kind = reader.word(prefix + "kind", get("kind"), required=True,
                       what=f"the kind of meeting ({', '.join(MEETING_KINDS)})")
    status = reader.word(prefix + "status", get("status"), required=True,
                         what=f"whether the meeting is {', '.join(MEETING_STATUSES)}")
    when = reader.date(prefix + "date", get("date"), required=True, what="the date of the meeting")
    meeting = MeetingInput(
        kind=kind or "",
        status=status or "",
        date=when or date.min,
        chair=reader.text(prefix + "chair", get("chair")),
        # Kept as written ("TM", "Team Manager"): pack rules compare roles through
        # policies.packs.normalise_role, and a role they do not know is still the record.
        chair_role=reader.text(prefix + "chair_role", get("chair_role")),
        family_attended=reader.boolean(prefix + "family_attended", get("family_attended")),
        circulated=reader.date(prefix + "circulated", get("circulated")),
        cancelled_on=reader.date(prefix + "cancelled_on", get("cancelled_on")),
        cancel_reason=reader.text(prefix + "cancel_reason", get("cancel_reason")),
        uid=_read_id(reader, prefix + "id", get("id")),
        fields_given=_given(item, MEETING_FIELDS),
        withdrawn_on=reader.date(prefix + "withdrawn_on", get("withdrawn_on")),
        withdrawn_reason=reader.text(prefix + "withdrawn_reason", get("withdrawn_reason")),
    )
    return meeting if None not in (kind, status, when) else None


def _read_task_done(reader: FieldReader, prefix: str, item: dict) -> TaskDoneInput | None:
    _check_keys(reader, prefix, item, TASK_DONE_FIELDS)
    get = item.get
    rule = reader.text(prefix + "rule", get("rule"), required=True,
                       what="the pack's rule id, e.g. checkpoint_1")
    done = reader.date(prefix + "done", get("done"), required=True, what="the date it was done")
    task = TaskDoneInput(rule=rule or "", done=done or date.min,
                         due=reader.date(prefix + "due", get("due")),
                         note=reader.text(prefix + "note", get("note")))
    return task if rule is not None and done is not None else None


def _read_closure(reader: FieldReader, value: object) -> ClosureInput | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.problem("closure", f"expected an object or null, got {describe_json_value(value)}")
        return None
    _check_keys(reader, "closure.", value, CLOSURE_FIELDS)
    get = value.get
    when = reader.date("closure.date", get("date"), required=True,
                       what="the date the case closed")
    reason = reader.text("closure.reason", get("reason"), required=True,
                         what="the closure reason (census code RC1-RC9 or the pack's own)")
    closure = ClosureInput(
        date=when or date.min,
        reason=census_code_upper(reason or ""),
        note=reader.text("closure.note", get("note")),
        step_down_to_early_help=bool(
            reader.boolean("closure.step_down_to_early_help", get("step_down_to_early_help"))
        ),
        lead_professional=reader.text("closure.lead_professional", get("lead_professional")),
        checklist=_read_checklist(reader, get("checklist")),
        # An empty checklist object carries nothing: items merge one by one; null clears all.
        fields_given=frozenset(key for key in value
                               if key in CLOSURE_FIELDS and _carries(value[key])),
    )
    return closure if when is not None and reason is not None else None


def _read_events(reader: FieldReader, value: object) -> dict[str, date]:
    """The events given a date; one given as null is cleared (`_cleared_events`)."""
    if is_blank(value):
        return {}
    if not isinstance(value, dict):
        reader.problem("events", 'expected an object like {"private_fostering_notified": '
                                 f'"2026-04-03"}}, got {describe_json_value(value)}')
        return {}
    events = {}
    for name, when in value.items():
        if name not in EVENTS:
            reader.problem(f"events.{name}", f"unknown event; accepted: {', '.join(EVENTS)}")
            continue
        if when is None:
            continue
        parsed = reader.date(f"events.{name}", when, required=True,
                             what=f"the date of {EVENTS[name]}")
        if parsed is not None:
            events[name] = parsed
    return events


def _cleared_events(record: dict) -> frozenset[str]:
    """`"events": null` clears every event; `{"name": null}` clears that one."""
    if "events" not in record:
        return frozenset()
    value = record["events"]
    if value is None:
        return frozenset(EVENTS)
    if isinstance(value, dict):
        return frozenset(name for name, when in value.items() if when is None and name in EVENTS)
    return frozenset()


def _given(item: dict, accepted: tuple[str, ...]) -> frozenset[str] | None:
    """The fields a visit or meeting object gives (None: all of them, the usual case)."""
    given = frozenset(key for key in item
                      if key in accepted and key != "id" and _carries(item[key]))
    return None if len(given) == len(accepted) - 1 else given


def _read_id(reader: FieldReader, field: str, value: object) -> str | None:
    """A record's identity: a UUID as cin writes it, or a system's own id (letters, digits and
    . _ : - up to 64 characters)."""
    if value is None:
        return None
    text = reader.text(field, value)
    if text is None:
        return None
    if len(text) > 64 or not text.isascii() or not all(c.isalnum() or c in "._:-" for c in text):
        reader.problem(field, f"{describe_json_value(text[:70])} is not an id; use letters, "
                              "digits and . _ : - (up to 64 characters), or leave it out")
        return None
    return text


def _read_checklist(reader: FieldReader, value: object) -> dict[str, bool]:
    if is_blank(value):
        return {}
    if not isinstance(value, dict):
        reader.problem("closure.checklist",
                       'expected an object like {"letters_sent": true}, '
                       f"got {describe_json_value(value)}")
        return {}
    checklist = {}
    for item, done in value.items():
        answer = reader.boolean(f"closure.checklist.{item}", done)
        if answer is not None:
            checklist[item] = answer
    return checklist


# Writing


def write_json(cases: list[CaseInput]) -> str:
    document = {"cases": [case_to_json(case) for case in sorted(cases, key=lambda c: c.ref)]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _none_last(value):
    return (value is None, value if value is not None else 0)


def case_to_json(case: CaseInput) -> dict:
    visits = sorted(case.visits, key=lambda v: (v.date, _none_last(v.recorded), v.seen,
                                                _none_last(v.seen_alone)))
    meetings = sorted(case.meetings, key=lambda m: (m.date, m.kind, m.status))
    return {
        "ref": case.ref,
        "name": case.name,
        "dob": _iso(case.dob),
        "policy": case.policy,
        "worker": case.worker,
        "team": case.team,
        "family": case.family,
        "disabled": case.disabled,
        "private_fostering": case.private_fostering,
        "visit_every": format_frequency(case.visit_every) if case.visit_every else None,
        "allocated": _iso(case.allocated),
        "assessment_completed": _iso(case.assessment_completed),
        "plan_started": _iso(case.plan_started),
        "complex_plan": case.complex_plan,
        "key_worker_led": case.key_worker_led,
        "stepped_down_from": case.stepped_down_from,
        "stepped_down_on": _iso(case.stepped_down_on),
        "referral_date": _iso(case.referral_date),
        "referral_source": case.referral_source,
        "primary_need": case.primary_need,
        "assessment_started": _iso(case.assessment_started),
        "assessment_factors": list(case.assessment_factors),
        "plan_ended": _iso(case.plan_ended),
        "sex": case.sex,
        "ethnicity": case.ethnicity,
        "upn": case.upn,
        "upn_unknown": case.upn_unknown,
        "disabilities": list(case.disabilities),
        "events": {name: _iso(when) for name, when in sorted(case.events.items())},
        "visits": [
            {
                "id": v.uid,
                "date": _iso(v.date),
                "seen": v.seen,
                "seen_alone": v.seen_alone,
                "not_alone_reason": v.not_alone_reason,
                "childs_voice": v.childs_voice,
                "location": v.location,
                "recorded": _iso(v.recorded),
                "withdrawn_on": _iso(v.withdrawn_on),
                "withdrawn_reason": v.withdrawn_reason,
            }
            for v in visits
        ],
        "meetings": [
            {
                "id": m.uid,
                "kind": m.kind,
                "status": m.status,
                "date": _iso(m.date),
                "chair": m.chair,
                "chair_role": m.chair_role,
                "family_attended": m.family_attended,
                "circulated": _iso(m.circulated),
                "cancelled_on": _iso(m.cancelled_on),
                "cancel_reason": m.cancel_reason,
                "withdrawn_on": _iso(m.withdrawn_on),
                "withdrawn_reason": m.withdrawn_reason,
            }
            for m in meetings
        ],
        "closure": None if case.closure is None else {
            "date": _iso(case.closure.date),
            "reason": case.closure.reason,
            "note": case.closure.note,
            "step_down_to_early_help": case.closure.step_down_to_early_help,
            "lead_professional": case.closure.lead_professional,
            "checklist": dict(sorted(case.closure.checklist.items())),
        },
        "tasks_done": [
            {"rule": t.rule, "done": _iso(t.done), "due": _iso(t.due), "note": t.note}
            for t in sorted(case.tasks_done, key=lambda t: (t.rule, _none_last(t.due), t.done))
        ],
    }
