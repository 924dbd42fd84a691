"""The replay's quick path (only the due dates the judgements read) gives exactly the figures of
the long way (`compute_deadlines` for every event, `Replay(reference=True)`), on random case
histories under every shipped pack: counts, in time, and each late event with its due date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.facts import (
    MEETING_KINDS,
    MEETING_STATUSES,
    STEP_DOWN_SOURCES,
    CaseFacts,
    Frequency,
    MeetingFact,
    TaskDoneFact,
    VisitFact,
)
from policies.replay import Replay

from .support import CALENDAR, POLICIES, TODAY

START = date(2025, 6, 1)
DAYS = (TODAY - START).days


def _day() -> st.SearchStrategy[date]:
    return st.integers(0, DAYS).map(lambda n: START + timedelta(days=n))


def _maybe_day() -> st.SearchStrategy[date | None]:
    return st.none() | _day()


_visits = st.lists(st.builds(VisitFact, date=_day(), seen=st.booleans(),
                             seen_alone=st.none() | st.booleans()), max_size=14)
_meetings = st.lists(st.builds(MeetingFact, kind=st.sampled_from(MEETING_KINDS),
                               status=st.sampled_from(MEETING_STATUSES), date=_day(),
                               circulated=_maybe_day()), max_size=8)
_frequency = st.none() | st.builds(Frequency, count=st.integers(1, 12),
                                   unit=st.sampled_from(("working_days", "days", "weeks",
                                                         "months")))


@st.composite
def histories(draw: st.DrawFn) -> CaseFacts:
    policy_id = draw(st.sampled_from(sorted(POLICIES)))
    stepped = draw(st.booleans())
    rules = [r.id for r in POLICIES[policy_id].rules]
    return CaseFacts(
        ref="R1",
        policy_id=policy_id,
        allocated=draw(_day()),
        dob=draw(st.none() | st.integers(0, 17 * 365).map(
            lambda n: date(2008, 1, 1) + timedelta(days=n))),
        disabled=draw(st.booleans()),
        private_fostering=draw(st.booleans()),
        visit_every=draw(_frequency),
        assessment_completed=draw(_maybe_day()),
        plan_started=draw(_maybe_day()),
        stepped_down_from=draw(st.sampled_from(STEP_DOWN_SOURCES)) if stepped else None,
        stepped_down_on=draw(_day()) if stepped else None,
        visits=tuple(sorted(draw(_visits), key=lambda v: v.date)),
        meetings=tuple(sorted(draw(_meetings), key=lambda m: m.date)),
        tasks_done=tuple(draw(st.lists(st.builds(
            TaskDoneFact, rule_id=st.sampled_from(rules) if rules else st.just("x"),
            done=_day()), max_size=3))),
        key_worker_led=draw(st.booleans()),
        complex_plan=draw(st.booleans()),
    )


QUICK = Replay(POLICIES, CALENDAR)
LONG = Replay(POLICIES, CALENDAR, reference=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=histories(), start=_day(), length=st.integers(0, 400))
def test_quick_replay_equals_the_long_way(facts: CaseFacts, start: date, length: int) -> None:
    end = start + timedelta(days=length)
    # A manager would see different trend figures if any of these differed.
    assert QUICK.visits(facts, start, end) == LONG.visits(facts, start, end)
    assert QUICK.meetings(facts, start, end) == LONG.meetings(facts, start, end)
    assert QUICK.meetings(facts) == LONG.meetings(facts)
    assert (QUICK.circulation(facts, start, end, overdue_on=TODAY)
            == LONG.circulation(facts, start, end, overdue_on=TODAY))
    assert QUICK.circulation(facts) == LONG.circulation(facts)
