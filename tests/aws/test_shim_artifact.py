"""The code artifact carries what runs in the cloud, and nothing else of faas_iac's durable
engine: the generated code zip and the two layers are unpacked into a fresh folder, as Lambda
lays them out (/var/task, /opt/python), and an orchestrator on Lambda durable functions runs from
there on the durable SDK's local runner, in a separate interpreter that has neither the repo
nor the installed faas_iac on its path (``-S``: the editable install's finder is not loaded;
site-packages is appended only for boto3 and the runner)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

from faas_iac_aws.plan.lambda_durable import sdk_layer_zip
from faas_iac_aws.plan.layer import layer_zip

from faas_iac.api import load
from faas_iac.plan import compile_app
from faas_iac.plan.artifacts import SHIM_DURABLE

APP = Path(__file__).resolve().parent / "apps" / "durable_shim" / "app.py"

PROBE = """
import json, sys
task, opt, purelib, spec = sys.argv[1:5]
sys.path[:0] = [task, opt]
sys.path.append(purelib)
spec = json.loads(spec)

from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner
from faas_iac_aws.lambda_durable.adapter import envelope
from faas_iac_aws.lambda_durable.entry import build
from faas_iac_aws.runtime.entry import dispatch
from faas_iac.durable import codec

def plain(env):
    return lambda event, context: dispatch(event, context, env)

runner = DurableFunctionTestRunner(handler=plain({}), skip_time=True, poll_interval=0.02)
try:
    for name, env in spec["durable"].items():
        runner.register_durable_function(name, build(env), execution_timeout=60)
    for name, env in spec["plain"].items():
        runner.register_function(name, plain(env))
    results = []
    for n, value in enumerate(spec["inputs"]):
        payload = envelope(f"i{n}", None, codec.dumps(value))
        arn = runner.run_async(
            input=json.dumps(payload), function_name=spec["start"], execution_name=f"i{n}"
        )
        result = runner.wait_for_result(arn, 60)
        assert result.error is None, result.error
        results.append(codec.loads(result.result))
finally:
    runner.close()
print(json.dumps({
    "results": results,
    "files": {m.__name__: m.__file__ for m in list(sys.modules.values())
              if m.__name__.split(".")[0] in ("faas_iac", "faas_iac_aws", "app")},
}))
"""


def _unpack(data: bytes, folder: Path) -> Path:
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    return folder


def _env(properties: dict[str, Any]) -> dict[str, str]:
    variables = properties["environment"]["variables"]
    return {
        k: v if isinstance(v, str) else json.dumps(v["$json"], separators=(",", ":"))
        for k, v in variables.items()
    }


def test_an_orchestrator_runs_from_its_unpacked_artifact_alone(tmp_path: Path) -> None:
    model, root = load(str(APP))
    compiled = compile_app(model, root, "aws")
    task = _unpack(compiled.code_zip, tmp_path / "task")
    opt = tmp_path / "opt"
    _unpack(layer_zip(), opt)
    _unpack(sdk_layer_zip(), opt)
    functions = {
        r.properties["name"]: r for r in compiled.plan.resources if "environment" in r.properties
    }
    spec = {
        "durable": {
            name: _env(r.properties)
            for name, r in functions.items()
            if "durable_config" in r.properties
        },
        "plain": {
            name: _env(r.properties)
            for name, r in functions.items()
            if "durable_config" not in r.properties
        },
        "start": "shim-reserve_all",
        "inputs": [["a", "b"], ["a", "b", "x1"]],
    }
    assert list(spec["durable"]) == ["shim-reserve_all"]
    out = subprocess.run(
        [sys.executable, "-S", "-B", "-c", PROBE, str(task), str(opt / "python"),
         sysconfig.get_paths()["purelib"], json.dumps(spec)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={"AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout)
    assert found["results"] == [
        {"reserved": True, "items": ["a", "b"]},
        {"reserved": False, "error": "x1 is sold out", "released": ["released b", "released a"]},
    ]
    files: dict[str, str] = found["files"]
    # every module of faas_iac came from the code zip, every module of the adapter from a layer
    for name, file in files.items():
        where = opt if name.startswith("faas_iac_aws") else task
        assert Path(file).is_relative_to(where), (name, file)
    # and of the durable engine, exactly the shipped core was needed (shipping less fails the
    # run above; shipping more shows here)
    used = sorted(n.split(".")[2] + ".py" for n in files if n.startswith("faas_iac.durable."))
    assert ["__init__.py", *used] == list(SHIM_DURABLE)
