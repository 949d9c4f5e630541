"""faas-iac's AWS plan vs ``cdk synth`` of the equivalent TypeScript CDK app, in one run.

    python benchmarks/compile_aws.py [--sizes 100,1000] [--runs 3]

The app: N HTTP functions, each on its own route of an HTTP API (faas-iac plans a role, a
least-privilege policy, a log group, the Lambda, an error alarm, the integration, the route and
the invoke permission per function; the CDK app in benchmarks/cdk makes a role, log group,
Lambda, integration, route and permission per function, 50 to a stack because CloudFormation
caps a stack at 500 resources). app.ts is compiled once beforehand (not timed). The rows
per size, medians of ``--runs`` runs:

1. CLI vs CLI, fresh processes, each paying its runtime's start-up: ``faas-iac compile``
   (load, validate, package, plan, write) against the CDK CLI's ``cdk synth`` run with node
   directly (not through npx, whose own start-up is not CDK's); wall time, then CPU time
   (user + system of every thread: Node's collector works beside the main thread; on a
   shared, loaded machine the CPU row moves less than the wall one);
2. in-process, libraries already loaded: our load + ``compile_app`` + plan JSON against CDK's
   construction + ``app.synth()`` (``cdk/synth_timed.js``), each in a fresh process;
3. per resource: each in-process time divided by the resources that side makes (CDK's
   CloudFormation resources in its templates, our plan's resources; they differ: ~6 against
   ~8 per function).

Both sides run an app compiled beforehand: CDK's app.js (tsc, not timed), faas-iac's app.py as
Python keeps it (its ``__pycache__``, and the code zip's bytecode in faas-iac's build cache, a
folder of its own for the run). Two more rows time faas-iac after an edit (a comment line
changes before each run), as in an edit-compile loop: app.py is then compiled once, by a
process the command starts before it imports faas-iac, and both the import and the code zip
use that bytecode.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CDK = HERE / "cdk"
ROOT = HERE.parent


def write_app(folder: Path, n: int, edit: str = "") -> Path:
    lines = [
        f"# {edit}",
        "from faas_iac import App, Context, HttpRequest",
        "",
        'app = App("bench", memory=256, timeout=30)',
        "",
    ]
    for i in range(n):
        lines += [
            f'@app.http("/r{i}/{{id}}", methods=["GET"], auth="anonymous",',
            f'          env={{"FUNCTION": "fn{i}"}})',
            f"def fn{i}(req: HttpRequest, ctx: Context) -> dict[str, str]:",
            '    return {"id": req.route_params["id"]}',
            "",
        ]
    path = folder / "app.py"
    path.write_text("\n".join(lines))
    return path


CPU: list[float] = []  # CPU seconds (user + system) of the last timed() command


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall seconds of ``cmd``; its CPU seconds (every thread, user + system) go to ``CPU``."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)  # fmt: skip
    wall = time.perf_counter() - start
    CPU.append(_children_cpu() - cpu)
    return wall


def prepare_cdk() -> dict[str, str]:
    npx = shutil.which("npx")
    if npx is None:
        sys.exit("needs Node.js and npm (npx) for the CDK side")
    if not (CDK / "node_modules" / "aws-cdk-lib").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=CDK, check=True)
    subprocess.run([npx, "tsc", "-p", "."], cwd=CDK, check=True)
    return {**os.environ, "CDK_DISABLE_VERSION_CHECK": "1", "CI": "true"}


OURS_IN_PROCESS = """import json, sys, time
from faas_iac.api import load
from faas_iac.plan import compile_app
import faas_iac_aws.provider
start = time.perf_counter()
model, root = load(sys.argv[1])
plan = compile_app(model, root, "aws").plan
plan.to_json()
print(json.dumps({"ms": (time.perf_counter() - start) * 1000, "resources": len(plan.resources)}))
"""


def ours_in_process(app: Path, env: dict[str, str]) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", OURS_IN_PROCESS, str(app)], env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    data = json.loads(out.stdout)
    return float(data["ms"]) / 1000, int(data["resources"])


def cdk_in_process(n: int, out: Path, env: dict[str, str]) -> tuple[float, int]:
    env = {**env, "CDK_CONTEXT_JSON": json.dumps({"functions": str(n)}), "CDK_OUTDIR": str(out)}
    done = subprocess.run(["node", "synth_timed.js"], cwd=CDK, env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    resources = sum(
        len(json.loads(t.read_text())["Resources"]) for t in out.glob("*.template.json")
    )
    return float(json.loads(done.stdout)["ms"]) / 1000, resources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = prepare_cdk()
    faas = str(Path(sys.executable).with_name("faas-iac"))
    cdk_cli = ["node", str(CDK / "node_modules" / "aws-cdk" / "bin" / "cdk")]
    # As on a developer's machine: Python may cache bytecode (some sandboxes forbid it, which
    # makes every run compile faas-iac's own modules from source).
    faas_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cache = tempfile.TemporaryDirectory()  # faas-iac's build cache, empty at the start
    faas_env["FAAS_IAC_CACHE"] = cache.name
    print("2-core machine shared with other work: compare the two sides of a row, not runs")
    print(f"{'functions':>9}  {'row':<34}{'faas-iac':>10}  {'CDK':>10}  {'CDK / ours':>10}")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "app").mkdir()
            app = write_app(folder / "app", n)
            keys = ("cli", "cpu", "edit", "edit_cpu", "cdk", "cdk_cpu", "in", "cdk_in")
            t: dict[str, list[float]] = {k: [] for k in keys}
            counts = (0, 0)
            compile_to = [faas, "compile", str(app), "-p", "aws", "-o"]
            timed([*compile_to, str(folder / "warm")], folder, faas_env)
            for run in range(args.runs):
                t["cli"].append(timed([*compile_to, str(folder / f"out{run}")], folder, faas_env))
                t["cpu"].append(CPU[-1])
                write_app(folder / "app", n, edit=f"edit {run}")
                t["edit"].append(timed([*compile_to, str(folder / f"edit{run}")], folder,
                                       faas_env))  # fmt: skip
                t["edit_cpu"].append(CPU[-1])
                synth = [*cdk_cli, "synth", "-a", "node app.js", "-c", f"functions={n}"]
                synth += ["--no-notices", "--quiet", "-o", str(folder / f"cdk{run}")]
                t["cdk"].append(timed(synth, CDK, env))
                t["cdk_cpu"].append(CPU[-1])
                seconds, ours_count = ours_in_process(app, faas_env)
                t["in"].append(seconds)
                seconds, cdk_count = cdk_in_process(n, folder / f"cdk-in{run}", env)
                t["cdk_in"].append(seconds)
                counts = (ours_count, cdk_count)
            m = {k: statistics.median(v) for k, v in t.items()}
            rows = [
                ("CLI vs CLI (s)", m["cli"], m["cdk"]),
                ("CLI vs CLI, CPU time (s)", m["cpu"], m["cdk_cpu"]),
                ("CLI after an edit (s)", m["edit"], m["cdk"]),
                ("CLI after an edit, CPU time (s)", m["edit_cpu"], m["cdk_cpu"]),
                ("in-process plan vs synth (s)", m["in"], m["cdk_in"]),
                (f"per resource (ms; {counts[0]} vs {counts[1]})",
                 m["in"] * 1000 / counts[0], m["cdk_in"] * 1000 / counts[1]),
            ]  # fmt: skip
            for label, ours, theirs in rows:
                print(f"{n:>9}  {label:<34}{ours:>10.3f}  {theirs:>10.3f}  {theirs / ours:>9.1f}x")


if __name__ == "__main__":
    main()
