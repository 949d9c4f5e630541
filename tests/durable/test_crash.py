"""Crash test: 200 orchestrations with continue_as_new, timers, external events and entities
in flight; the real host (`faas-iac dev`, a subprocess) is killed with SIGKILL at random
points at least 10 times and restarted. Every instance must end with the output of an
uninterrupted run, with its whole history, and the entity updates must be exactly-once. The
test reports how many activities ran more than once (activities are at-least-once)."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from faas_iac.durable import HttpDurableClient
from faas_iac.durable.store import Store
from faas_iac.errors import FaasError
from tests.durable.apps.crash_app import expected
from tests.local.hostproc import ROOT, HostProcess

APP = ROOT / "tests" / "durable" / "apps" / "crash_app.py"
INSTANCES = 200
KILLS = int(os.environ.get("DURABLE_CRASH_KILLS", "10"))


def _try(action: object, *args: object) -> bool:
    try:
        action(*args)  # type: ignore[operator]
        return True
    except FaasError as exc:
        return exc.codes[0] in ("FIAC871", "FIAC873")  # already started / already finished
    except RuntimeError:
        return False


def test_sigkill_at_random_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = int(time.time())
    rng = random.Random(seed)
    state = tmp_path / "state"
    log = tmp_path / "activities.log"
    host = HostProcess(APP, state, env={"DURABLE_ACTIVITY_LOG": str(log)})
    ids = [f"crash-{n:03d}" for n in range(INSTANCES)]
    started: set[str] = set()
    raised: set[str] = set()
    kills = 0
    done_before_kill: list[int] = []
    while kills < KILLS:
        host.start()
        client = HttpDurableClient(host.url, host.master)
        timer = threading.Timer(rng.uniform(0.0, 0.6), host.kill)
        timer.start()
        try:
            for iid in rng.sample(ids, len(ids)):
                n = int(iid[-3:])
                if iid not in started:
                    if _try(client.start_new, "crash_flow", iid, {"n": n}):
                        started.add(iid)
                elif (
                    iid not in raised
                    and rng.random() < 0.3
                    and _try(client.raise_event, iid, "go", n * 7)
                ):
                    raised.add(iid)
        except FaasError as exc:
            assert exc.codes == ["FIAC874"]  # the host died under us
        timer.join()
        kills += 1
        with Store(state / "durable.sqlite3") as store:  # what callers were told survived
            done_before_kill.append(len(store.query(["Completed"])))
            assert all(store.instance(i) is not None for i in started)
            for iid in raised:
                assert any(e["type"] == "EventRaised" for e in store.history(iid)), iid
    host.start()
    client = HttpDurableClient(host.url, host.master)
    try:
        for iid in ids:
            if iid not in started:
                assert _try(client.start_new, "crash_flow", iid, {"n": int(iid[-3:])})
            if iid not in raised:
                assert _try(client.raise_event, iid, "go", int(iid[-3:]) * 7)
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
    with capsys.disabled():
        print(
            f"\ncrash test (seed {seed}): {kills} SIGKILLs, {INSTANCES} orchestrations all "
            f"correct; {again} of {len(runs)} activities ran more than once "
            f"({sum(runs.values()) - len(runs)} extra runs); completed after each kill: "
            f"{done_before_kill}"
        )
