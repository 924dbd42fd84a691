"""A child's chronology: every recorded event of one case, oldest first, as a court bundle or a
transfer reads it. One source for the chronology screen, `cin chronology` and both of its file
formats (cin_tui/formats/chronology_format.py).

Built from the case's history (models.history: visits with whether the child was seen and
alone and the child's voice, meetings booked, held or cancelled, oversight notes, the worker's
tasks marked done, corrections, the closure and reopening), with what a chronology needs on
top: the case's own dated milestones (allocation, assessment, plan start, step-down and the
events a pack names), each circulation of minutes on its own date, and each withdrawal on the
day it was made (the withdrawn record itself stays, marked). Milestones the history lists as
missed are left out: they were never recorded, so they are not events.

Plain text, no markup; the writers escape it for their format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from models.history import (
    closure_words,
    correction_sentence,
    default_meeting_label,
    history,
)
from models.queries import CaseDetail
from policies.dates import format_date

STEP_DOWN_WORDS = {
    "cp_plan": "a child protection plan",
    "care": "care (looked after)",
    "supervision_order": "a supervision order",
    "cp_conference": "a child protection conference (no plan)",
}
MILESTONE_ORDER = -1  # a day's milestones come before what was recorded on it
CIRCULATION_ORDER = 1  # with the meetings (models.history.HistoryEntry.order)
CORRECTION_ORDER = 4  # models.history: corrections, withdrawals and reopenings
CORRECTION_WHAT = {"corrected": "Correction", "withdrawn": "Withdrawn", "reopened": "Reopened"}
CLOSURE_ORDER = 3


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    when: date
    what: str  # "Visit", "Review meeting", "Minutes circulated", "Withdrawn", "Closed", ...
    words: str
    withdrawn: str | None = None  # "WITHDRAWN on 5 Nov 2026 by Jo: ..." for a withdrawn record


@dataclass(frozen=True, slots=True)
class Chronology:
    ref: str
    name: str
    worker: str | None
    team: str | None
    authority: str  # the policy pack's name, else its id
    closed: bool
    names: tuple[str, ...]  # the child's and siblings' names, masked in privacy mode
    entries: tuple[ChronologyEntry, ...]  # oldest first


def chronology(
    detail: CaseDetail, *, policy: Any = None, siblings: Iterable[str] = (),
    meeting_label: Callable[[str], str] = default_meeting_label,
) -> Chronology:
    """The case's chronology. `policy` (its pack) names the tasks; `siblings` are the other
    children of the family, whose names privacy mode masks too."""
    ranked: list[tuple[date, int, ChronologyEntry]] = []
    ranked += [(when, MILESTONE_ORDER, ChronologyEntry(when, what, words))
               for when, what, words in _milestones(detail)]
    for entry in history(detail, meeting_label=meeting_label,
                         rule_label=lambda rule_id: _rule_label(policy, rule_id)):
        if entry.order != CORRECTION_ORDER:  # those below, in the order they were made
            ranked.append((entry.when, entry.order, ChronologyEntry(
                entry.when, entry.what, entry.words, entry.withdrawn)))
    for meeting in (*detail.meetings, *detail.withdrawn_meetings):
        if meeting.circulated is not None:
            ranked.append((meeting.circulated, CIRCULATION_ORDER, ChronologyEntry(
                meeting.circulated, "Minutes circulated",
                f"{meeting_label(meeting.kind)} of {format_date(meeting.date)}")))
    ranked += [(c.recorded, CORRECTION_ORDER,
                ChronologyEntry(c.recorded, CORRECTION_WHAT.get(c.action, "Correction"),
                                correction_sentence(c)))
               for c in detail.corrections]
    ranked += [(when, CLOSURE_ORDER, ChronologyEntry(when, "Closed", words))
               for when, words in _earlier_closures(detail)]
    # Python's sort is stable: within one day and rank, entries keep the history's order.
    ranked.sort(key=lambda item: (item[0], item[1]))
    summary = detail.summary
    return Chronology(
        ref=summary.ref, name=summary.name, worker=summary.worker, team=summary.team,
        authority=str(getattr(policy, "name", None) or summary.policy_id),
        closed=summary.closed,
        names=tuple(dict.fromkeys([summary.name, *siblings])),
        entries=tuple(entry for _when, _rank, entry in ranked),
    )


def _milestones(detail: CaseDetail) -> list[tuple[date, str, str]]:
    # Not "allocated to <worker>": the worker now (the heading) may not be the first one.
    found = [(detail.summary.allocated, "Allocated", "case allocated")]
    if detail.stepped_down_on is not None:
        source = STEP_DOWN_WORDS.get(detail.stepped_down_from or "",
                                     detail.stepped_down_from or "another plan")
        found.append((detail.stepped_down_on, "Stepped down", f"stepped down from {source}"))
    if detail.assessment_completed is not None:
        found.append((detail.assessment_completed, "Assessment", "assessment completed"))
    if detail.plan_started is not None:
        found.append((detail.plan_started, "Plan started", "Child in Need plan started"))
    found += [(when, "Event", name.replace("_", " ")) for name, when in
              sorted(detail.events.items(), key=lambda item: (item[1], item[0]))]
    return found


def _earlier_closures(detail: CaseDetail) -> list[tuple[date, str]]:
    """The closures a reopening undid (the history names them only in the reopening's
    line): each was an event on its own day."""
    found = []
    for correction in detail.corrections:
        closed = correction.before or {}
        if correction.action != "reopened" or not closed.get("date"):
            continue
        try:
            when = date.fromisoformat(str(closed["date"]))
        except ValueError:
            continue
        found.append((when, closure_words(SimpleNamespace(
            reason=closed.get("reason") or "reason not recorded", note=closed.get("note"),
            step_down_to_early_help=bool(closed.get("step_down_to_early_help")),
            lead_professional=closed.get("lead_professional")))
            + f" (reopened on {format_date(correction.recorded)})"))
    return found


def _rule_label(policy: Any, rule_id: str) -> str:
    try:
        return str(policy.rule(rule_id).label) if policy is not None else rule_id
    except KeyError:
        return rule_id

