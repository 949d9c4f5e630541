"""``App(cors=[...])`` on every target: the plan's CORS settings are what the real Pulumi
packages declare (API Gateway's and the Azure function app's own CORS answer), and on GCP,
which has no CORS of its own, the generated app under the real functions-framework is judged
by Chromium's CORS checks; a wrong origin is a coded, located error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from faas_iac.api import compile, load
from faas_iac.errors import FaasError
from faas_iac.runtime.cors import ENV
from tests.dashboard.test_host_options import _call_from, site
from tests.gcp import ff

APP = Path(__file__).parent / "apps" / "web_api.py"
ORIGINS = ["https://shop.example", "http://127.0.0.1:8765"]


def _resource(plan: Any, kind: str) -> Any:
    return next(r for r in plan.resources if r.type == kind)


def test_aws_http_api_answers_cors_itself() -> None:
    from pulumi_aws.apigatewayv2 import ApiCorsConfigurationArgs

    api = _resource(compile(str(APP), "aws"), "aws:apigatewayv2/api:Api")
    cors = api.properties["cors_configuration"]
    assert cors == {
        "allow_origins": ORIGINS,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["*"],
        "max_age": 600,
    }
    ApiCorsConfigurationArgs(**cors)  # every key is one pulumi_aws declares


def test_azure_function_app_answers_cors_itself() -> None:
    from pulumi_azure_native.web import CorsSettingsArgs

    site = _resource(compile(str(APP), "azure"), "azure-native:web:WebApp").properties
    cors = site["site_config"]["cors"]
    assert cors == {"allowed_origins": ORIGINS}
    CorsSettingsArgs(**cors)


def test_no_cors_setting_without_cors() -> None:
    shop = str(Path(__file__).parents[2] / "examples" / "shop" / "app.py")
    assert (
        "cors_configuration"
        not in _resource(compile(shop, "aws"), "aws:apigatewayv2/api:Api").properties
    )
    gcp = compile(shop, "gcp")
    assert all(ENV not in str(r.properties) for r in gcp.resources)


def test_gcp_function_answers_cors_under_functions_framework(browser: Any, tmp_path: Path) -> None:
    with site() as listed, site() as other:
        app = tmp_path / "app.py"
        app.write_text(APP.read_text().replace(json.dumps(ORIGINS), json.dumps([listed])))
        fn = _resource(compile(str(app), "gcp"), "gcp:cloudfunctionsv2/function:Function")
        env = fn.properties["service_config"]["environment_variables"]
        assert env[ENV] == listed
        folder = ff.write_app(app, tmp_path / "out")
        with ff.serve(folder, "fn_items", {ENV: env[ENV]}) as url:
            ok = _call_from(browser, listed, f"{url}/items", None)
            refused = _call_from(browser, other, f"{url}/items", None)
    assert ok["status"] == 200 and '"method": "POST"' in ok["body"].replace('":"', '": "'), ok
    assert "Failed to fetch" in refused.get("error", ""), refused


@pytest.mark.parametrize(
    ("given", "bad"),
    [
        (["https://shop.example/"], "https://shop.example/"),
        (["https://ok.example", "shop.example"], "shop.example"),
        ("ftp://files.example", "ftp://files.example"),
    ],
)
def test_a_wrong_origin_is_a_located_error(tmp_path: Path, given: Any, bad: str) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP.read_text().replace(json.dumps(ORIGINS), json.dumps(given)))
    with pytest.raises(FaasError) as raised:
        load(str(app))
    d = raised.value.diagnostics[0]
    assert d.code == "FIAC100" and repr(bad) in d.message and "scheme and host" in d.fix
    assert d.location.endswith("app.py:9") and d.path.startswith("cors[")
