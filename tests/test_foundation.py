"""The foundation's promises: a pinned public API, a standard-library shim, a JSON Schema that
validates every example, byte-identical plans and artifacts, plans in dependency order."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

import faas_iac
from faas_iac.api import load
from faas_iac.model import json_schema
from faas_iac.plan import PlanResource, build_code_zip, compile_app, ordered
from faas_iac.plan.artifacts import SHIM_FILES
from faas_iac.plan.sources import app_files
from tests.conftest import EXAMPLES, ROOT

EXAMPLE_APPS = sorted(p for p in EXAMPLES.rglob("app.py") if "__pycache__" not in p.parts)


def test_public_api_is_pinned() -> None:
    assert sorted(faas_iac.__all__) == sorted(
        [
            "App", "BindingDenied", "Blueprint", "Bucket", "CloudEvent", "Context", "Diagnostic",
            "EventBus", "FaasError", "FunctionSpec", "HttpRequest", "HttpResponse", "Message",
            "Queue", "ResourceSpec", "RetryOptions", "Secret", "SourceLocation", "Stream",
            "Table", "TimerInfo", "Topic", "ValidationFailed", "compile", "load", "validate",
        ]
    )  # fmt: skip
    for name in faas_iac.__all__:
        assert getattr(faas_iac, name) is not None


def test_importing_the_package_loads_only_the_standard_library() -> None:
    code = (
        "import sys, faas_iac; "
        "heavy = sorted(m for m in ('pydantic', 'croniter', 'click') if m in sys.modules); "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def code_zip(folder: Path) -> bytes:
    model, root = load(str(folder / "app.py"))
    return build_code_zip(app_files(model, root))


def test_the_shim_in_an_artifact_imports_without_faas_iac_installed(tmp_path: Path) -> None:
    data = code_zip(EXAMPLES / "shop")
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path)
    assert {f"faas_iac/{n}" for n in SHIM_FILES} <= set(names)
    assert "app.py" in names and not any("__pycache__" in n for n in names)
    code = (
        "import sys; sys.path.insert(0, '.'); import app, faas_iac; "
        "print(faas_iac.__file__); print(sorted(n for n in vars(app) if callable(vars(app)[n])))"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONNOUSERSITE": "1"}
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    where, functions = out.stdout.splitlines()
    assert Path(where).resolve().is_relative_to(tmp_path.resolve())
    assert "fulfil_order" in functions and "place_order" in functions


def test_artifact_is_byte_identical_whatever_the_file_times(tmp_path: Path) -> None:
    copy = tmp_path / "shop"
    shutil.copytree(EXAMPLES / "shop", copy)
    os.utime(copy / "app.py", (1_000_000_000, 1_000_000_000))
    assert code_zip(copy) == code_zip(EXAMPLES / "shop")
    (copy / "app.py").write_text((copy / "app.py").read_text() + "\n# changed\n")
    assert code_zip(copy) != code_zip(EXAMPLES / "shop")


@pytest.mark.parametrize("app", EXAMPLE_APPS, ids=[p.parent.name for p in EXAMPLE_APPS])
def test_schema_validates_every_example(app: Path) -> None:
    model, _ = load(str(app))
    jsonschema.validate(json.loads(model.to_json()), json_schema())


@pytest.mark.parametrize("app", EXAMPLE_APPS, ids=[p.parent.name for p in EXAMPLE_APPS])
def test_compile_gives_the_same_plan_bytes_twice(app: Path, tmp_path: Path) -> None:
    runs = []
    for i in range(2):
        out = tmp_path / str(i)
        subprocess.run(
            [sys.executable, "-m", "faas_iac", "compile", str(app), "--out", str(out)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        files = sorted(p for p in out.rglob("*") if p.is_file())
        runs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in files})
    assert runs[0] == runs[1]
    plan = json.loads(runs[0]["plan.json"])
    (artifact,) = plan["artifacts"]
    assert artifact["path"] in runs[0]
    assert str(ROOT) not in runs[0]["plan.json"].decode()


def test_schema_rejects_what_the_model_rejects() -> None:
    model, _ = load(str(EXAMPLES / "shop" / "app.py"))
    data = json.loads(model.to_json())
    data["functions"][0]["timeout"] = 99999
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


def test_plan_orders_dependencies_first_and_refuses_cycles() -> None:
    res = [
        PlanResource(type="t:b", name="b", depends_on=("a",)),
        PlanResource(type="t:a", name="a"),
        PlanResource(type="t:c", name="c", depends_on=("b", "a")),
    ]
    assert [r.name for r in ordered(res)] == ["a", "b", "c"]
    assert ordered(res)[2].depends_on == ("a", "b")
    cyclic = [PlanResource(type="t", name="x", depends_on=("y",)),
              PlanResource(type="t", name="y", depends_on=("x",))]  # fmt: skip
    with pytest.raises(faas_iac.FaasError) as info:
        ordered(cyclic)
    assert info.value.codes == ["FIAC203"]


def test_local_plan_states_what_dev_will_run() -> None:
    model, root = load(str(EXAMPLES / "shop" / "app.py"))
    plan = compile_app(model, root, "local").plan
    route = plan.resource("route-get_order")
    assert route.properties == {"route": "/api/orders/{id}", "methods": ["GET"], "auth": "function"}
    assert plan.resource("http-server").properties["host"] == "127.0.0.1"
    assert plan.resource("queue-orders").properties["dead_letter"] == "orders-dlq"
    assert plan.resource("schedule-nightly_report").properties["tz"] == "Europe/Paris"
    names = [r.name for r in plan.resources]
    assert names.index("fn-get_order") < names.index("route-get_order")


def test_unknown_provider_is_a_coded_error_listing_the_installed_ones() -> None:
    model, root = load(str(EXAMPLES / "shop" / "app.py"))
    with pytest.raises(faas_iac.FaasError) as info:
        compile_app(model, root, "nimbus")
    assert info.value.codes == ["FIAC003"]
    assert "local" in info.value.diagnostics[0].message


def test_blueprints_prefix_names_and_keep_their_resources(tmp_path: Path) -> None:
    (tmp_path / "billing.py").write_text(
        "from faas_iac import Blueprint, Queue\n"
        "bp = Blueprint('billing')\n"
        "bp.declare(Queue('invoices'))\n"
        "@bp.http('/invoices', writes=['queue:invoices'])\n"
        "def create(req, ctx): ...\n"
    )
    (tmp_path / "app.py").write_text(
        "from faas_iac import App\nfrom billing import bp\n"
        "app = App('shop')\napp.register(bp, prefix='billing-')\n"
    )
    model, _ = load(str(tmp_path / "app.py"))
    fn = model.function("billing-create")
    assert fn.handler.module == "billing" and fn.handler.qualname == "create"
    assert model.resource("queue", "invoices").name == "invoices"
    assert fn.source == "billing.py:4"


def test_schema_command_prints_the_json_schema() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "faas_iac", "schema"], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == json_schema()
