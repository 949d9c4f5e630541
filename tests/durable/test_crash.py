"""Crash test: 200 orchestrations with continue_as_new, timers, external events and entities
in flight; the real host (`faas-iac dev`, a subprocess) is killed with SIGKILL at random
points at least 10 times and restarted. Every instance must end with the output of an
uninterrupted run, with its whole history, and the entity updates must be exactly-once.

The seed of the random choices (when each kill lands, the order of the calls) is printed with a
failure, and with the figures at the end of the run; ``DURABLE_CRASH_SEED=N`` replays those
choices (the OS's timing still varies).
The first kill waits until activities are running, and the test asserts that kills landed
while activities were in flight (each such activity is re-run after the restart: activities
are at-least-once). During the kill phase the only errors accepted are the named ones in
``Calls``; a 5xx or any other coded error fails the test."""

from __future__ import annotations

import functools
import json
import os
import random
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from faas_iac.durable import HttpDurableClient
from faas_iac.durable.store import Store
from faas_iac.errors import FaasError
from tests.durable.apps.crash_app import expected
from tests.local.hostproc import ROOT, HostProcess, wait_for

APP = ROOT / "tests" / "durable" / "apps" / "crash_app.py"
INSTANCES = 200
KILLS = int(os.environ.get("DURABLE_CRASH_KILLS", "10"))


class Calls:
    """The client's calls during the kill phase, and the only failures they may meet.

    * FIAC874 (host unreachable): the kill landed during the call, whose answer is lost;
    * FIAC871 (already started) on a start, FIAC873 (already finished) on an event: only for
      an id whose earlier call of that kind got FIAC874 (it was committed, its answer lost).
    """

    def __init__(self, client: HttpDurableClient) -> None:
        self.client = client
        self.unanswered: set[tuple[str, str]] = set()

    def _call(self, kind: str, iid: str, action: Callable[[], object], accepted: str) -> bool:
        try:
            action()
            return True
        except FaasError as exc:
            if exc.codes == ["FIAC874"]:
                self.unanswered.add((kind, iid))
                raise
            assert exc.codes == [accepted] and (kind, iid) in self.unanswered, (kind, iid, exc)
            return True

    def start(self, iid: str) -> bool:
        n = int(iid[-3:])
        start = functools.partial(self.client.start_new, "crash_flow", iid, {"n": n})
        return self._call("start", iid, start, "FIAC871")

    def raise_go(self, iid: str) -> bool:
        go = functools.partial(self.client.raise_event, iid, "go", int(iid[-3:]) * 7)
        return self._call("event", iid, go, "FIAC873")


def in_flight(store: Store, ids: set[str], log: Path) -> int:
    """Activities that had started (logged) and had no completion in the store: running, or
    done but not committed, when the host died."""
    logged = set(log.read_text().splitlines()) if log.exists() else set()
    count = 0
    for iid in ids:
        history = store.history(iid)
        done = {e["id"] for e in history if e["type"] in ("TaskCompleted", "TaskFailed")}
        for e in history:
            if e["type"] == "TaskScheduled" and e["id"] not in done:
                k = json.loads(e["input"])[2]
                count += f"{iid} {k}" in logged
    return count


def kill_when_busy(host: HostProcess, log: Path) -> None:
    """Kill the host as soon as activities have run since it started (they run ~5 ms each)."""
    base = log.stat().st_size if log.exists() else 0
    wait_for(lambda: log.exists() and log.stat().st_size > base + 200, timeout=20, every=0.001)
    host.kill()


def test_sigkill_at_random_points(tmp_path: Path, report_line: Callable[[str, str], None]) -> None:
    seed = int(os.environ.get("DURABLE_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    # captured, so printed with the failure (from an xdist worker too)
    print(f"crash test: seed {seed} (replay its choices with DURABLE_CRASH_SEED={seed})")
    rng = random.Random(seed)
    state = tmp_path / "state"
    log = tmp_path / "activities.log"
    host = HostProcess(APP, state, env={"DURABLE_ACTIVITY_LOG": str(log)})
    ids = [f"crash-{n:03d}" for n in range(INSTANCES)]
    started: set[str] = set()
    raised: set[str] = set()
    kills = 0
    done_before_kill: list[int] = []
    running_at_kill: list[int] = []
    calls: Calls | None = None
    while kills < KILLS:
        host.start()
        client = HttpDurableClient(host.url, host.master)
        if calls is None:
            calls = Calls(client)
        calls.client = client  # the unanswered calls are remembered across restarts
        if kills == 0:
            killer = threading.Thread(target=kill_when_busy, args=(host, log))
        else:
            killer = threading.Timer(rng.uniform(0.0, 0.6), host.kill)
        killer.start()
        try:
            for iid in rng.sample(ids, len(ids)):
                if iid not in started:
                    if calls.start(iid):
                        started.add(iid)
                elif iid not in raised and rng.random() < 0.3 and calls.raise_go(iid):
                    raised.add(iid)
        except FaasError as exc:
            assert exc.codes == ["FIAC874"]  # the host died under us
        killer.join()
        kills += 1
        with Store(state / "durable.sqlite3") as store:  # what callers were told survived
            done_before_kill.append(len(store.query(["Completed"])))
            running_at_kill.append(in_flight(store, started, log))
            assert all(store.instance(i) is not None for i in started)
            for iid in raised:
                assert any(e["type"] == "EventRaised" for e in store.history(iid)), iid
    assert running_at_kill[0] > 0, "the first kill landed with no activity in flight"
    host.start()
    client = HttpDurableClient(host.url, host.master)
    assert calls is not None
    calls.client = client
    try:
        for iid in ids:
            if iid not in started:
                assert calls.start(iid)
            if iid not in raised:
                assert calls.raise_go(iid)
        outputs = {}
        for iid in ids:
            status = client.wait_for_completion(iid, 60)
            assert status is not None, iid
            outputs[iid] = (status.runtime_status.value, status.output)
    finally:
        host.stop()
    for iid, (status, output) in outputs.items():
        assert status == "Completed", (iid, status, output)
        assert output == expected(int(iid[-3:])), iid
    with Store(state / "durable.sqlite3") as store:
        for iid in ids:
            kinds = Counter(e["type"] for e in store.history(iid))
            assert kinds["ExecutionStarted"] == 1 and kinds["ExecutionCompleted"] == 1, iid
            assert kinds["TaskScheduled"] == kinds["TaskCompleted"] == 4, (iid, kinds)
            assert kinds["TimerCreated"] == kinds["TimerFired"] == 1, (iid, kinds)
            assert kinds["EntityOperationCalled"] == kinds["EntityOperationCompleted"] == 1
        total, _ = store.entity("@tally@all")
        assert total == str(INSTANCES)  # every signal applied exactly once
    runs = Counter(log.read_text().splitlines())
    assert set(runs) == {f"{iid} {k}" for iid in ids for k in range(5)}
    again = sum(1 for count in runs.values() if count > 1)
    # Every activity in flight at a kill ran again after the restart.
    assert again > 0 and sum(runs.values()) - len(runs) >= max(running_at_kill)
    report_line(
        "durable crash test",
        f"seed {seed}: {kills} SIGKILLs, {INSTANCES} orchestrations all "
        f"correct; activities in flight at each kill: {running_at_kill}; {again} of "
        f"{len(runs)} activities ran more than once ({sum(runs.values()) - len(runs)} extra "
        f"runs); completed after each kill: {done_before_kill}",
    )
