"""Providers are plugins: a third-party package that declares a ``faas_iac.providers`` entry
point becomes a target of every command, with no change to faas-iac."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

PROVIDER = """
from faas_iac.plan import Plan, PlanResource, ordered


class Nimbus:
    name = "nimbus"

    def plan(self, app, build):
        res = [PlanResource(type="nimbus:fn", name=f.name) for f in app.functions]
        return Plan(provider="nimbus", app=app.name, resources=ordered(res),
                    artifacts=(build.code,))


provider = Nimbus()
"""


@pytest.mark.parametrize(
    "distribution",
    # any name (every installed package's entry points are read), and the conventional one
    # (faas-iac-<provider>: read first, alone)
    ["nimbus-provider", "faas-iac-nimbus"],
)
def test_a_third_party_provider_is_found_through_its_entry_point(
    tmp_path: Path, distribution: str
) -> None:
    (tmp_path / "nimbus_provider.py").write_text(PROVIDER)
    dist = tmp_path / f"{distribution.replace('-', '_')}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[faas_iac.providers]\nnimbus = nimbus_provider:provider\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "faas_iac", "plan", str(EXAMPLES / "shop" / "app.py"),
         "--provider", "nimbus", "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["provider"] == "nimbus"
    assert {r["name"] for r in plan["resources"]} >= {"place_order", "fulfil_order"}
    help_text = subprocess.run(
        [sys.executable, "-m", "faas_iac", "plan", "--help"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    ).stdout  # fmt: skip
    assert "nimbus" in help_text
