"""Every planner collects all its refusals, the translator's among them, and raises one
``NotExpressible``: a user fixes an app in one round, whatever the target."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from faas_iac.api import load
from faas_iac.errors import NotExpressible
from faas_iac.plan import compile_app

APP = """
import random

from faas_iac import App

app = App("many")


@app.http("/me", auth="iam", memory=20480)
def me(req, ctx): ...


@app.http("/you", auth="jwt", jwt={"issuer": "https://issuer.example"}, env={"WEBSITE_X": "1"})
def you(req, ctx): ...


@app.schedule(every="7 minutes")
def tick(timer, ctx): ...


@app.stream("clicks")
def clicks(msg, ctx): ...


@app.orchestrator(aws_engine="step_functions")  # on AWS: translated, so refused (FIAC603)
def flow(ctx):
    pick = random.random()
    return (yield ctx.call_activity("work", pick))


@app.activity
def work(value):
    return value
"""

#: provider → the codes of every refusal, in the order its planner finds them
EXPECTED = {
    "aws": ["FIAC301", "FIAC603"],
    "azure": ["FIAC404", "FIAC404", "FIAC201", "FIAC414", "FIAC406"],
    "gcp": ["FIAC504", "FIAC201", "FIAC603"],
}


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_one_refusal_lists_every_problem(provider: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    model, root = load(str(tmp_path / "app.py"))
    with pytest.raises(NotExpressible) as info:
        compile_app(model, root, provider)
    assert info.value.codes == EXPECTED[provider], info.value.render()
    assert all(d.location for d in info.value.diagnostics), info.value.render()
