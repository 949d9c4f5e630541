"""The AWS plans of the shop example and the all-triggers app, against their reviewed golden
files (``python -m tests.aws.regen`` rewrites them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.aws.regen import APPS, golden_path, golden_text
from tests.golden import golden_name


@pytest.mark.parametrize("app", APPS, ids=golden_name)
def test_plan_matches_golden(app: Path) -> None:
    expected = golden_path(app).read_text()
    assert golden_text(app) == expected, "plan changed: review, then make golden"
