"""Orchestrator code that blocks does not freeze the engine: its instance fails with a coded
error naming the mistake while the others run on. Every orchestration and activity start,
completion and failure is a structured log line with its instance id and duration."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from faas_iac.durable import OrchestrationRuntimeStatus
from faas_iac.durable.watch import Watch
from faas_iac.local.logs import JsonFormatter
from faas_iac.testing import TestEnv
from tests.durable.apps.blocking_app import RELEASE

APP = str(Path(__file__).parent / "apps" / "blocking_app.py")


@pytest.fixture
def env() -> Iterator[TestEnv]:
    RELEASE.clear()
    with TestEnv(APP, step_limit=0.3) as kit:
        yield kit
    RELEASE.set()


def test_a_blocking_orchestrator_fails_and_the_others_run_on(env: TestEnv) -> None:
    stuck = env.client.start_new("stuck")

    status = env.run("chain")  # runs while the stuck step still blocks its thread

    assert status.output == ["a", "b", "c"]
    assert not RELEASE.is_set()
    failed = env.status(stuck)
    assert failed.runtime_status is OrchestrationRuntimeStatus.Failed
    assert "OrchestratorBlockedError" in failed.output
    assert "must not block" in failed.output and "ctx.create_timer" in failed.output
    assert env.engine is not None
    row = env.engine.store.instance(stuck)
    assert row is not None and json.loads(row.error or "{}")["code"] == "FIAC878"

    RELEASE.set()  # the abandoned thread returns, and leaves the engine alone
    assert env.run("chain").output == ["a", "b", "c"]
    assert env.status(stuck).runtime_status is OrchestrationRuntimeStatus.Failed


def test_lifecycle_log_lines(env: TestEnv, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="faas_iac.durable")
    ok = env.run("chain").instance_id
    bad = env.run("breaks").instance_id

    lines = [r for r in caplog.records if getattr(r, "event", None)]
    seen = [(r.event, r.instance_id, r.function) for r in lines]  # type: ignore[attr-defined]
    assert ("orchestration.started", ok, "chain") in seen
    assert ("orchestration.completed", ok, "chain") in seen
    assert seen.count(("activity.completed", ok, "echo")) == 3
    assert ("activity.failed", bad, "explode") in seen
    assert ("orchestration.failed", bad, "breaks") in seen
    ends = [r for r in lines if r.event.endswith(("completed", "failed"))]  # type: ignore[attr-defined]
    assert all(isinstance(r.duration_ms, float) for r in ends)  # type: ignore[attr-defined]
    failed = next(r for r in lines if r.event == "orchestration.failed")  # type: ignore[attr-defined]
    assert failed.levelno == logging.ERROR
    assert "ValueError: cannot handle x" in failed.getMessage()
    rendered = json.loads(JsonFormatter().format(failed))
    assert (rendered["event"], rendered["instance_id"]) == ("orchestration.failed", bad)


def test_a_stall_of_the_whole_process_does_not_count_against_the_step() -> None:
    """A machine short of CPU or memory holds up every thread, the watchdog too: the time it
    wakes late by is excused, so a step is failed only for time it spent blocked itself."""
    spawned: list[object] = []

    def spawn(target: object) -> threading.Thread:
        spawned.append(target)
        return threading.Thread(target=lambda: None)

    watch = Watch(0.3, spawn)
    watch.enabled, watch.owner = True, threading.current_thread()
    watch.enter("step")
    time.sleep(0.35)  # past the limit, whatever the machine
    watch.excuse(1000.0)  # ... while the watchdog itself was held up far longer
    assert not watch.check() and spawned == []
    watch.excuse(0.01)  # the watchdog on time: nothing to excuse
    watch.enter("step")
    time.sleep(0.35)
    assert watch.check() and spawned == ["step"]
