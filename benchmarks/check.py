"""``faas-iac check`` of the 1,000-function benchmark app (benchmarks/compile.py) for all three
clouds, against a budget of 2 s.

    python benchmarks/check.py [--repeat 3] [--size 1000]

Measures, in one fresh process state per run, what the command does: load the app, validate
the model, then ``faas_iac.policy.check`` (translate once, package once, plan for aws, azure
and gcp, run every rule, apply config and suppressions). Prints the best of N runs, the stages,
and beside it the bare planning of the same three clouds (``compile_app`` per provider, what
``faas-iac plan`` does three times) so the cost of the rules themselves shows as a ratio.
The CPU time of the process is printed beside the wall time: on a shared machine the wall
time also counts the waits for a core, which the CPU time leaves out.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from compile import generate  # the benchmark app of benchmarks/compile.py

from faas_iac.errors import FaasError
from faas_iac.loader import load_app
from faas_iac.model import build_model
from faas_iac.plan import compile_app
from faas_iac.policy import check
from faas_iac.policy.config import Config

CLOUDS = ("aws", "azure", "gcp")
BUDGET_S = 2.0


def _fresh() -> None:
    for name in [m for m in sys.modules if m.startswith("bench")]:
        del sys.modules[name]


def run_check(path: Path) -> dict[str, float]:
    _fresh()
    cpu = time.process_time()
    t0 = time.perf_counter()
    loaded = load_app(str(path))
    t1 = time.perf_counter()
    model = build_model(loaded.app, loaded.root)
    t2 = time.perf_counter()
    report = check(model, loaded.root, CLOUDS, Config(loaded.root))
    t3 = time.perf_counter()
    return {
        "load": t1 - t0,
        "model": t2 - t1,
        "check": t3 - t2,
        "total": t3 - t0,
        "cpu": time.process_time() - cpu,
        "findings": float(len(report.findings)),
    }


def run_plans(path: Path) -> float:
    _fresh()
    t0 = time.perf_counter()
    loaded = load_app(str(path))
    model = build_model(loaded.app, loaded.root)
    for cloud in CLOUDS:
        with contextlib.suppress(FaasError):  # a refusal costs what planning up to it cost
            compile_app(model, loaded.root, cloud)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = generate(args.size, Path(tmp))
        best = min((run_check(path) for _ in range(args.repeat)), key=lambda r: r["total"])
        plans = min(run_plans(path) for _ in range(args.repeat))
    stages = "  ".join(f"{k} {best[k]:.3f} s" for k in ("load", "model", "check"))
    verdict = "within" if best["total"] < BUDGET_S else "OVER"
    cpu_verdict = "within" if best["cpu"] < BUDGET_S else "OVER"
    print(
        f"faas-iac check, {args.size} functions, {', '.join(CLOUDS)}: {best['total']:.3f} s "
        f"(CPU {best['cpu']:.3f} s; {stages}; {int(best['findings'])} findings), "
        f"{verdict} the {BUDGET_S:.0f} s budget by wall time, {cpu_verdict} it by CPU time"
    )
    print(
        f"bare planning of the same clouds (compile_app x3): {plans:.3f} s; "
        f"check / planning = {best['total'] / plans:.2f}x"
    )


if __name__ == "__main__":
    main()
