"""Compile apps of 100 and 1,000 functions (10 % orchestrations) and check cost grows linearly.

    python benchmarks/compile.py [--provider local] [--repeat 3]

For each size: a generated app file (HTTP, queue, schedule, topic functions; one in ten an
orchestrator with its activity), then load → model → package → plan, best of N runs in a fresh
interpreter state. Prints ms per function for each stage and the 1,000 / 100 ratio of the total
(target: at most 12x, i.e. linear). Cloud providers add their peers in their own benchmarks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from faas_iac.errors import FaasError
from faas_iac.loader import load_app
from faas_iac.model import build_model
from faas_iac.plan import compile_app

KINDS = (
    '@app.http("/items{i}/{{id}}", methods=["GET"], reads=["table:items"])\n'
    "def f{i}(req, ctx): ...\n",
    '@app.queue("jobs{q}", batch_size=10, writes=["bucket:files"])\ndef f{i}(msg, ctx): ...\n',
    '@app.schedule("0 */5 * * * *")\ndef f{i}(timer, ctx): ...\n',
    '@app.topic("events{q}", filter={{"kind": ["a"]}})\ndef f{i}(msg, ctx): ...\n',
)


def generate(n: int, folder: Path) -> Path:
    lines = [
        "from faas_iac import App, Bucket, Table",
        f'app = App("bench{n}")',
        'app.declare(Table("items"), Bucket("files"))',
        "",
    ]
    i = 0
    while i < n:
        if i % 10 == 9:
            lines.append(
                f"@app.orchestrator\ndef f{i}(ctx):\n"
                f'    r = yield ctx.call_activity("f{i + 1}", ctx.get_input())\n    return r\n'
            )
            lines.append(f"@app.activity\ndef f{i + 1}(x):\n    return x\n")
            i += 2
            continue
        lines.append(KINDS[i % len(KINDS)].format(i=i, q=i % 20))
        i += 1
    path = folder / f"bench{n}" / "app.py"
    path.parent.mkdir()
    path.write_text("\n".join(lines))
    return path


def measure(path: Path, provider: str) -> dict[str, float]:
    for name in [m for m in sys.modules if m == "app"]:
        del sys.modules[name]
    t0 = time.perf_counter()
    loaded = load_app(str(path))
    t1 = time.perf_counter()
    model = build_model(loaded.app, loaded.root)
    t2 = time.perf_counter()
    compiled = compile_app(model, loaded.root, provider)
    t3 = time.perf_counter()
    compiled.plan.to_json()
    t4 = time.perf_counter()
    return {"load": t1 - t0, "model": t2 - t1, "plan": t3 - t2, "json": t4 - t3, "total": t4 - t0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", default="local")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (100, 1000):
            path = generate(n, Path(tmp))
            runs = [measure(path, args.provider) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["total"])
            results[n] = best
            stages = "  ".join(f"{k} {v / n * 1000:.3f}" for k, v in best.items())
            print(
                f"{n:>5} functions on {args.provider}: total {best['total']:.3f} s; "
                f"ms/function: {stages}"
            )
    ratio = results[1000]["total"] / results[100]["total"]
    verdict = "linear" if ratio <= 12 else "SUPERLINEAR"
    print(f"ratio 1000/100 = {ratio:.2f}x (target <= 12x): {verdict}")


if __name__ == "__main__":
    try:
        main()
    except FaasError as exc:  # a target that cannot express the generated app says why
        sys.exit(exc.render())
