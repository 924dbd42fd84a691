"""Loading packs: the shipped five, user packs and overrides, and every validation message."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from policies.engine import compute_deadlines
from policies.packs import PolicyError, build_policy, load_policies

from .test_engine_support import CALENDAR, case, seen

SHIPPED = {"wirral", "rochdale", "camden", "trafford", "leicestershire"}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "policies.md"


def write_user_pack(settings: Path, name: str, text: str) -> Path:
    folder = settings / "policies"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(settings: Path) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policies(settings)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


GOOD_RULE = """
[[rules]]
id = "visit"
kind = "visit"
label = "Child seen"
count = 15
unit = "working_days"
anchor = "last_seen_visit"
citation = { section = "4.2", quote = "seen at least every 15 working days" }
"""
HEADER = """
id = "my-council"
name = "My Council"
[procedure]
title = "My Council Child in Need procedure"
date = "2025"
"""


class TestShippedPacks:
    def test_the_five_authorities(self):
        policies = load_policies(None)
        assert set(policies) == SHIPPED
        for pack_id, policy in policies.items():
            assert policy.id == pack_id and policy.rules and policy.procedure
            assert all(rule.qualified_id == f"{pack_id}.{rule.id}" for rule in policy.rules)

    def test_a_settings_folder_without_packs_changes_nothing(self, tmp_path):
        assert load_policies(tmp_path) == load_policies(None)

    def test_packs_are_frozen(self):
        policy = load_policies(None)["wirral"]
        with pytest.raises(dataclasses.FrozenInstanceError):
            policy.name = "Elsewhere"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            policy.rules[0].label = "changed"  # type: ignore[misc]

    def test_rules_are_found_by_either_id(self):
        policy = load_policies(None)["camden"]
        assert policy.rule("visit") is policy.rule("camden.visit")

    def test_camden_and_trafford_visits_are_per_case(self):
        policies = load_policies(None)
        assert policies["camden"].rule("visit").timescale.per_case
        assert policies["trafford"].rule("visit").timescale.per_case

    def test_only_camden_has_a_rescheduling_rule(self):
        policies = load_policies(None)
        assert {p for p, policy in policies.items() if policy.rescheduling_rule} == {"camden"}


class TestOverrides:
    def test_worked_example_change_one_timescale(self, tmp_path):
        # The example in docs/policies.md: Wirral children seen every 15 working days.
        write_user_pack(tmp_path, "wirral-visits.toml", """
            extends = "wirral"

            [[rules]]
            id = "visit"
            count = 15
            notes = ["Local practice standard (2025): every 15 working days."]
        """)
        policies = load_policies(tmp_path)
        rule = policies["wirral"].rule("visit")
        assert (rule.timescale.count, rule.timescale.unit) == (15, "working_days")
        assert rule.citation.section == "2.11"  # everything not changed is kept
        assert "Local practice standard (2025): every 15 working days." in rule.notes
        assert ("Changed locally by wirral-visits.toml: count (not the procedure's text)."
                in rule.notes)
        assert policies["wirral"].origin == "wirral.toml + wirral-visits.toml"
        assert policies["rochdale"] == load_policies(None)["rochdale"]
        # Seen Fri 18 Dec 2026 + 15 WD: 21-24 (4), 29-31 (7), 4-8 Jan (12), 11, 12, 13 Jan (15)
        # -> Wed 13 Jan 2027 (instead of 20 Jan).
        facts = case("wirral", visits=(seen(date(2026, 12, 18)),))
        found = compute_deadlines(facts, policies["wirral"], CALENDAR, date(2026, 12, 21))
        assert [d.due for d in found if d.rule_id == "wirral.visit"] == [date(2027, 1, 13)]

    def test_same_id_without_extends_also_overrides(self, tmp_path):
        write_user_pack(tmp_path, "camden.toml", """
            id = "camden"
            [[rules]]
            id = "review_report"
            count = 10
        """)
        assert load_policies(tmp_path)["camden"].rule("review_report").timescale.count == 10

    def test_a_rule_can_be_switched_off(self, tmp_path):
        write_user_pack(tmp_path, "w.toml", """
            extends = "wirral"
            [[rules]]
            id = "complex_plan_6_months"
            enabled = false
        """)
        ids = {r.id for r in load_policies(tmp_path)["wirral"].rules}
        assert "complex_plan_6_months" not in ids and "visit" in ids

    def test_a_new_authority(self, tmp_path):
        write_user_pack(tmp_path, "my-council.toml", HEADER + GOOD_RULE)
        policies = load_policies(tmp_path)
        assert set(policies) == SHIPPED | {"my-council"}
        rule = policies["my-council"].rule("visit")
        assert str(rule.citation) == ("My Council Child in Need procedure (2025), section 4.2: "
                                      "\u201cseen at least every 15 working days\u201d")

    def test_a_new_authority_based_on_a_shipped_one(self, tmp_path):
        write_user_pack(tmp_path, "north.toml", """
            id = "north"
            extends = "trafford"
            name = "North"
            [[rules]]
            id = "initial_meeting"
            count = 10
        """)
        policies = load_policies(tmp_path)
        assert policies["north"].rule("initial_meeting").timescale.count == 10
        assert policies["north"].rule("initial_meeting").qualified_id == "north.initial_meeting"
        assert policies["trafford"].rule("initial_meeting").timescale.count == 15

    def test_the_example_pack_in_the_docs_is_valid(self):
        text = DOCS.read_text(encoding="utf-8")
        blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
        complete = [b for b in blocks if b.lstrip().startswith("# my-council.toml")]
        assert complete, "docs/policies.md should hold the complete example pack"
        import tomllib
        policy = build_policy(tomllib.loads(complete[0]), "my-council.toml")
        assert policy.id == "my-council" and len(policy.rules) >= 5


class TestErrors:
    def test_unknown_unit_names_file_rule_field_and_the_accepted_units(self, tmp_path):
        write_user_pack(tmp_path, "my-council.toml",
                        HEADER + GOOD_RULE.replace('"working_days"', '"fortnights"'))
        [message] = problems(tmp_path)
        assert message.startswith('my-council.toml: rule "visit": field "unit": "fortnights" is '
                                  "not a unit; use working_days, days, weeks, months or hours")

    def test_every_problem_in_a_file_is_reported(self, tmp_path):
        write_user_pack(tmp_path, "my-council.toml", HEADER + """
            colour = "blue"
            [[rules]]
            id = "review"
            kind = "reviews"
            label = "Review"
            count = "3"
            unit = "months"
            anchor = "last_review"
            meeting_kinds = ["huddle"]
            conditions = { disabled = "yes", stepped_down_from = ["prison"], complex = true }
        """)
        found = problems(tmp_path)
        expected = [
            'my-council.toml: rule "review": field "kind": "reviews" is not a kind; use visit, '
            "visit_recording, meeting, preparation, circulation, review, assessment or oversight",
            'my-council.toml: rule "review": field "count": "3" is text, not a whole number; '
            "write it without quotes",
            'my-council.toml: rule "review": field "meeting_kinds": "huddle" is not a meeting '
            "kind; use family_network, initial, review, progress, closure or transfer_in",
            'my-council.toml: rule "review": field "conditions.disabled": "yes" is text, not true '
            "or false; write it without quotes",
            'my-council.toml: rule "review": field "conditions.stepped_down_from": "prison" is not '
            "a step-down source; use cp_plan, care, supervision_order or cp_conference",
            'my-council.toml: rule "review": field "citation": is missing',
        ]
        for line in expected:
            assert line in found
        assert any(m.startswith('my-council.toml: rule "review": field "anchor": "last_review" '
                                "is not an anchor; use allocation,") for m in found)
        assert any(m.startswith('my-council.toml: rule "review": field "conditions.complex": '
                                "is not a known field; use disabled,") for m in found)
        # (After [procedure] in TOML, "colour" belongs to that table.)
        assert ('my-council.toml: field "procedure.colour": is not a known field; '
                "use title, date or source") in found

    def test_missing_citation_quote(self, tmp_path):
        write_user_pack(tmp_path, "my-council.toml", HEADER + GOOD_RULE.replace(
            ', quote = "seen at least every 15 working days"', ""))
        assert problems(tmp_path) == [
            'my-council.toml: rule "visit": field "citation.quote": is missing']

    def test_duplicate_rule_ids(self, tmp_path):
        write_user_pack(tmp_path, "my-council.toml", HEADER + GOOD_RULE + GOOD_RULE)
        assert problems(tmp_path) == [
            'my-council.toml: rule "visit": field "id": is used by another rule in this pack; '
            "give each rule its own id"]

    def test_missing_fields(self, tmp_path):
        write_user_pack(tmp_path, "my-council.toml", HEADER + """
            [[rules]]
            id = "visit"
            unit = "weeks"
        """)
        found = problems(tmp_path)
        for name in ("kind", "label", "count", "anchor", "citation"):
            assert f'my-council.toml: rule "visit": field "{name}": is missing' in found

    def test_rule_kinds_that_do_not_fit_the_anchor_or_unit(self, tmp_path):
        write_user_pack(tmp_path, "my-council.toml", HEADER + """
            [[rules]]
            id = "prep"
            kind = "preparation"
            label = "Invitations"
            count = 10
            unit = "working_days"
            direction = "before"
            anchor = "allocation"
            citation = { section = "1", quote = "q" }
            [[rules]]
            id = "review"
            kind = "review"
            label = "Review"
            unit = "per_case"
            anchor = "previous_meeting"
            citation = { section = "1", quote = "q" }
            [[rules]]
            id = "fourth"
            kind = "oversight"
            label = "4th meeting"
            count = 0
            unit = "days"
            anchor = "nth_meeting"
            citation = { section = "1", quote = "q" }
        """)
        assert problems(tmp_path) == [
            'my-council.toml: rule "prep": field "direction": "before" counts back from a booked '
            'date; use it with anchor "booked_meeting"',
            'my-council.toml: rule "review": field "unit": "per_case" is only for visit rules '
            "(the visiting frequency on the case)",
            'my-council.toml: rule "fourth": field "nth": is missing; anchor "nth_meeting" needs '
            "nth = <which meeting, 1 or more>",
        ]

    def test_override_of_an_unknown_rule_field(self, tmp_path):
        write_user_pack(tmp_path, "wirral-visits.toml", """
            extends = "wirral"
            [[rules]]
            id = "visit"
            every = 15
        """)
        [message] = problems(tmp_path)
        assert message.startswith('wirral-visits.toml: rule "visit": field "every": is not a '
                                  "known field; use id, kind,")

    def test_extends_an_unknown_pack(self, tmp_path):
        write_user_pack(tmp_path, "x.toml", 'extends = "wiral"\n')
        assert problems(tmp_path) == [
            'x.toml: field "extends": \'wiral\' is not a pack; use camden, leicestershire, '
            "rochdale, trafford or wirral"]

    def test_no_id(self, tmp_path):
        write_user_pack(tmp_path, "x.toml", 'name = "X"\n')
        [message] = problems(tmp_path)
        assert message.startswith(
            'x.toml: field "id": missing; give the new pack an id, or set extends')

    def test_not_toml(self, tmp_path):
        write_user_pack(tmp_path, "broken.toml", 'id = "broken\n')
        [message] = problems(tmp_path)
        assert message.startswith("broken.toml: is not valid TOML (")

    def test_two_files_for_one_pack(self, tmp_path):
        write_user_pack(tmp_path, "a.toml", 'extends = "wirral"\n')
        write_user_pack(tmp_path, "b.toml", 'extends = "wirral"\n')
        assert problems(tmp_path) == [
            'b.toml: field "id": "wirral" is also set by a.toml; give each pack its own id, '
            "or put both changes in one file"]

    def test_problems_in_several_files_are_all_reported(self, tmp_path):
        write_user_pack(tmp_path, "a.toml", 'extends = "nowhere"\n')
        write_user_pack(tmp_path, "b.toml", 'id = "broken\n')
        found = problems(tmp_path)
        assert [m.split(":")[0] for m in found] == ["a.toml", "b.toml"]


def test_the_docs_describe_every_key_anchor_condition_and_event():
    from policies.packs.loader import PACK_KEYS, RULE_KEYS
    from policies.vocabulary import ANCHORS, CONDITIONS, EVENTS, KINDS, UNITS

    text = DOCS.read_text(encoding="utf-8")
    words = [*PACK_KEYS, *RULE_KEYS, *ANCHORS, *CONDITIONS, *EVENTS, *KINDS, *UNITS]
    assert [w for w in words if f"`{w}`" not in text] == []
