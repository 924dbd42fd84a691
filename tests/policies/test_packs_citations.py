"""Every quote a shipped pack cites is really in its procedure's text.

The procedures live in the development workspace's shared/procedures/, beside the repository;
where that folder is absent (an installed copy) the check is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.packs import load_policies

PROCEDURES = Path(__file__).resolve().parents[3] / "shared" / "procedures"
POLICIES = load_policies(None)


def normalise(text: str) -> str:
    """Compare words, not layout: whitespace, markdown bold and curly quotes are ignored."""
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                            ("*", "")):
        text = text.replace(curly, straight)
    return " ".join(text.split()).lower()


def quotes(policy_id: str) -> list[tuple[str, str]]:
    policy = POLICIES[policy_id]
    found = [(rule.id, rule.citation.quote) for rule in policy.rules]
    found += [(f"{rule.id} (other reading)", other.quote)
              for rule in policy.rules for other in rule.other_readings]
    found += [(f"closure: {item.id}", item.citation.quote)
              for item in policy.closure_checklist if item.citation]
    return found


@pytest.mark.skipif(not PROCEDURES.is_dir(), reason="shared/procedures is not beside this checkout")
@pytest.mark.parametrize("policy_id", sorted(POLICIES))
def test_every_quote_is_in_the_procedure(policy_id):
    text = normalise((PROCEDURES / POLICIES[policy_id].source).read_text(encoding="utf-8"))
    missing = [(where, quote) for where, quote in quotes(policy_id) if normalise(quote) not in text]
    assert missing == []


@pytest.mark.parametrize("policy_id", sorted(POLICIES))
def test_every_rule_cites_its_procedure_and_section(policy_id):
    policy = POLICIES[policy_id]
    for rule in policy.rules:
        assert rule.citation.procedure == policy.citation_procedure
        assert rule.citation.section.strip() and len(rule.citation.quote) > 10
