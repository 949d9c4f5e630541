"""Secrets stay out of plain configuration: a secret-looking ``env=`` variable gives a coded
warning pointing to ``secrets=`` (an error with ``--strict``), and a value held under
``secrets=`` appears in no plan, artifact, generated file or log, on any target."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from faas_iac.cli import cli

VALUE = "Dk3pQ9zX7mW2vB8nR4tY6uI1oP5aS0dF"

APP = """from faas_iac import App

app = App("vault")


@app.http("/x", auth="anonymous", env={env})
def x(req, ctx):
    return "ok"
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_app(folder: Path, env: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "app.py"
    path.write_text(APP.format(env=env))
    return path


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("DB_PASSWORD", "hunter2", "its name contains PASSWORD"),
        ("STRIPE_SECRET", "abc", "its name contains SECRET"),
        ("GITHUB_TOKEN", "abc", "its name contains TOKEN"),
        ("SIGNING_KEY", "abc", "its name contains _KEY"),
        ("UPSTREAM", VALUE, "random token"),
        ("AWS_ID", "AKIAIOSFODNN7EXAMPLE", "AWS access key id"),
        ("DATABASE_URL", "postgres://app:hunter2@db.example.com/app", "URL with a password"),
    ],
)
def test_a_secret_looking_env_variable_gives_a_coded_located_warning(
    name: str, value: str, why: str, tmp_path: Path
) -> None:
    app = write_app(tmp_path, repr({name: value, "LOG_LEVEL": "info"}))
    result = invoke("validate", str(app))
    assert result.exit_code == 0, result.output
    assert f"app.py:6: warning FIAC134 [functions.x.env.{name}]" in result.output
    assert why in result.output and "secrets=" in result.output
    assert value not in result.output  # the warning must not leak what it warns about
    strict = invoke("validate", str(app), "--strict")
    assert strict.exit_code == 2
    assert "error FIAC134" in strict.output and value not in strict.output
    for command in ("plan", "compile"):
        out = ["-o", str(tmp_path / "out")] if command == "compile" else []
        refused = invoke(command, str(app), "-p", "aws", "--strict", *out)
        assert refused.exit_code == 2 and "FIAC134" in refused.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "env",
    [
        "LOG_LEVEL='debug'",
        "TABLE='orders-table-prod-2024-v2'",
        "CLIENT_ID='3f2b8c1e-9d4a-4b6f-8e2a-1c3d5e7f9a0b'",
        "ENDPOINT='https://api.example.com/v1/things'",
        "EVENT_TYPE='com.example.orders.v1.OrderPlaced'",
        "SERVICE='MyCompanyInternalService01'",
        "ROLE='arn:aws:iam::123456789012:role/reader'",
    ],
)
def test_ordinary_configuration_gives_no_warning(env: str, tmp_path: Path) -> None:
    app = write_app(tmp_path, f"dict({env})")
    result = invoke("validate", str(app), "--strict")
    assert result.exit_code == 0, result.output
    assert "FIAC134" not in result.output


def test_an_app_wide_secret_is_reported_once(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        'from faas_iac import App\n\napp = App("v", env={"API_TOKEN": "t"})\n\n\n'
        '@app.http("/a")\ndef a(req, ctx): ...\n\n\n@app.http("/b")\ndef b(req, ctx): ...\n'
    )
    result = invoke("validate", str(app))
    assert result.output.count("FIAC134") == 1
    assert "and 1 other functions" in result.output


SECRET_APP = """from faas_iac import App, Secret

app = App("vault")
app.declare(Secret("db-password"))


@app.http("/x", auth="anonymous", secrets={"DB_PASSWORD": "db-password"})
def x(req, ctx):
    value = ctx.secret("db-password")
    ctx.logger.warning(f"connecting with {value}")
    return {"length": len(value)}
"""


def outputs(out: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        files[path.relative_to(out).as_posix()] = data
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                files.update({f"{path.name}/{n}": zf.read(n) for n in zf.namelist()})
    return files


@pytest.mark.parametrize("provider", ["local", "aws", "azure", "gcp"])
def test_a_secret_value_appears_in_no_plan_artifact_or_generated_file(
    provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "app.py").write_text(SECRET_APP)
    (folder / "secrets.env").write_text(f"db-password={VALUE}\n")
    monkeypatch.setenv("FAAS_SECRET_DB_PASSWORD", VALUE)
    for command in (["plan", "--json"], ["compile", "-o", str(tmp_path / "out")]):
        result = invoke(command[0], str(folder / "app.py"), "-p", provider, *command[1:])
        assert result.exit_code == 0, result.output
        assert VALUE not in result.output
    files = outputs(tmp_path / "out")
    assert "plan.json" in files
    assert [name for name, data in files.items() if VALUE.encode() in data] == []


def test_a_secret_value_appears_in_no_local_log(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "app.py").write_text(SECRET_APP)
    state = tmp_path / "state"
    state.mkdir()
    (state / "secrets.env").write_text(f"db-password={VALUE}\n")
    result = invoke("invoke", str(folder / "app.py"), "x", "--state-dir", str(state))
    captured = capfd.readouterr()
    assert result.exit_code == 0, result.output
    assert '"length":32' in result.output
    assert "connecting with" in captured.err + result.output  # the log line is there...
    assert VALUE not in result.output + captured.out + captured.err  # ...redacted


def test_a_secret_value_written_into_secrets_is_refused_without_echoing_it(
    tmp_path: Path,
) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        'from faas_iac import App\n\napp = App("v")\n\n\n'
        f'@app.http("/a", secrets={{"DB_PASSWORD": "{VALUE}!"}})\ndef a(req, ctx): ...\n'
    )
    for provider in ("aws", "azure", "local"):
        result = invoke("compile", str(app), "-p", provider, "-o", str(tmp_path / "out"))
        assert result.exit_code == 2, result.output
        assert "app.py:6: error FIAC135 [functions.a.secrets.DB_PASSWORD]" in result.output
        assert VALUE not in result.output
        assert not (tmp_path / "out").exists()


def test_gcp_passes_env_and_reads_secrets_from_secret_manager(tmp_path: Path) -> None:
    app = write_app(tmp_path / "env", "{'LOG_LEVEL': 'debug'}")
    plan = invoke("plan", str(app), "-p", "gcp", "--json")
    assert plan.exit_code == 0, plan.output
    fn = next(r for r in json.loads(plan.output)["resources"] if r["name"] == "fn-x")
    assert fn["properties"]["service_config"]["environment_variables"] == {"LOG_LEVEL": "debug"}
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "app.py").write_text(SECRET_APP)
    (folder / "secrets.env").write_text(f"db-password={VALUE}\n")
    plan = invoke("plan", str(folder / "app.py"), "-p", "gcp", "--json")
    assert plan.exit_code == 0, plan.output
    assert VALUE not in plan.output
    resources = {r["name"]: r for r in json.loads(plan.output)["resources"]}
    service = resources["fn-x"]["properties"]["service_config"]
    (variable,) = service["secret_environment_variables"]
    assert variable["key"] == "DB_PASSWORD" and variable["version"] == "latest"
    assert variable["secret"] == {"$sub": "${secret-db-password.secret_id}"}
    assert resources["secret-db-password"]["properties"]["secret_id"] == "vault-db-password"
    (access,) = [
        r["properties"] for r in resources.values() if r["type"].endswith("SecretIamMember")
    ]
    assert access["role"] == "roles/secretmanager.secretAccessor"
    assert access["member"] == {"$sub": "serviceAccount:${sa-x.email}"}
