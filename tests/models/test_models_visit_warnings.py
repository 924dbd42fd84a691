"""Visits that look mistaken are not saved without a word (issue 12, item 8): a visit more than
3 months before allocation, or a second visit to the child on one day, raises NeedsConfirmation
(nothing saved) unless confirmed. Warnings are apart from errors: an error is never confirmed
away."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import update

from models import commands
from models.db import session_scope
from models.inputs import VisitInput
from models.tables import Visit
from models.validation import NeedsConfirmation, ValidationFailed, visit_warnings

from .test_models_commands import counts, detail, run

TODAY = date(2026, 11, 23)
ALLOCATED = date(2026, 9, 1)


def not_seen(on: date) -> VisitInput:
    return VisitInput(date=on, seen=False)


def test_a_second_visit_on_the_same_day_needs_confirming(engine, add_case):
    add_case("C1", allocated=ALLOCATED)
    run(engine, commands.log_visit, ref="C1", visit=not_seen(date(2026, 11, 20)),
        actor="Sam", today=TODAY)
    before = counts(engine)
    with pytest.raises(NeedsConfirmation) as asked:
        run(engine, commands.log_visit, ref="C1", visit=not_seen(date(2026, 11, 20)),
            actor="Sam", today=TODAY)
    assert [str(w) for w in asked.value.warnings] == [
        "date: a visit to this child on 20 Nov 2026 is already recorded; is this the same "
        "visit twice?"]
    assert counts(engine) == before  # nothing saved, no audit entry
    run(engine, commands.log_visit, ref="C1", visit=not_seen(date(2026, 11, 20)),
        actor="Sam", today=TODAY, confirmed=True)
    assert [v.date for v in detail(engine).visits].count(date(2026, 11, 20)) == 2


def test_a_withdrawn_visit_is_no_duplicate(engine, add_case):
    add_case("C1", allocated=ALLOCATED)
    run(engine, commands.log_visit, ref="C1", visit=not_seen(date(2026, 11, 20)),
        actor="Sam", today=TODAY)
    with session_scope(engine) as session:
        session.exec(update(Visit).values(withdrawn_on=TODAY, withdrawn_reason="wrong child"))
    run(engine, commands.log_visit, ref="C1", visit=not_seen(date(2026, 11, 20)),
        actor="Sam", today=TODAY)


def test_errors_come_first_and_cannot_be_confirmed(engine, add_case):
    # 1 Jan 2020 is years before allocation (a warning), and the child, seen, has no answer on
    # seen alone (an error): the error is what is said, and confirming does not save it.
    add_case("C1", allocated=ALLOCATED)
    visit = VisitInput(date=date(2020, 1, 1), seen=True, childs_voice="Hi")
    with pytest.raises(ValidationFailed):
        run(engine, commands.log_visit, ref="C1", visit=visit, actor="Sam", today=TODAY,
            confirmed=True)


def test_siblings_are_warned_about_by_their_ref_and_saved_together_when_confirmed(engine,
                                                                                   add_case):
    add_case("C1", allocated=ALLOCATED, family="f")
    add_case("C2", allocated=date(2026, 11, 2), family="f")
    # 1 Aug 2026 is 1 month before C1's allocation (fine) but 3 months and a day before C2's
    # (2 Nov 2026 - 3 months = 2 Aug 2026): C2 is asked about.
    visits = {"C1": not_seen(date(2026, 8, 1)), "C2": not_seen(date(2026, 8, 1))}
    with pytest.raises(NeedsConfirmation) as asked:
        run(engine, commands.log_sibling_visits, visits=visits, actor="Sam", today=TODAY)
    assert [(w.record, w.field) for w in asked.value.warnings] == [("C2", "date")]
    assert "more than 3 months before the case was allocated (2 Nov 2026)" in (
        asked.value.warnings[0].message)
    run(engine, commands.log_sibling_visits, visits=visits, actor="Sam", today=TODAY,
        confirmed=True)
    assert len(detail(engine, "C1").visits) == len(detail(engine, "C2").visits) == 1


@given(days_before=st.integers(min_value=-400, max_value=4000))
@pytest.mark.no_database("the warning rule alone; saving with warnings is tested above")
def test_warned_exactly_when_more_than_3_months_before_allocation(days_before):
    # Allocated 1 Sep 2026: 3 months before is 1 Jun 2026 (92 days before). A visit on
    # 1 Jun or later is not asked about; 31 May or earlier is.
    on = ALLOCATED - timedelta(days=days_before)
    warned = visit_warnings(not_seen(on), allocated=ALLOCATED, other_visits=())
    assert bool(warned) == (on < date(2026, 6, 1))
    assert ALLOCATED - relativedelta(months=3) == date(2026, 6, 1)
