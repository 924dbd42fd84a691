"""Builders shared by the policy and engine tests (no tests here).

Dates used throughout, worked out by hand from a 2026/27 calendar:
- Mon 23 Nov 2026; Tue 1 Dec; Fri 18 Dec; Mon 21 Dec; Thu 24 Dec; Fri 25 Dec (Christmas);
  Sat 26 Dec (Boxing Day) observed Mon 28 Dec; Tue 29, Wed 30, Thu 31 Dec; Fri 1 Jan 2027 (New
  Year's Day); Mon 4 Jan, 11 Jan, 18 Jan, 25 Jan, 1 Feb 2027.
- Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar; Thu 25 Mar, Tue 30 Mar, Fri 2 Apr.
- Month ends: Sun 31 Jan 2027; Feb 2027 has 28 days (31 Jan + 1 month = 28 Feb).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from policies.calendar import WorkingCalendar
from policies.deadlines import Deadline
from policies.engine import compute_deadlines
from policies.facts import CaseFacts, Frequency, MeetingFact, VisitFact
from policies.packs import Policy, load_policies

CALENDAR = WorkingCalendar()
POLICIES = load_policies(None)

__all__ = ["CALENDAR", "POLICIES", "Frequency", "booked", "cancelled", "case", "deadlines",
           "due_dates", "held", "one", "rule_ids", "seen", "unseen", "with_rules"]


def case(policy_id: str, allocated: date = date(2026, 11, 2), **fields) -> CaseFacts:
    return CaseFacts(ref="C1", policy_id=policy_id, allocated=allocated, **fields)


def seen(d: date, recorded: date | None = None) -> VisitFact:
    return VisitFact(date=d, seen=True, recorded=recorded)


def unseen(d: date, recorded: date | None = None) -> VisitFact:
    return VisitFact(date=d, seen=False, recorded=recorded)


def held(kind: str, d: date, *, circulated: date | None = None,
         chair_role: str | None = None) -> MeetingFact:
    return MeetingFact(kind=kind, status="held", date=d, circulated=circulated,
                       chair_role=chair_role)


def booked(kind: str, d: date) -> MeetingFact:
    return MeetingFact(kind=kind, status="booked", date=d)


def cancelled(kind: str, d: date, on: date | None = None) -> MeetingFact:
    return MeetingFact(kind=kind, status="cancelled", date=d, cancelled_on=on)


def with_rules(policy_id: str, *rule_ids: str) -> Policy:
    """The shipped pack cut down to these rules, to test one rule without the others."""
    policy = POLICIES[policy_id]
    return dataclasses.replace(policy, rules=tuple(policy.rule(r) for r in rule_ids))


def deadlines(facts: CaseFacts, today: date, policy: Policy | None = None,
              **options) -> list[Deadline]:
    return compute_deadlines(facts, policy or POLICIES[facts.policy_id], CALENDAR, today, **options)


def rule_ids(facts: CaseFacts, today: date, policy: Policy | None = None) -> list[str]:
    return [d.rule_id for d in deadlines(facts, today, policy)]


def due_dates(facts: CaseFacts, today: date, rule_id: str,
              policy: Policy | None = None) -> list[date]:
    return [d.due for d in deadlines(facts, today, policy) if d.rule_id == rule_id]


def one(facts: CaseFacts, today: date, rule_id: str, policy: Policy | None = None) -> Deadline:
    """The single deadline of this rule (fails if there is none or more than one)."""
    found = [d for d in deadlines(facts, today, policy) if d.rule_id == rule_id]
    assert len(found) == 1, f"expected one {rule_id} deadline, got {found}"
    return found[0]
