"""Whole-app checks of orchestrators run when the model is built, so ``validate``, ``dev`` and
every target refuse alike: each unknown call target and invalid ``RetryOptions`` value, all at
once, each at the line of its call."""

from __future__ import annotations

import subprocess
import sys

import pytest

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.local.host import load_model
from tests.conftest import ROOT

CASE = ROOT / "tests" / "corpus" / "orchestrator_calls.py"


def problems(loader: object) -> list[tuple[str, str, str]]:
    with pytest.raises(FaasError) as info:
        loader(str(CASE))  # type: ignore[operator]
    lines = CASE.read_text().splitlines()
    return [
        # the source line without the corpus's "# expect FIAC..." comment
        (
            d.code,
            lines[int(d.location.rsplit(":", 1)[1]) - 1].split("  # expect")[0].strip(),
            d.message,
        )
        for d in info.value.diagnostics
    ]


def test_each_problem_is_reported_at_the_line_of_its_call() -> None:
    found = problems(load)
    assert [(code, line) for code, line, _ in found] == [
        ("FIAC145", 'yield ctx.call_activity("charge_crad", ctx.get_input())'),
        ("FIAC145", 'yield ctx.call_sub_orchestrator("shipping", None)'),
        ("FIAC146", 'yield ctx.call_activity_with_retry("charge_card", RetryOptions(0, 0), None)'),
        ("FIAC146", 'yield ctx.call_activity_with_retry("charge_card", RetryOptions(0, 0), None)'),
        (
            "FIAC146",
            'yield ctx.call_activity_with_retry("charge_card", df.RetryOptions(-5, 3), None)',
        ),
        ("FIAC146", 'yield ctx.call_activity_with_retry("charge_card", LENIENT, None)'),
    ]
    messages = [message for _, _, message in found]
    assert "activity 'charge_crad'" in messages[0] and "orchestrator 'shipping'" in messages[1]
    assert messages[2].endswith("first_retry_interval_in_milliseconds must be greater than 0")
    assert messages[3].endswith("max_number_of_attempts must be at least 1")
    assert messages[5].endswith("max_number_of_attempts must be at least 1")


def test_the_local_host_refuses_the_app_before_serving() -> None:
    assert problems(load_model) == problems(load)


def test_validate_exits_2_listing_every_problem() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "faas_iac", "validate", str(CASE)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2, out.stdout + out.stderr
    assert "6 problems found" in out.stderr + out.stdout
    assert "did you mean 'charge_card'?" in out.stderr + out.stdout
