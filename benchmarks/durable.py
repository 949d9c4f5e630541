"""Durable engine vs DBOS Transact, side by side in one run, both on SQLite with
``synchronous=FULL`` (ours: WAL + FULL, the default ``durability="full"``; DBOS: its SQLite
defaults, rollback journal + FULL). Same machine, same process, same workloads:

1. 1,000 orchestrations x 5 sequential activities, all started at once: completed
   orchestrations/s and history events/s (target: >= 10x DBOS, >= 2,000 events/s);
2. sequential chains of 0/1/10/50 steps, one at a time: p50/p99 latency and the marginal
   cost per step;
3. one orchestration of 10, 100 and 1,000 steps: ms/step must stay within 2x from 10 to 1,000.

Run: ``python benchmarks/durable.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faas_iac.durable.engine import Engine, Registry
from faas_iac.durable.store import Store


def hop(x: int) -> int:
    return x + 1


def chain(ctx: Any) -> Any:
    x, steps = ctx.get_input()
    for _ in range(steps):
        x = yield ctx.call_activity("hop", x)
    return x


class Ours:
    name = "faas-iac"

    def __init__(self, folder: Path, durability: str = "full") -> None:
        registry = Registry(
            orchestrators={"chain": chain},
            activities={"hop": hop},
            max_activities=64,
            max_orchestrations=100_000,
        )
        self.engine = Engine(registry, Store(folder / f"ours-{durability}.sqlite3", durability))
        self.engine.start()

    def run_many(self, count: int, steps: int) -> list[Any]:
        starts = [self.engine.start_new("chain", None, f"[0,{steps}]") for _ in range(count)]
        ids = [f.result() for f in starts]
        waits = [self.engine.post("wait", i) for i in ids]
        statuses = [w.result() for w in waits]
        assert all(s == "Completed" for s in statuses), set(statuses)
        return ids

    def run_one(self, steps: int) -> None:
        self.run_many(1, steps)

    def events(self) -> int:
        return self.engine.history_events

    def close(self) -> None:
        self.engine.stop()


class Dbos:
    name = "DBOS"

    def __init__(self, folder: Path) -> None:
        from dbos import DBOS

        logging.getLogger("dbos").setLevel(logging.WARNING)
        DBOS(
            config={
                "name": "bench",
                "log_level": "WARNING",
                "system_database_url": f"sqlite:///{folder / 'dbos.sqlite3'}",
            }
        )

        @DBOS.step()
        def dbos_hop(x: int) -> int:
            return x + 1

        @DBOS.workflow()
        def dbos_chain(x: int, steps: int) -> int:
            for _ in range(steps):
                x = dbos_hop(x)
            return x

        self.dbos, self.workflow = DBOS, dbos_chain
        DBOS.launch()

    def run_many(self, count: int, steps: int) -> list[Any]:
        handles = [self.dbos.start_workflow(self.workflow, 0, steps) for _ in range(count)]
        results = [h.get_result() for h in handles]
        assert results == [steps] * count
        return results

    def run_one(self, steps: int) -> None:
        assert self.workflow(0, steps) == steps

    def close(self) -> None:
        self.dbos.destroy()


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def throughput(engine: Any, count: int) -> tuple[float, float]:
    before = engine.events() if hasattr(engine, "events") else 0
    seconds = timed(lambda: engine.run_many(count, 5))
    events = (engine.events() - before) if hasattr(engine, "events") else count * 12
    return count / seconds, events / seconds


def latencies(engine: Any, steps: int, runs: int) -> list[float]:
    engine.run_one(steps)  # warm
    return [timed(lambda: engine.run_one(steps)) * 1000 for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts (a smoke run)")
    args = parser.parse_args()
    count = 200 if args.quick else 1000
    runs = {0: 100, 1: 100, 10: 40, 50: 15} if not args.quick else {0: 20, 1: 20, 10: 5, 50: 3}
    long_runs = (10, 100, 1000)
    folder = Path(tempfile.mkdtemp(prefix="durable-bench-"))
    print(
        f"python {sys.version.split()[0]}; both engines on SQLite, synchronous=FULL "
        "(faas-iac: WAL+FULL; DBOS: rollback journal+FULL)\n"
    )

    ours, dbos = Ours(folder), Dbos(folder)
    try:
        ours.run_many(50, 5)  # warm both up (imports, threads, first pages)
        dbos.run_many(50, 5)
        print(f"1. {count} orchestrations x 5 sequential activities, started at once")
        o_rate, o_events = throughput(ours, count)
        d_rate, d_events = throughput(dbos, count)
        print(f"   faas-iac: {o_rate:9.1f} orchestrations/s  {o_events:9.0f} history events/s")
        print(
            f"   DBOS:     {d_rate:9.1f} workflows/s       ({d_events:9.0f} events/s at the "
            "same 12 events per run)"
        )
        print(
            f"   ratio: {o_rate / d_rate:.1f}x DBOS (target >= 10x); events/s "
            f"{o_events:.0f} (target >= 2,000)\n"
        )

        print("2. sequential chains, one orchestration at a time: latency in ms")
        print("   steps  faas-iac p50   p99  |  DBOS p50    p99  |  p50 ratio")
        p50s: dict[str, dict[int, float]] = {"o": {}, "d": {}}
        for steps, n in runs.items():
            o = latencies(ours, steps, n)
            d = latencies(dbos, steps, n)
            p50s["o"][steps], p50s["d"][steps] = pct(o, 50), pct(d, 50)
            print(
                f"   {steps:5d}  {pct(o, 50):11.2f} {pct(o, 99):6.2f}  | {pct(d, 50):8.2f} "
                f"{pct(d, 99):6.2f}  |  {pct(d, 50) / pct(o, 50):5.1f}x faster"
            )
        o_step = (p50s["o"][50] - p50s["o"][0]) / 50
        d_step = (p50s["d"][50] - p50s["d"][0]) / 50
        print(
            f"   marginal cost per step: faas-iac {o_step:.3f} ms, DBOS {d_step:.3f} ms "
            f"({d_step / o_step:.1f}x)\n"
        )

        print("3. one orchestration of N sequential steps: ms per step")
        per_step: dict[int, float] = {}
        d_per_step: dict[int, float] = {}
        for steps in long_runs:
            repeat = max(1, 2000 // steps // (4 if args.quick else 1))
            per_step[steps] = statistics.median(
                timed(lambda s=steps: ours.run_one(s)) * 1000 / steps for _ in range(repeat)
            )
            d_per_step[steps] = statistics.median(
                timed(lambda s=steps: dbos.run_one(s)) * 1000 / steps for _ in range(repeat)
            )
            print(
                f"   {steps:5d} steps (median of {repeat}): "
                f"faas-iac {per_step[steps]:.3f} ms/step, "
                f"DBOS {d_per_step[steps]:.3f} ms/step"
            )
        growth = per_step[1000] / per_step[10]
        print(f"   faas-iac 1,000-step ms/step / 10-step ms/step = {growth:.2f} (must be <= 2)")
    finally:
        ours.close()
        dbos.close()

    normal = Ours(folder, "normal")
    try:
        normal.run_many(50, 5)
        n_rate, n_events = throughput(normal, count)
        print(
            f"\n(faas-iac with durability='normal', WAL+NORMAL, not comparable with DBOS: "
            f"{n_rate:.1f} orchestrations/s, {n_events:.0f} events/s)"
        )
    finally:
        normal.close()


if __name__ == "__main__":
    main()
