"""``stacks/aws`` (the Pulumi project) and the ejected program, run under Pulumi mocks: both
create exactly the resources, with the same inputs, as the provider's emitter."""

from __future__ import annotations

import re
import runpy
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest

from faas_iac.plan import write_output
from faas_iac.pulumi import compiled_for, eject
from tests.aws.pulumi_mocks import Recorder
from tests.pulumi_programs import fresh_event_loop

ROOT = Path(__file__).resolve().parents[2]
APP = "tests/aws/apps/all_triggers/app.py"


def emitted(tmp_path: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    from faas_iac_aws.pulumi_emit import deploy

    recorder = Recorder()
    fresh_event_loop()
    pulumi.runtime.set_mocks(recorder, preview=False)

    # Inside pulumi.runtime.test, which waits for every registration: read outside it, the
    # recorder could miss resources still being registered on a loaded machine.
    @pulumi.runtime.test
    def run() -> Any:
        deploy(compiled_for(str(ROOT / APP), "aws"), tmp_path / "build")
        return pulumi.Output.from_input("")

    run()
    return recorder.resources


def test_stack_program_deploys_the_configured_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "app"
    shutil.copytree((ROOT / APP).parent, app, ignore=shutil.ignore_patterns(".faas"))
    before = sorted(p.relative_to(app) for p in app.rglob("*"))
    stack = tmp_path / "stack"  # the working folder of `pulumi up`
    stack.mkdir()
    monkeypatch.chdir(stack)
    recorder = Recorder()
    fresh_event_loop()
    pulumi.runtime.set_mocks(recorder, preview=False)
    pulumi.runtime.set_all_config({"faas-iac:app": str(app / "app.py")})

    @pulumi.runtime.test
    def run() -> Any:
        runpy.run_path(str(ROOT / "stacks" / "aws" / "__main__.py"))
        return pulumi.Output.from_input("")

    run()
    typ, inputs = recorder.resources["allt-fn-place"]
    assert typ == "aws:lambda/function:Function" and inputs["name"] == "allt-place"
    assert len(recorder.resources) > 90
    # The zips it deploys are built under the stack's build/ folder, none in the app's folder.
    built = sorted(p.name for p in (stack / "build" / "aws").rglob("*.zip"))
    assert any(n.startswith("code-") for n in built) and len(built) >= 2, built
    assert sorted(p.relative_to(app) for p in app.rglob("*")) == before


def test_ejected_program_creates_the_same_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = emitted(tmp_path)
    out = tmp_path / "ejected"
    files = eject(str(ROOT / APP), "aws", out)
    text = (out / "__main__.py").read_text()
    assert "import faas_iac" not in text and "from faas_iac" not in text
    # Every zip the program deploys is written beside it, with the bytes compile writes.
    archives = re.findall(r"pulumi\.FileArchive\('([^']+)'\)", text)
    assert len(set(archives)) >= 2 and sorted(files) == sorted(
        {"Pulumi.yaml", "__main__.py", "requirements.txt", *archives}
    )
    compiled = write_output(compiled_for(str(ROOT / APP), "aws"), tmp_path / "compiled")
    for rel in set(archives):
        assert (
            rel in compiled
            and (out / rel).read_bytes() == (tmp_path / "compiled" / rel).read_bytes()
        )
    monkeypatch.chdir(out)
    recorder = Recorder()
    fresh_event_loop()
    pulumi.runtime.set_mocks(recorder, preview=False)

    @pulumi.runtime.test
    def run() -> Any:
        runpy.run_path(str(out / "__main__.py"))
        return pulumi.Output.from_input("")

    run()
    assert sorted(recorder.resources) == sorted(expected)
    for name, (typ, inputs) in expected.items():
        ejected_type, ejected_inputs = recorder.resources[name]
        assert ejected_type == typ
        strip = {k: v for k, v in inputs.items() if k != "code"}
        assert {k: v for k, v in ejected_inputs.items() if k != "code"} == strip, name
