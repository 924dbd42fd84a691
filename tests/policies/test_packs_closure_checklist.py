"""Closure checklists follow the reason: which items each shipped pack asks, and the pack
format's `applies_to`, `not_for` and `when` (each problem named)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from policies.packs import load_policies

from .test_packs_loader import GOOD_RULE, HEADER, problems, write_user_pack

POLICIES = load_policies(None)


def asked(pack: str, reason: str | None, step_down: bool = False) -> list[str]:
    return [item.id for item in POLICIES[pack].checklist_for(reason, step_down=step_down)]


def test_no_pack_asks_for_outcomes_achieved_when_the_child_died_or_moved_away():
    # Wirral 3.1's review conclusion, Leicestershire's safety plan "to sustain outcomes
    # achieved" and Camden 12.2's review agreement belong to a plan that ran its course.
    for reason in ("RC2", "RC5"):
        assert "review_concluded" not in asked("wirral", reason)
        assert "safety_plan" not in asked("leicestershire", reason)
        assert "agreed_at_review" not in asked("camden", reason)
    assert asked("rochdale", "died") == []
    assert asked("leicestershire", "RC2") == ["manager_agreement"]
    assert asked("camden", "moved_out") == ["manager_authorised"]


def test_a_plan_ending_with_its_outcomes_achieved_asks_for_the_whole_checklist():
    assert asked("wirral", "outcomes_achieved") == ["review_concluded"]
    assert asked("leicestershire", "plan_achieved") == [
        "manager_agreement", "review_and_summary", "multi_agency_review", "safety_plan",
        "step_across_considered"]
    assert asked("camden", "RC7") == ["agreed_at_review", "network_notified",
                                      "manager_authorised"]


def test_step_down_items_are_asked_only_for_a_step_down():
    assert asked("wirral", "RC7") == ["review_concluded"]
    assert asked("wirral", "RC7", step_down=True) == [
        "review_concluded", "final_meeting", "lead_professional", "transfer_plan"]
    assert asked("rochdale", "RC9", step_down=True) == [
        "closure_meeting", "family_consent", "lead_professional", "early_help_referral"]
    # ...and are required then (Wirral 3.3: "should arrange a final Child in Need meeting").
    assert all(item.required for item in POLICIES["wirral"].checklist_for("RC7", step_down=True))


def test_trafford_sends_no_closure_letters_after_a_death():
    assert "letters_sent" in asked("trafford", "RC7")
    assert "letters_sent" not in asked("trafford", "RC2")


def test_before_a_reason_is_chosen_only_the_items_for_every_reason_are_asked():
    assert asked("trafford", None) == [
        "recording_complete", "closure_summary", "manager_sign_off", "attached_to_record"]
    assert asked("wirral", None) == []


CLOSURE = """
[closure]
reasons = [{ code = "moved", label = "Moved away", census = "RC5" }]
[[closure.checklist]]
id = "summary"
label = "Closure summary"
"""


def test_a_user_pack_can_say_which_reasons_an_item_is_for(tmp_path: Path):
    write_user_pack(tmp_path, "my-council.toml", HEADER + CLOSURE
                    + 'applies_to = ["RC7", "moved"]\n' + GOOD_RULE)
    policy = load_policies(tmp_path)["my-council"]
    assert [i.id for i in policy.checklist_for("moved", step_down=False)] == ["summary"]
    assert policy.checklist_for("RC5", step_down=False) == ()


def test_unknown_reasons_both_lists_and_an_unknown_when_are_each_reported(tmp_path: Path):
    write_user_pack(tmp_path, "my-council.toml", HEADER + CLOSURE
                    + 'applies_to = ["RC10", "moved"]\nnot_for = ["RC2"]\nwhen = "always"\n'
                    + GOOD_RULE)
    found = problems(tmp_path)
    where = 'my-council.toml: closure checklist item "summary": '
    assert (where + 'field "applies_to": "RC10" is not a census code RC1-RC9 or one of this '
            "pack's reason codes; use RC1, RC2") in found[0]
    assert where + 'field "not_for": give applies_to or not_for, not both' in found
    assert (where + 'field "when": "always" is not known; use "step_down" (an item asked only '
            "when the case steps down to Early Help)") in found


REASONS = st.sampled_from([f"RC{n}" for n in range(1, 10)]
                          + [r.code for p in POLICIES.values() for r in p.closure_reasons])


@given(pack=st.sampled_from(sorted(POLICIES)), reason=REASONS, step_down=st.booleans())
def test_what_every_reason_asks_is_asked_for_each_and_step_down_items_only_then(
        pack, reason, step_down):
    policy = POLICIES[pack]
    chosen = policy.checklist_for(reason, step_down=step_down)
    assert set(policy.checklist_for(None, step_down=step_down)) <= set(chosen)
    assert set(policy.checklist_for(reason, step_down=False)) <= set(chosen)
    assert all(item.when != "step_down" for item in policy.checklist_for(reason, step_down=False))
    assert [i for i in policy.closure_checklist if i in chosen] == list(chosen)  # pack order
