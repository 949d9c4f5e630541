"""Cold start of the Lambda adapter: import + first dispatch, against a bare handler doing the
same work, each in many fresh processes laid out as Lambda lays out a function.

    python benchmarks/cold_start.py [--runs 60] [--importtime 10]

Both sides get the same API Gateway HTTP API event (``tests/aws/fixtures/apigw_v2_post.json``,
made by ``sam local generate-event``) and answer with the same JSON body. The faas-iac side is
``faas_iac_aws.runtime.entry.handler`` over a one-function app, with the code zip extracted
as /var/task and the adapter layer as /opt/python would be; the bare side is one plain
``def handler(event, context)``. Interpreter start-up is paid by both and not counted: each
process times from just before the handler's import to just after its first call. Minimum and
median of the runs, and the load average while they ran (the machine may be shared).

As on Lambda, where /var/task and /opt are read-only, every process runs with ``-B``,
``PYTHONDONTWRITEBYTECODE=1`` and an empty environment, over folders made read-only: a module
with no bytecode shipped beside it is compiled on every cold start. The artifacts ship
``.pyc`` beside their sources when the build interpreter is the function's runtime
(:mod:`faas_iac.bytecode`; the app here runs on this interpreter's version); one more row
runs the same artifacts with the bytecode removed, as a build by another Python version
would ship them (its runtime then compiles the sources on each cold start).

``--importtime N`` prints what the faas-iac side's first import pulls in: the N modules of
largest self time (``python -X importtime``, minimum over the runs). CPython logs only
``import`` statements there, not ``importlib.import_module``, by which the adapter imports the
user's module and ``faas_iac`` its lazy names (``App``...): those are in the "shim" row,
which times ``from faas_iac import App, Context, HttpRequest`` (what the app itself imports)
before the bare handler.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import shutil
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

SHIM = "from faas_iac import App, Context, HttpRequest"
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
    from faas_iac.bytecode import this_runtime
    from faas_iac.plan import compile_app

    src = folder / "src"
    src.mkdir()
    (src / "app.py").write_text(
        APP.replace('App("cold")', f'App("cold", runtime="{this_runtime()}")')
    )
    model, root = load(str(src / "app.py"))
    compiled = compile_app(model, root, "aws")
    task, opt = folder / "task", folder / "opt"
    zipfile.ZipFile(io.BytesIO(compiled.code_zip)).extractall(task)
    zipfile.ZipFile(io.BytesIO(layer_zip())).extractall(opt)
    fn = compiled.plan.resource("fn-place")
    env = {k: v for k, v in fn.properties["environment"]["variables"].items()
           if isinstance(v, str)}  # fmt: skip
    return task, opt / "python", env


DURABLE_APP = """from faas_iac import App

app = App("colddurable")


@app.orchestrator(aws_engine="lambda_durable")
def greet(ctx):
    return (yield ctx.call_activity("hello", ctx.get_input()))


@app.activity
def hello(name):
    return f"hello {name}"
"""
#: The durable adapter's first invocation imports the SDK (and boto3, which the SDK imports at
#: module level; the Lambda runtime provides it, here from this environment's site-packages),
#: the adapter and the orchestrator's module: ``build`` does all of it once per container.
DURABLE_PROBE = """import json, os, sys, time
sys.path[:0] = {path!r}
os.environ.update({env!r})
start = time.perf_counter()
{import_line}
elapsed = time.perf_counter() - start
print(json.dumps({{"ms": elapsed * 1000, "body": ""}}))
"""


DURABLE_BUILD = "from faas_iac_aws.lambda_durable.entry import build\nbuild(os.environ)"


def durable_layout(folder: Path) -> tuple[list[str], dict[str, str]]:
    """An orchestrator on Lambda durable functions: its code zip, the adapter layer and the
    durable SDK's layer, as /var/task and /opt/python, and boto3 from this environment."""
    import sysconfig

    from faas_iac_aws.plan.lambda_durable import sdk_layer_zip
    from faas_iac_aws.plan.layer import layer_zip

    from faas_iac.api import load
    from faas_iac.plan import compile_app

    src = folder / "dsrc"
    src.mkdir()
    (src / "app.py").write_text(DURABLE_APP)
    model, root = load(str(src / "app.py"))
    compiled = compile_app(model, root, "aws")
    task, opt = folder / "dtask", folder / "dopt"
    zipfile.ZipFile(io.BytesIO(compiled.code_zip)).extractall(task)
    zipfile.ZipFile(io.BytesIO(layer_zip())).extractall(opt)
    zipfile.ZipFile(io.BytesIO(sdk_layer_zip())).extractall(opt)
    variables = compiled.plan.resource("fn-greet").properties["environment"]["variables"]
    env = {k: v if isinstance(v, str) else json.dumps(v["$json"]) for k, v in variables.items()}
    return [str(task), str(opt / "python"), sysconfig.get_paths()["purelib"]], env


def sample(script: str, *flags: str) -> tuple[float, str, str]:
    out = subprocess.run([sys.executable, "-S", "-B", *flags, "-c", script], capture_output=True,
                         text=True, check=True, env={"PYTHONDONTWRITEBYTECODE": "1"})  # fmt: skip
    data = json.loads(out.stdout)
    return float(data["ms"]), str(data["body"]), out.stderr


