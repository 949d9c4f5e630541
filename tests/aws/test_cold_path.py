"""What a Lambda HTTP function's cold start imports, run by the interpreter from the unpacked
artifacts (the code zip as /var/task, the adapter layer as /opt/python) on the ``sam local
generate-event`` fixture: only what its first invocation needs. Not ``typing`` (several
milliseconds alone), not the compiler's ``faas_iac._app``, not the other triggers' event
converters or records. Its time is measured by ``benchmarks/cold_start.py``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from faas_iac_aws.plan.layer import layer_zip

from faas_iac.api import load
from faas_iac.plan import compile_app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "apigw_v2_post.json"
APP = """from faas_iac import App, Context, HttpRequest

app = App("cold")


@app.http("/orders", methods=["POST"], auth="anonymous")
def place(req: HttpRequest, ctx: Context) -> dict:
    order = req.json()
    return {"accepted": order["id"], "items": len(order["items"])}
"""
PROBE = """
import json, os, sys
sys.path[:0] = ["task", "opt/python"]
os.environ.update(json.loads(sys.argv[1]))
before = set(sys.modules)
from faas_iac_aws.runtime.entry import handler
result = handler(json.load(open(sys.argv[2])), None)
print(json.dumps({"result": result, "loaded": sorted(set(sys.modules) - before)}))
"""
NOT_ON_THE_COLD_PATH = {
    "typing",
    "dataclasses",
    "inspect",
    "importlib",
    "faas_iac._app",
    "faas_iac.errors",
    "faas_iac.runtime.types",
    "faas_iac.runtime.messages",
    "faas_iac.runtime.bindings",
    "faas_iac.runtime.clients",
    "faas_iac_aws.runtime.events",
}


def test_an_http_cold_start_imports_only_what_it_needs(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP)
    model, root = load(str(tmp_path / "src" / "app.py"))
    compiled = compile_app(model, root, "aws")
    zipfile.ZipFile(io.BytesIO(compiled.code_zip)).extractall(tmp_path / "task")
    zipfile.ZipFile(io.BytesIO(layer_zip())).extractall(tmp_path / "opt")
    variables = compiled.plan.resource("fn-place").properties["environment"]["variables"]
    env = {k: v for k, v in variables.items() if isinstance(v, str)}
    out = subprocess.run(
        [sys.executable, "-S", "-B", "-c", PROBE, json.dumps(env), str(FIXTURE)],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found["result"]["statusCode"] == 200, found["result"]
    assert json.loads(found["result"]["body"]) == {"accepted": "o-1", "items": 1}
    loaded = set(found["loaded"])
    assert {"app", "faas_iac.runtime.app", "faas_iac_aws.runtime.http"} <= loaded
    assert loaded & NOT_ON_THE_COLD_PATH == set()
