"""close_case checks the shipped packs' checklists against the reason and the step-down."""

from __future__ import annotations

from datetime import date

import pytest

from models import commands
from models.inputs import ClosureInput
from policies.packs import load_policies

from .conftest import TODAY
from .test_models_commands import detail, refused, run


@pytest.fixture
def policies():
    """The shipped packs (the conftest's stand-ins have no reasons per item)."""
    return load_policies(None)


def close(engine, policies, reason: str, **fields):
    return run(engine, commands.close_case, ref="C1",
               closure=ClosureInput(date(2026, 11, 20), reason, **fields),
               policies=policies, actor="Sam", today=TODAY)


def test_a_child_who_died_is_not_asked_for_outcomes_achieved(engine, add_case, policies):
    add_case("C1", policy="wirral")
    close(engine, policies, "RC2")
    assert (detail(engine).closure.reason, detail(engine).closure.checklist) == ("RC2", {})


def test_outcomes_achieved_is_required_when_the_plan_ran_its_course(engine, add_case, policies):
    add_case("C1", policy="wirral")
    assert refused(engine, commands.close_case, ref="C1",
                   closure=ClosureInput(date(2026, 11, 20), "outcomes_achieved"),
                   policies=policies, actor="Sam", today=TODAY) == [
        "checklist: not done: A review concluded that the plan's outcomes are achieved and "
        "satisfactory arrangements are in place. The pack requires these before a case is "
        "closed for outcomes_achieved (A review concluded the plan's outcomes are achieved and "
        "concerns addressed, reported as RC7)"
    ]
    close(engine, policies, "outcomes_achieved", checklist={"review_concluded": True})
    assert detail(engine).closure.checklist == {"review_concluded": True}


def test_a_step_down_requires_the_step_down_items(engine, add_case, policies):
    add_case("C1", policy="wirral")
    [error] = refused(engine, commands.close_case, ref="C1",
                      closure=ClosureInput(date(2026, 11, 20), "stepped_down_taf",
                                           step_down_to_early_help=True,
                                           lead_professional="Kay Ross, Oak School"),
                      policies=policies, actor="Sam", today=TODAY)
    assert error.startswith("checklist: not done: Final Child in Need meeting held (stepping "
                            "down to TAF); Lead Professional for the TAF intervention")
    assert error.endswith("with a step-down to Early Help")
    close(engine, policies, "stepped_down_taf", step_down_to_early_help=True,
          lead_professional="Kay Ross, Oak School",
          checklist={"final_meeting": True, "lead_professional": True, "transfer_plan": True})
    assert detail(engine).closure.step_down_to_early_help


def test_leicestershire_asks_only_for_the_managers_agreement_after_a_move(
        engine, add_case, policies):
    add_case("C1", policy="leicestershire")
    assert refused(engine, commands.close_case, ref="C1",
                   closure=ClosureInput(date(2026, 11, 20), "RC5"),
                   policies=policies, actor="Sam", today=TODAY) == [
        "checklist: not done: Agreement from the Team Manager/Leader/SSWOP captured in "
        "supervision or an Oversight step. The pack requires these before a case is closed for "
        "RC5 (Transferred to services of another local authority)"
    ]
    close(engine, policies, "RC5", checklist={"manager_agreement": True})


def test_an_item_of_another_reason_is_kept_but_an_unknown_one_refused(
        engine, add_case, policies):
    add_case("C1", policy="wirral")
    assert refused(engine, commands.close_case, ref="C1",
                   closure=ClosureInput(date(2026, 11, 20), "RC2", checklist={"outcomes": True}),
                   policies=policies, actor="Sam", today=TODAY) == [
        "checklist: unknown item 'outcomes'; items: review_concluded, final_meeting, "
        "lead_professional, transfer_plan"
    ]
    close(engine, policies, "RC2", checklist={"review_concluded": True})
    assert detail(engine).closure.checklist == {"review_concluded": True}