def import_times(script: str, runs: int) -> dict[str, float]:
    """Module → its smallest self time over ``runs`` processes, in ms (``-X importtime``)."""
    found: dict[str, list[int]] = collections.defaultdict(list)
    for _ in range(runs):
        for line in sample(script, "-X", "importtime")[2].splitlines():
            fields = line.removeprefix("import time:").split("|")
            if len(fields) == 3 and fields[0].strip().isdigit():
                found[fields[2].strip()].append(int(fields[0]))
    return {name: min(us) / 1000 for name, us in found.items()}


def read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def with_bytecode_tree(source: Path, target: Path) -> Path:
    """A copy of ``source`` with ``.pyc`` beside every module (the durable SDK's layer ships
    them only when built by the durable runtime's Python version, which this may not be)."""
    import compileall

    shutil.copytree(source, target)
    mode = compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH
    compileall.compile_dir(target, quiet=1, invalidation_mode=mode)
    return target


def without_bytecode(source: Path, target: Path) -> Path:
    """A copy of ``source`` without its ``__pycache__`` folders."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--importtime", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        task, opt, env = layout(folder)
        bare_dir = folder / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare.py").write_text(BARE)
        dpath, denv = durable_layout(folder)
        plain = folder / "plain"
        plain.mkdir()
        task_src, opt_src = (
            without_bytecode(task, plain / "task"),
            without_bytecode(opt, plain / "opt"),
        )
        assert any(task.rglob("*.pyc")) and not any(task_src.rglob("*.pyc"))
        for tree in (task, opt, bare_dir, task_src, opt_src, folder / "dtask", folder / "dopt"):
            read_only(tree)

        def probe(task: Path, opt: Path, env: dict[str, str], import_line: str) -> str:
            return PROBE.format(
                task=str(task), opt=str(opt), event=str(EVENT), env=env, import_line=import_line
            )

        adapter = "from faas_iac_aws.runtime.entry import handler"
        scripts = {
            "ours": probe(task, opt, env, adapter),
            "ours_src": probe(task_src, opt_src, env, adapter),
            "bare": probe(bare_dir, bare_dir, {}, "from bare import handler"),
            "shim": probe(bare_dir, task, {}, f"{SHIM}\nfrom bare import handler"),
        }
        times: dict[str, list[float]] = {name: [] for name in scripts}
        bodies: dict[str, str] = {}
        load_before = os.getloadavg()
        for _ in range(args.runs):  # interleaved, so load on the machine hits all alike
            for name, script in scripts.items():
                ms, bodies[name], _ = sample(script)
                times[name].append(ms)
        assert json.loads(bodies["ours"]) == json.loads(bodies["bare"]), bodies
        dcompiled = [
            with_bytecode_tree(Path(p), folder / "dpyc" / str(n)) for n, p in enumerate(dpath[:2])
        ]
        read_only(folder / "dpyc")
        durable = {
            "durable": DURABLE_PROBE.format(
                path=dpath,
                env=denv,
                import_line=DURABLE_BUILD,
            ),
            "durable_pyc": DURABLE_PROBE.format(
                path=[*map(str, dcompiled), *dpath[2:]], env=denv, import_line=DURABLE_BUILD
            ),
            "boto3": DURABLE_PROBE.format(path=dpath, env={}, import_line="import boto3"),
        }
        for _ in range(max(3, args.runs // 4)):  # about a second each
            for name, script in durable.items():
                times.setdefault(name, []).append(sample(script)[0])
        load_after = os.getloadavg()
        imports = import_times(scripts["ours"], args.runs) if args.importtime else {}
        if imports:  # what the bare side imports too is not the adapter's
            for name in import_times(scripts["bare"], args.runs):
                imports.pop(name, None)
        for tree in (folder,):  # let the temporary folder be removed
            for path in [tree, *tree.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
    mins = {k: min(v) for k, v in times.items()}
    meds = {k: statistics.median(v) for k, v in times.items()}

    def row(label: str, key: str) -> None:
        print(f"{label:<52} min {mins[key]:7.2f} ms   median {meds[key]:7.2f} ms")

    def added(label: str, key: str) -> None:
        a, m = mins[key] - mins["bare"], meds[key] - meds["bare"]
        print(f"  {label:<50} min {a:+7.2f} ms   median {m:+7.2f} ms")

    print(
        f"runs: {args.runs} fresh processes each (python {sys.version.split()[0]}); read-only "
        "folders, no bytecode cache written or inherited, empty environment; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    row("faas-iac Lambda adapter, import + first dispatch:", "ours")
    row("  the same artifacts without their .pyc:", "ours_src")
    row("bare handler, import + first call:", "bare")
    added("added by the adapter (target: at most 5 ms):", "ours")
    added("added without the shipped .pyc:", "ours_src")
    added(f"the app's own `{SHIM}` alone:", "shim")
    row("durable adapter's first import (SDK, boto3, adapter, app):", "durable")
    row("  the same with .pyc (a build on the runtime's Python):", "durable_pyc")
    row("  of which `import boto3` alone (the SDK imports it):", "boto3")
    if imports:
        print(f"largest self import times of the faas-iac side (min of {args.runs} runs, ms):")
        for name, ms in sorted(imports.items(), key=lambda kv: -kv[1])[: args.importtime]:
            print(f"  {ms:6.2f}  {name}")


if __name__ == "__main__":
    main()
