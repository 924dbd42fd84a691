"""Properties of the input limits (issue 10): random dates, extremes included, never crash the
validation; a case the validation accepts always gets its deadlines worked out; random text
is accepted exactly when it holds no refused character."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.validation import FieldError, check_case, check_text
from policies.calendar import WorkingCalendar
from policies.engine import compute_deadlines
from policies.facts import CaseFacts, ClosureFact, MeetingFact, VisitFact
from policies.limits import DateOutOfRange
from policies.packs import load_policies

pytestmark = pytest.mark.no_database(
    "validation and the policy engine on generated cases: no database")

POLICIES = load_policies(None)
CALENDAR = WorkingCalendar()
PROPERTY = settings(max_examples=600, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

extreme = st.sampled_from([date.min, date(1, 1, 3), date(1800, 1, 1), date(1972, 10, 14),
                           date(1972, 10, 15), date(1991, 10, 13), date(1991, 10, 14),
                           date(2199, 12, 31), date(2200, 1, 1), date.max])
# Most dates near today, so that some cases are accepted; the rest anywhere at all.
near = st.dates(min_value=date(1995, 1, 1), max_value=date(2032, 12, 31))
some_date = st.one_of(near, near, near, extreme, st.dates())
maybe_date = st.none() | some_date


@st.composite
def case_inputs(draw) -> CaseInput:
    visits = [VisitInput(date=draw(some_date), seen=draw(st.booleans()), seen_alone=None)
              for _ in range(draw(st.integers(0, 3)))]
    meetings = []
    for _ in range(draw(st.integers(0, 3))):
        status = draw(st.sampled_from(["booked", "held", "cancelled"]))
        meetings.append(MeetingInput(
            kind=draw(st.sampled_from(["initial", "review", "family_network"])), status=status,
            date=draw(some_date),
            cancelled_on=draw(maybe_date) if status == "cancelled" else None))
    stepped_down_on = draw(maybe_date)
    return CaseInput(
        ref="P1", name="Pat", allocated=draw(some_date), dob=draw(maybe_date),
        policy=draw(st.sampled_from(sorted(POLICIES))),
        assessment_completed=draw(maybe_date), plan_started=draw(maybe_date),
        stepped_down_from="cp_plan" if stepped_down_on else None,
        stepped_down_on=stepped_down_on, visits=visits, meetings=meetings,
        closure=ClosureInput(draw(some_date), "RC8") if draw(st.integers(0, 5)) == 0 else None,
    )


@st.composite
def plausible_case_inputs(draw, today: date) -> CaseInput:
    """Dates spread around one another as in real cases, so many are accepted."""
    from datetime import timedelta

    def days(low: int, high: int) -> timedelta:
        return timedelta(days=draw(st.integers(low, high)))

    allocated = today - days(0, 6000)
    born = allocated - days(-30, 19 * 366)
    visits = [VisitInput(date=allocated + days(-300, 400), seen=draw(st.booleans()))
              for _ in range(draw(st.integers(0, 3)))]
    meetings = [MeetingInput(kind=draw(st.sampled_from(["initial", "review"])), status=status,
                             date=(today + days(-60, 800)) if status == "booked"
                             else allocated + days(-300, 300))
                for status in draw(st.lists(st.sampled_from(["booked", "held"]), max_size=3))]
    return CaseInput(
        ref="P1", name="Pat", allocated=allocated, dob=draw(st.none() | st.just(born)),
        policy=draw(st.sampled_from(sorted(POLICIES))),
        assessment_completed=draw(st.none() | st.just(allocated + days(-5, 100))),
        plan_started=draw(st.none() | st.just(allocated + days(-5, 100))),
        visits=visits, meetings=meetings,
    )


def facts_of(case: CaseInput) -> CaseFacts:
    """The facts the database would give the engine for this case (models.queries)."""
    return CaseFacts(
        ref=case.ref, policy_id=case.policy, allocated=case.allocated, dob=case.dob,
        assessment_completed=case.assessment_completed, plan_started=case.plan_started,
        stepped_down_from=case.stepped_down_from, stepped_down_on=case.stepped_down_on,
        visits=tuple(VisitFact(v.date, v.seen, v.seen_alone, v.recorded) for v in case.visits),
        meetings=tuple(MeetingFact(m.kind, m.status, m.date, m.chair_role, m.circulated,
                                   m.cancelled_on) for m in case.meetings),
        closure=ClosureFact(case.closure.date, case.closure.reason) if case.closure else None,
    )


@st.composite
def cases_and_today(draw) -> tuple[CaseInput, date]:
    today = draw(st.one_of(near, near, near, extreme))
    if draw(st.booleans()) and date(1995, 1, 1) <= today <= date(2190, 1, 1):
        return draw(plausible_case_inputs(today)), today
    return draw(case_inputs()), today


@PROPERTY
@given(case_and_today=cases_and_today())
# Found by this test: the 3-month assessment window was counted back from 1 Jan 0001.
@example(case_and_today=(CaseInput(ref="P1", name="Pat", allocated=date(1, 1, 1),
                                   policy="camden"), date(1, 1, 1)))
def test_validation_never_crashes_and_an_accepted_case_always_gets_deadlines(case_and_today):
    case, today = case_and_today
    errors = check_case(case, policies=POLICIES, today=today)
    assert all(isinstance(e, FieldError) and e.field and e.message for e in errors)
    event("refused" if errors else "accepted")
    if errors:
        return
    facts = facts_of(case)
    if today <= date(2190, 1, 1):
        # Every accepted date is within 14 Oct 1991 .. today + 2 years and every pack count
        # within two years, so the engine always works the deadlines out.
        compute_deadlines(facts, POLICIES[case.policy], CALENDAR, today)
    else:
        # A clock set beyond 2190 may push a deadline past 2199: flagged, never a crash.
        with contextlib.suppress(DateOutOfRange):
            compute_deadlines(facts, POLICIES[case.policy], CALENDAR, today)


REFUSED_ANYWHERE = ({chr(c) for c in range(0x20) if chr(c) not in "\n\t"}
                    | {chr(c) for c in range(0x7F, 0xA0)}
                    | {chr(c) for c in range(0x202A, 0x202F)}
                    | {chr(c) for c in range(0x2066, 0x206A)})


@PROPERTY
@given(text=st.text(max_size=40)
       | st.text(st.sampled_from([*sorted(REFUSED_ANYWHERE), "a", "\n", "\t", "é"]), max_size=8))
def test_text_is_refused_exactly_when_it_holds_a_refused_character(text):
    bad_long = any(c in REFUSED_ANYWHERE for c in text)
    bad_line = bad_long or "\n" in text or "\t" in text
    long_errors = check_text("childs_voice", text, long=True)
    line_errors = check_text("name", text)
    assert bool(long_errors) == bad_long
    assert bool(line_errors) == bad_line
    for error in long_errors + line_errors:
        assert "at character" in error.message and "accepted" in error.message
