"""Cold start of the Lambda adapter: import + first dispatch, against a bare handler doing the
same work, each in many fresh processes laid out as Lambda lays out a function.

    python benchmarks/cold_start.py [--runs 60]

Both sides get the same API Gateway HTTP API event (``tests/aws/fixtures/apigw_v2_post.json``,
made by ``sam local generate-event``) and answer with the same JSON body. The faas-iac side is
``faas_iac_aws.runtime.entry.handler`` over a one-function app, with the code zip extracted
as /var/task and the adapter layer as /opt/python would be; the bare side is one plain
``def handler(event, context)``. Interpreter start-up is paid by both and not counted: each
process times from just before the handler's import to just after its first call. Medians.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVENT = ROOT / "tests" / "aws" / "fixtures" / "apigw_v2_post.json"

APP = """from faas_iac import App, Context, HttpRequest

app = App("cold")


@app.http("/orders", methods=["POST"], auth="anonymous")
def place(req: HttpRequest, ctx: Context) -> dict:
    order = req.json()
    return {"accepted": order["id"], "items": len(order["items"])}
"""

BARE = """import base64
import json


def handler(event, context):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    order = json.loads(body)
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"accepted": order["id"], "items": len(order["items"])},
                           separators=(",", ":")),
        "isBase64Encoded": False,
    }
"""

PROBE = """import json, os, sys, time
sys.path[:0] = [{task!r}, {opt!r}]
event = json.load(open({event!r}))
os.environ.update({env!r})
start = time.perf_counter()
{import_line}
result = handler(event, None)
elapsed = time.perf_counter() - start
assert result["statusCode"] == 200, result
print(json.dumps({{"ms": elapsed * 1000, "body": result["body"]}}))
"""


def layout(folder: Path) -> tuple[Path, Path, dict[str, str]]:
    """The compiled app as Lambda would see it: /var/task and /opt/python."""
    from faas_iac_aws.plan.layer import layer_zip

    from faas_iac.api import load
    from faas_iac.plan import compile_app

    src = folder / "src"
    src.mkdir()
    (src / "app.py").write_text(APP)
    model, root = load(str(src / "app.py"))
    compiled = compile_app(model, root, "aws")
    task, opt = folder / "task", folder / "opt"
    zipfile.ZipFile(io.BytesIO(compiled.code_zip)).extractall(task)
    zipfile.ZipFile(io.BytesIO(layer_zip())).extractall(opt)
    fn = compiled.plan.resource("fn-place")
    env = {k: v for k, v in fn.properties["environment"]["variables"].items()
           if isinstance(v, str)}  # fmt: skip
    return task, opt / "python", env


def sample(script: str) -> tuple[float, str]:
    out = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True,
                         check=True)  # fmt: skip
    data = json.loads(out.stdout)
    return float(data["ms"]), str(data["body"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        task, opt, env = layout(folder)
        bare_dir = folder / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare.py").write_text(BARE)
        ours_script = PROBE.format(
            task=str(task),
            opt=str(opt),
            event=str(EVENT),
            env=env,
            import_line="from faas_iac_aws.runtime.entry import handler",
        )
        bare_script = PROBE.format(
            task=str(bare_dir),
            opt=str(bare_dir),
            event=str(EVENT),
            env={},
            import_line="from bare import handler",
        )
        shim_script = PROBE.format(
            task=str(bare_dir),
            opt=str(task),
            event=str(EVENT),
            env={},
            import_line="import faas_iac\nfrom bare import handler",
        )
        ours, bare, shim = [], [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits all alike
            ms, body_ours = sample(ours_script)
            ours.append(ms)
            ms, body_bare = sample(bare_script)
            bare.append(ms)
            shim.append(sample(shim_script)[0])
        assert json.loads(body_ours) == json.loads(body_bare), (body_ours, body_bare)
    a, b, c = statistics.median(ours), statistics.median(bare), statistics.median(shim)
    print(f"runs: {args.runs} fresh processes each (python {sys.version.split()[0]})")
    print(f"faas-iac Lambda adapter, import + first dispatch: median {a:7.2f} ms")
    print(f"bare handler, import + first call:                median {b:7.2f} ms")
    print(f"added by the adapter: {a - b:.2f} ms (target: at most 15 ms); ratio {a / b:.1f}x")
    print(f"  of which importing the faas_iac shim (which the app itself imports): {c - b:.2f} ms")


if __name__ == "__main__":
    main()
