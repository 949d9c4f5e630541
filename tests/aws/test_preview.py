"""Before a deploy acts: ``plan --diff`` against the SDK engine's state (+/~/- with the changed
properties), ``deploy``/``destroy`` asking unless ``--yes`` (refused on a non-terminal),
``--stage`` naming every resource so two stages share one account, and unknown ``-O`` options
refused with a did-you-mean. Deploys go to a real moto_server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from faas_iac.cli import cli
from tests.aws.moto_server import moto_server

APP = str(Path(__file__).parent / "apps" / "deps" / "app.py")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faas-iac-cache")


@pytest.fixture
def aws(endpoint: str, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "FAAS_IAC_CACHE": str(shared_cache),
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("DEPSAPP_MEMORY", "DEPSAPP_EXTRA"):
        monkeypatch.delenv(key, raising=False)
    return endpoint


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}\n{result.output}")
    return result.exit_code, result.output


def lines(output: str, op: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"{op} ")]


def test_diff_shows_the_changed_property_and_the_added_function(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = str(tmp_path / "state.json")
    common = ["-p", "aws", "--state", state]
    code, out = run("plan", APP, "--diff", *common)
    assert code == 0, out
    assert lines(out, "+") and not lines(out, "~") and not lines(out, "-")
    code, out = run("deploy", APP, *common, "--endpoint-url", aws, "--yes")
    assert code == 0, out
    code, out = run("plan", APP, "--diff", *common)
    assert code == 0 and out.strip() == "no changes", out

    monkeypatch.setenv("DEPSAPP_MEMORY", "256")
    monkeypatch.setenv("DEPSAPP_EXTRA", "1")
    code, out = run("plan", APP, "--diff", *common)
    assert code == 0, out
    assert lines(out, "~") == ["~ fn-version (aws:lambda/function:Function): memory_size"]
    added = lines(out, "+")
    assert "+ fn-daily (aws:lambda/function:Function)" in added
    # a function is several resources (role, policy, log group, Lambda, alarm, schedule...):
    # every one added is the new function's, nothing else is created, nothing deleted
    assert all("daily" in line for line in added), added
    assert not lines(out, "-")
    assert out.splitlines()[-1] == f"{len(added)} to create, 1 to update, 0 to delete"

    code, out = run("deploy", APP, *common, "--endpoint-url", aws, "--yes")
    assert code == 0, out
    lam = boto3.client("lambda", endpoint_url=aws)
    assert lam.get_function_configuration(FunctionName="depsapp-version")["MemorySize"] == 256
    monkeypatch.delenv("DEPSAPP_EXTRA")
    code, out = run("plan", APP, "--diff", *common)
    assert "- fn-daily (aws:lambda/function:Function)" in lines(out, "-")
    code, out = run("destroy", APP, *common, "--endpoint-url", aws, "--yes")
    assert code == 0, out


def test_deploy_and_destroy_refuse_without_yes_on_a_non_terminal(aws: str, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    common = ["-p", "aws", "--state", str(state), "--endpoint-url", aws]
    code, out = run("deploy", APP, *common)
    assert code == 2 and "FIAC209" in out and "pass --yes" in out, out
    assert not state.exists()
    assert run("deploy", APP, *common, "-y")[0] == 0
    code, out = run("destroy", APP, *common)
    assert code == 2 and "FIAC209" in out, out
    assert state.exists()
    assert run("destroy", APP, *common, "-y")[0] == 0


def test_two_stages_deploy_side_by_side(aws: str, tmp_path: Path) -> None:
    for stage in ("dev", "prod"):
        code, out = run(
            "deploy", APP, "-p", "aws", "--stage", stage, "--endpoint-url", aws, "--yes",
            "--state", str(tmp_path / f"{stage}.json"),
        )  # fmt: skip
        assert code == 0, out
    lam = boto3.client("lambda", endpoint_url=aws)
    names = {f["FunctionName"] for f in lam.list_functions()["Functions"]}
    assert {"depsapp-dev-version", "depsapp-prod-version"} <= names
    roles = {r["RoleName"] for r in boto3.client("iam", endpoint_url=aws).list_roles()["Roles"]}
    assert {"depsapp-dev-version", "depsapp-prod-version"} <= roles
    code, out = run(
        "destroy", APP, "-p", "aws", "--stage", "dev", "--endpoint-url", aws, "--yes",
        "--state", str(tmp_path / "dev.json"),
    )  # fmt: skip
    assert code == 0, out
    names = {f["FunctionName"] for f in lam.list_functions()["Functions"]}
    assert "depsapp-prod-version" in names and "depsapp-dev-version" not in names
    run(
        "destroy", APP, "-p", "aws", "--stage", "prod", "--endpoint-url", aws, "--yes",
        "--state", str(tmp_path / "prod.json"),
    )  # fmt: skip


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp", "local"])
def test_stage_names_every_resource(provider: str) -> None:
    from faas_iac.api import load
    from faas_iac.plan import compile_app

    model, root = load(APP)
    plain = compile_app(model, root, provider).plan.to_json()
    staged = compile_app(model, root, provider, {"stage": "dev"}).plan
    assert staged.app == "depsapp-dev"
    assert "depsapp-dev" not in plain
    assert "depsapp-dev" in staged.to_json()


def test_unknown_options_and_bad_stages_are_refused() -> None:
    code, out = run("plan", APP, "-p", "aws", "-O", "stag=dev")
    assert code == 2, out
    assert "FIAC005" in out and "unknown compile option 'stag'" in out
    assert "did you mean -O stage=...?" in out
    code, out = run("plan", APP, "-p", "azure", "-O", "plna=premium")
    assert code == 2 and "did you mean -O plan=...?" in out, out
    code, out = run("plan", APP, "-p", "aws", "--stage", "Prod_1")
    assert code == 2 and "FIAC006" in out, out
