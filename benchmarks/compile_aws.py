"""faas-iac's AWS plan vs ``cdk synth`` of the equivalent TypeScript CDK app, in one run.

    python benchmarks/compile_aws.py [--sizes 100,1000] [--runs 3]

The app: N HTTP functions, each on its own route of an HTTP API (faas-iac plans a role, a
least-privilege policy, a log group, the Lambda, an error alarm, the integration, the route and
the invoke permission per function; the CDK app in benchmarks/cdk makes a role, log group,
Lambda, integration, route and permission per function, 50 to a stack because CloudFormation
caps a stack at 500 resources). Both sides run as fresh processes, so both pay their runtime's
start-up: ``faas-iac compile`` (load, validate, package, plan, write) against
``cdk synth --app "node app.js"`` (app.ts compiled once beforehand, not timed). The in-process
figure (compile_app only, imports already paid) is printed too. Median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import os
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


def write_app(folder: Path, n: int) -> Path:
    lines = [
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


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)  # fmt: skip
    return time.perf_counter() - start


def prepare_cdk() -> dict[str, str]:
    npx = shutil.which("npx")
    if npx is None:
        sys.exit("needs Node.js and npm (npx) for the CDK side")
    if not (CDK / "node_modules" / "aws-cdk-lib").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=CDK, check=True)
    subprocess.run([npx, "tsc", "-p", "."], cwd=CDK, check=True)
    return {**os.environ, "CDK_DISABLE_VERSION_CHECK": "1", "CI": "true"}


def in_process(app: Path) -> float:
    from faas_iac.api import load
    from faas_iac.plan import compile_app

    model, root = load(str(app))
    start = time.perf_counter()
    compile_app(model, root, "aws").plan.to_json()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = prepare_cdk()
    faas = str(Path(sys.executable).with_name("faas-iac"))
    # As on a developer's machine: Python may cache bytecode (some sandboxes forbid it, which
    # makes every run compile faas-iac's own modules from source).
    faas_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(f"{'functions':>9}  {'faas-iac compile':>16}  {'cdk synth':>9}  {'ratio':>6}  "
          f"{'in-process plan':>15}  {'ratio':>7}")  # fmt: skip
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            app = write_app(folder / "app", n) if (folder / "app").mkdir() is None else None
            assert app is not None
            ours, theirs, inner = [], [], []
            timed([faas, "compile", str(app), "-p", "aws", "-o", str(folder / "warm")],
                  folder, faas_env)  # fmt: skip
            for run in range(args.runs):
                out = folder / f"out{run}"
                ours.append(timed([faas, "compile", str(app), "-p", "aws", "-o", str(out)],
                                  folder, faas_env))  # fmt: skip
                cdk_out = folder / f"cdk{run}"
                theirs.append(timed(
                    ["npx", "cdk", "synth", "-a", "node app.js", "-c", f"functions={n}",
                     "--no-notices", "--quiet", "-o", str(cdk_out)], CDK, env))  # fmt: skip
                inner.append(in_process(app))
            a, b, c = (statistics.median(x) for x in (ours, theirs, inner))
            print(f"{n:>9}  {a:>15.3f}s  {b:>8.3f}s  {b / a:>5.1f}x  {c:>14.3f}s  "
                  f"{b / c:>6.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
