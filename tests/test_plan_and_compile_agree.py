"""``plan`` and ``compile`` refuse the same things on every provider: translation is a stage
before planning, so a provider's emitter never refuses what its planner accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.plan import available, compile_app, write_output
from tests.conftest import ROOT

APPS = sorted(
    [
        *ROOT.glob("examples/*/app.py"),
        *ROOT.glob("tests/*/apps/*/app.py"),
        *ROOT.glob("tests/translate/apps/*_app.py"),
    ]
)
PROVIDERS = available()


def refusals(error: FaasError) -> list[tuple[str, str]]:
    return sorted((d.code, d.location) for d in error.diagnostics if d.severity == "error")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_compile_refuses_nothing_that_plan_accepted(provider: str, tmp_path: Path) -> None:
    outcomes = {}
    for app in APPS:
        name = app.relative_to(ROOT).as_posix()
        model, root = load(str(app))
        try:
            compiled = compile_app(model, root, provider)  # what `faas-iac plan` runs
        except FaasError as exc:
            outcomes[name] = refusals(exc)
            continue
        try:
            write_output(compiled, tmp_path / name)  # and what `faas-iac compile` adds
        except FaasError as exc:
            pytest.fail(f"{provider}: compile refused {name}, which plan accepted: {exc}")
        outcomes[name] = []
    assert len(outcomes) == len(APPS) >= 8
    if provider == "gcp":  # an orchestrator only the translator refuses: refused by plan too
        io_app = outcomes["tests/translate/apps/io_app.py"]  # a file read inside an orchestrator
        assert any(code.startswith("FIAC6") for code, _ in io_app), io_app
        assert outcomes["examples/durable/app.py"] == []  # every orchestrator is a Workflow
