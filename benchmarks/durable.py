"""Durable engine vs DBOS Transact, side by side in one run. Ours: SQLite WAL +
``synchronous=FULL`` (the default ``durability="full"``). DBOS in each of its stores: SQLite
with its defaults (rollback journal + FULL), SQLite in WAL mode + FULL (the same settings as
ours: its strongest SQLite peer) and, when a PostgreSQL server can be started here (the
Debian ``postgresql`` package's ``initdb``/``pg_ctl``), Postgres with ``fsync`` and
``synchronous_commit`` on. Same machine, same process, same workloads:

1. 1,000 orchestrations x 5 sequential activities, all started at once: completed
   orchestrations/s and history events/s (target: >= 10x DBOS, >= 2,000 events/s);
2. sequential chains of 0/1/10/50 steps, one at a time: p50/p99 latency and the marginal
   cost per step;
3. one orchestration of 10, 100 and 1,000 steps: ms/step must stay within 2x from 10 to 1,000.

The difference that remains with equal settings is a design choice, printed as such: our
engine commits each turn as one transaction across every instance it touched (group commit:
one fsync for many steps of many orchestrations), DBOS commits each step of each workflow on
its own.

Run: ``python benchmarks/durable.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
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
        waits = [self.engine.wait(i) for i in ids]
        statuses = [w.result() for w in waits]
        assert all(s == "Completed" for s in statuses), set(statuses)
        return ids

    def run_one(self, steps: int) -> None:
        self.run_many(1, steps)

    def events(self) -> int:
        return self.engine.history_events

    def close(self) -> None:
        self.engine.stop()


class Postgres:
    """A throw-away PostgreSQL server on 127.0.0.1 (trust auth, in a temporary folder), from
    the binaries of the Debian package; run as the ``postgres`` user when we are root."""

    def __init__(self, folder: Path) -> None:
        self.bin = Path(shutil.which("pg_ctl") or "pg_ctl").resolve().parent
        self.data = folder / "pg"
        self.data.mkdir()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(folder, "postgres")
            shutil.chown(self.data, "postgres")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust")
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=on"
        options += " -c synchronous_commit=on -c full_page_writes=on"
        log = str(self.data / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/dbos_bench"
        self.version = self._run("postgres", "--version").strip()

    def _run(self, tool: str, *args: str) -> str:
        cmd = [*self.as_user, str(self.bin / tool), *args]
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @staticmethod
    def available() -> bool:
        return shutil.which("pg_ctl") is not None and shutil.which("initdb") is not None


class Dbos:
    name = "DBOS"

    def __init__(self, folder: Path, store: str, postgres: Postgres | None = None) -> None:
        from dbos import DBOS

        logging.getLogger("dbos").setLevel(logging.WARNING)
        if store == "postgres":
            assert postgres is not None
            url, self.name = postgres.url, "DBOS (Postgres)"
        else:
            path = folder / f"dbos-{store}.sqlite3"
            if store == "wal":  # persistent in the file; DBOS sets no journal mode of its own
                sqlite3.connect(path).execute("PRAGMA journal_mode=WAL").fetchone()
            url = f"sqlite:///{path}"
            self.name = "DBOS (SQLite WAL)" if store == "wal" else "DBOS (SQLite default)"
        DBOS(config={"name": "bench", "log_level": "WARNING", "system_database_url": url})

        def dbos_hop(x: int) -> int:
            return x + 1

        def dbos_chain(x: int, steps: int) -> int:
            for _ in range(steps):
                x = hop_step(x)
            return x

        # DBOS registers functions by qualified name, once per process: one pair per store.
        dbos_hop.__qualname__, dbos_chain.__qualname__ = f"hop_{store}", f"chain_{store}"
        hop_step = DBOS.step()(dbos_hop)
        dbos_chain = DBOS.workflow()(dbos_chain)

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


def compare(ours: Ours, peer: Dbos, count: int, runs: dict[int, int], quick: bool) -> float:
    """The three workloads, ours and ``peer`` side by side; returns the throughput ratio."""
    long_runs = (10, 100, 1000)
    peer.run_many(50, 5)  # warm up (imports, threads, first pages)
    print(f"1. {count} orchestrations x 5 sequential activities, started at once")
    o_rate, o_events = throughput(ours, count)
    d_rate, d_events = throughput(peer, count)
    print(f"   faas-iac: {o_rate:9.1f} orchestrations/s  {o_events:9.0f} history events/s")
    print(
        f"   {peer.name}: {d_rate:9.1f} workflows/s ({d_events:9.0f} events/s at the same 12 "
        "events per run)"
    )
    print(f"   ratio: {o_rate / d_rate:.1f}x; events/s {o_events:.0f} (target >= 2,000)\n")

    print("2. sequential chains, one orchestration at a time: latency in ms")
    print(f"   steps  faas-iac p50   p99  |  {peer.name} p50    p99  |  p50 ratio")
    p50s: dict[str, dict[int, float]] = {"o": {}, "d": {}}
    for steps, n in runs.items():
        o = latencies(ours, steps, n)
        d = latencies(peer, steps, n)
        p50s["o"][steps], p50s["d"][steps] = pct(o, 50), pct(d, 50)
        print(
            f"   {steps:5d}  {pct(o, 50):11.2f} {pct(o, 99):6.2f}  | {pct(d, 50):8.2f} "
            f"{pct(d, 99):6.2f}  |  {pct(d, 50) / pct(o, 50):5.1f}x faster"
        )
    o_step = (p50s["o"][50] - p50s["o"][0]) / 50
    d_step = (p50s["d"][50] - p50s["d"][0]) / 50
    print(
        f"   marginal cost per step: faas-iac {o_step:.3f} ms, {peer.name} {d_step:.3f} ms "
        f"({d_step / o_step:.1f}x)\n"
    )

    print("3. one orchestration of N sequential steps: ms per step")
    per_step: dict[int, float] = {}
    for steps in long_runs:
        repeat = max(1, 2000 // steps // (4 if quick else 1))
        per_step[steps] = statistics.median(
            timed(lambda s=steps: ours.run_one(s)) * 1000 / steps for _ in range(repeat)
        )
        theirs = statistics.median(
            timed(lambda s=steps: peer.run_one(s)) * 1000 / steps for _ in range(repeat)
        )
        print(
            f"   {steps:5d} steps (median of {repeat}): faas-iac {per_step[steps]:.3f} ms/step, "
            f"{peer.name} {theirs:.3f} ms/step"
        )
    growth = per_step[1000] / per_step[10]
    print(f"   faas-iac 1,000-step ms/step / 10-step ms/step = {growth:.2f} (must be <= 2)\n")
    return o_rate / d_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts (a smoke run)")
    parser.add_argument("--no-postgres", action="store_true", help="skip DBOS on Postgres")
    args = parser.parse_args()
    count = 200 if args.quick else 1000
    runs = {0: 100, 1: 100, 10: 40, 50: 15} if not args.quick else {0: 20, 1: 20, 10: 5, 50: 3}
    folder = Path(tempfile.mkdtemp(prefix="durable-bench-"))
    postgres = None
    if not args.no_postgres and Postgres.available():
        postgres = Postgres(folder)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops it
    stores = ["default", "wal", *(["postgres"] if postgres else [])]
    print(
        f"python {sys.version.split()[0]}; faas-iac on SQLite WAL+FULL; DBOS on "
        + ", ".join(stores)
        + (f" ({postgres.version}, fsync and synchronous_commit on)" if postgres else "")
        + "; a 2-core machine shared with other work: compare rows of one run\n"
    )
    ratios: dict[str, float] = {}
    ours = Ours(folder)
    try:
        ours.run_many(50, 5)
        for store in stores:
            peer = Dbos(folder, store, postgres)
            try:
                print(f"== faas-iac vs {peer.name}")
                ratios[peer.name] = compare(ours, peer, count, runs, args.quick)
            finally:
                peer.close()
    finally:
        ours.close()
        if postgres is not None:
            postgres.stop()
    strongest = min(ratios, key=lambda k: ratios[k])
    print("throughput ratio (faas-iac orchestrations/s / DBOS workflows/s), strongest peer first:")
    for name in sorted(ratios, key=lambda k: ratios[k]):
        print(f"   {name}: {ratios[name]:.1f}x")
    print(
        f"headline: {ratios[strongest]:.1f}x against {strongest}, with equal durability "
        "settings. What remains is the design: group commit (one transaction per engine turn "
        "across instances) against one transaction per workflow step."
    )

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
