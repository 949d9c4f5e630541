"""The exact words of the errors a new user meets first: each says what is wrong in the user's
terms and a fix that follows the rule it names (no contradiction, no wrong advice)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from faas_iac import FaasError
from faas_iac.api import load
from faas_iac.cli import cli
from tests.conftest import EXAMPLES


def problems(tmp_path: Path, body: str) -> list[tuple[str, str, str, str]]:
    app = tmp_path / "app.py"
    app.write_text('from faas_iac import App\n\napp = App("demo")\n\n\n' + body)
    with pytest.raises(FaasError) as info:
        load(str(app))
    return [
        (d.code, d.location.rsplit(":", 1)[1], d.message, d.fix) for d in info.value.diagnostics
    ]


def test_one_function_with_two_triggers_is_not_called_two_functions(tmp_path: Path) -> None:
    ((code, line, message, fix),) = problems(
        tmp_path, '@app.http("/jobs")\n@app.queue("jobs")\ndef job(req, ctx): ...\n'
    )
    assert (code, line) == ("FIAC107", "6")
    assert message.startswith("function 'job' has two triggers (queue at ")
    assert message.endswith(":7 and http); a function has one trigger")
    assert "two functions" not in message
    assert fix == (
        "keep one trigger decorator; for a second trigger of the same code, give that decorator "
        "its own name (name='job-http') or write a second function that calls the first"
    )


def test_a_long_name_says_the_length_limit_and_a_fix_that_follows_the_rule(
    tmp_path: Path,
) -> None:
    ((code, _, message, fix),) = problems(
        tmp_path, f'@app.http("/a", name="Report_{"x" * 93}")\ndef a(req, ctx): ...\n'
    )
    assert code == "FIAC106"
    assert message == (
        "function name 'Report_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is invalid: it is 100 "
        "characters long (at most 63)"
    )
    assert fix == (
        "function names start with a letter and use letters, digits, '_' and '-', at most 63 "
        "characters, e.g. 'Report_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
    )


def test_an_env_variable_name_gets_the_env_rule_only(tmp_path: Path) -> None:
    ((code, _, message, fix),) = problems(
        tmp_path, '@app.http("/a", env={"db-url": "x"})\ndef a(req, ctx): ...\n'
    )
    assert code == "FIAC106"
    assert message == (
        "environment variable name 'db-url' is invalid: it contains lowercase letters and '-'"
    )
    assert fix == (
        "environment variable names use capital letters, digits and '_', and do not start with "
        "a digit, e.g. 'DB_URL'"
    )


def test_a_resource_name_gets_the_resource_rule(tmp_path: Path) -> None:
    ((code, _, message, fix),) = problems(
        tmp_path, '@app.queue("Orders_In")\ndef a(msg, ctx): ...\n'
    )
    assert code == "FIAC106"
    assert message == "queue name 'Orders_In' is invalid: it contains capital letters and '_'"
    assert fix == (
        "resource names start with a lowercase letter and use lowercase letters, digits and '-', "
        "at most 63 characters, e.g. 'orders-in'"
    )


def test_a_path_with_an_attribute_loads_that_app() -> None:
    model, _ = load(f"{EXAMPLES / 'shop' / 'app.py'}:app")
    assert model.name == "shop"
    with pytest.raises(FaasError) as info:
        load(f"{EXAMPLES / 'shop' / 'app.py'}:ap")
    (diag,) = info.value.diagnostics
    assert diag.code == "FIAC002"
    assert diag.message.endswith("app.py:ap': attribute 'ap' is not an App")
    assert diag.fix == "name the variable that holds App(...): app"


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("awz", "did you mean 'aws'?"),
        (
            "k8s",
            "pick one of: aws, azure, gcp, local, or install the provider's plugin package (it "
            "registers a 'faas_iac.providers' entry point)",
        ),
    ],
)
def test_an_unknown_provider_suggests_the_closest_known_one(name: str, fix: str) -> None:
    result = CliRunner().invoke(cli, ["plan", str(EXAMPLES / "shop" / "app.py"), "-p", name])
    assert result.exit_code == 2
    assert f"error FIAC003: unknown provider '{name}' (installed: aws, azure, gcp, local)" in (
        result.output
    )
    assert f"fix: {fix}\n" in result.output
    assert "providers/" not in result.output
