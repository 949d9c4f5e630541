"""The AWS plans of the shop example and the all-triggers app, against their reviewed golden
files (``python -m tests.aws.regen`` rewrites them)."""

from __future__ import annotations

import pytest

from tests.aws.regen import APPS, GOLDEN, golden_text


@pytest.mark.parametrize("name", sorted(APPS))
def test_plan_matches_golden(name: str) -> None:
    expected = (GOLDEN / f"{name}.plan.json").read_text()
    assert golden_text(APPS[name]) == expected, (
        "plan changed: review, then python -m tests.aws.regen"
    )
