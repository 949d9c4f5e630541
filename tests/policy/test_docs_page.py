"""docs/rules.md is what the registry renders (regenerate: python -m faas_iac.policy.docs >
docs/rules.md); every rule appears in it with its fix."""

from __future__ import annotations

from pathlib import Path

from faas_iac.policy import RULES
from faas_iac.policy.docs import render

PAGE = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_the_page_is_in_sync_with_the_rules() -> None:
    assert PAGE.read_text() == render(), "run: python -m faas_iac.policy.docs > docs/rules.md"


def test_every_rule_is_on_the_page_with_its_example_and_fix() -> None:
    text = PAGE.read_text()
    for rule in RULES:
        assert f"### {rule.id}: {rule.title}" in text
        assert rule.example.rstrip() in text and f"**Fix:** {rule.fix}" in text
