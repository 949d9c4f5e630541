"""Durable orchestrations of the generated Azure app, replayed by the real
azure-functions-durable SDK (``tests/azure/replay.py`` plays the Durable extension).

1. Every durable example gives the same output as the same orchestrator on the local engine
   (faas_iac.durable), including failures (type and message), retries with backoff, timers,
   events, sub-orchestrations, continue-as-new and custom status.
2. Scenario apps check the Azure bridge itself: fixed retries become Azure's RetryOptions,
   backoff retries a durable-timer loop (exact virtual waits), failures TaskFailedError.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from faas_iac.api import load
from faas_iac.durable import codec
from faas_iac.durable.engine import Engine
from faas_iac.durable.host import registry_of
from faas_iac.durable.store import Store
from faas_iac.model import Function

from .replay import START, Host, Outcome
from .support import EXAMPLES, ROOT, example_apps, generated_app

DURABLE = EXAMPLES / "durable" / "app.py"
CASES_APP = ROOT / "tests" / "azure" / "apps" / "durable_cases" / "app.py"
INSTANCE = "instance-1"


def innermost(error: str | None) -> str:
    """``Orchestrator function 'x' failed: ... failed: ValueError: boom`` → ``ValueError: boom``."""
    return (error or "").rsplit(" failed: ", 1)[-1].removeprefix("TaskFailedError: ")


def _resolve(fn: Function) -> Callable[..., Any]:
    assert fn.handler.module and fn.handler.qualname
    target: Any = importlib.import_module(fn.handler.module)
    for part in fn.handler.qualname.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def run_local(
    path: Path, name: str, input_: Any, events: list[tuple[str, Any]], tmp: Path
) -> Outcome:
    model, _ = load(str(path))
    engine = Engine(registry_of(model, _resolve), Store(tmp / "durable.sqlite3"))
    engine.start()
    try:
        iid = engine.start_new(name, INSTANCE, codec.dumps(input_)).result(10)
        for event, payload in events:
            engine.raise_event(iid, event, codec.dumps(payload)).result(10)
        status = engine.wait(iid).result(30)
        row = engine.store.instance(iid)
        assert row is not None
        custom = json.loads(row.custom_status) if row.custom_status else None
        if status == "Completed":
            return Outcome(status, codec.loads(row.output), custom_status=custom)
        return Outcome(status, error=str(codec.loads(row.output)), custom_status=custom)
    finally:
        engine.stop()


def run_azure(
    path: Path, name: str, input_: Any, events: list[tuple[str, Any]], tmp: Path
) -> Outcome:
    with generated_app(path, tmp / "out") as function_app:
        return Host(function_app, events).run(name, input_, INSTANCE)


def _phone_code(phone: str) -> int:
    return sum(ord(c) for c in phone) % 9000 + 1000


def _waited(out: Any) -> Any:
    return {**out, "waited_s": out["waited_s"] >= 0.3}


SHOP = EXAMPLES / "shop" / "app.py"
#: (orchestrator, input, events raised, normalisation of time-dependent output), per example
SHOP_CASES: list[tuple[str, Any, list[tuple[str, Any]], Callable[[Any], Any] | None]] = [
    ("fulfil_order", {"id": "o-1", "items": [1, 2], "total": 30}, [], None),
    ("fulfil_order", {"id": "o-2", "items": []}, [], None),
]
EXAMPLE_CASES: list[tuple[str, Any, list[tuple[str, Any]], Callable[[Any], Any] | None]] = [
    ("hello_sequence", None, [], None),
    ("backup_site", 25, [], None),
    ("backup_site", 0, [], None),  # task_all([]) is [] here too, not Azure's bare None
    ("job_monitor", {"id": "job-1", "every_ms": 50, "done_after": 3}, [], None),
    (
        "verify_phone",
        {"phone": "+15550100", "timeout_s": 30},
        [("SmsChallengeResponse", _phone_code("+15550100"))],
        None,
    ),
    (
        "verify_phone",
        {"phone": "+15550101", "timeout_s": 30},
        [("SmsChallengeResponse", 1), ("SmsChallengeResponse", _phone_code("+15550101"))],
        None,
    ),
    ("verify_phone", {"phone": "+15550102", "timeout_s": 0.2}, [], None),
    ("provision_devices", ["dev-a", "dev-b", "dev-c"], [], None),
    ("book_trip", {"to": "Lisbon"}, [], None),
    ("book_trip", {"to": "Oslo", "unavailable": ["car"]}, [], None),
    ("book_trip", {"to": "Rome", "unavailable": ["flight"]}, [], None),
    ("flaky_call", {"id": "r-1", "first_ms": 100, "attempts": 4, "fail_times": 2}, [], _waited),
    ("flaky_call", {"id": "r-2", "first_ms": 50, "attempts": 2, "fail_times": 5}, [], None),
    ("periodic_cleanup", {"round": 0, "rounds": 3}, [], None),
    ("report_progress", None, [("Approval", True)], None),
    ("aggregate_readings", {"sensor": "s-1", "readings": [3, 9.5, 4]}, [], None),
]


APPROVALS = EXAMPLES / "approvals" / "app.py"
APPROVALS_CASES: list[tuple[str, Any, list[tuple[str, Any]], Callable[[Any], Any] | None]] = [
    ("approval", {"who": "ana", "amount": 120}, [("Approval", {"approved": True})], None),
    ("approval", {"who": "bo", "amount": 9}, [("Approval", {"approved": False})], None),
    ("wait_forever", None, [("NeverSent", "late")], None),
    ("breaks", {"id": 7}, [], None),
]
AZURE_SAMPLE = EXAMPLES / "durable" / "azure_sample.py"
AZURE_SAMPLE_CASES: list[tuple[str, Any, list[tuple[str, Any]], Callable[[Any], Any] | None]] = [
    ("hello_orchestrator", None, [], None),
]


CASES = {
    DURABLE: EXAMPLE_CASES,
    SHOP: SHOP_CASES,
    APPROVALS: APPROVALS_CASES,
    AZURE_SAMPLE: AZURE_SAMPLE_CASES,
}
FLAT = [(path, *case) for path, cases in CASES.items() for case in cases]


@pytest.mark.parametrize(
    ("app", "name", "input_", "events", "normalise"),
    FLAT,
    ids=[f"{c[0].parent.name}-{c[1]}-{i}" for i, c in enumerate(FLAT)],
)
def test_example_gives_the_local_engines_output(
    app: Path,
    name: str,
    input_: Any,
    events: list[tuple[str, Any]],
    normalise: Callable[[Any], Any] | None,
    tmp_path: Path,
) -> None:
    local = run_local(app, name, input_, events, tmp_path / "local")
    azure = run_azure(app, name, input_, events, tmp_path / "azure")
    assert azure.status == local.status, (azure, local)
    if local.status == "Completed":
        norm = normalise or (lambda out: out)
        assert norm(azure.output) == norm(local.output)
    else:
        assert innermost(azure.error) == innermost(local.error), (azure.error, local.error)
    assert azure.custom_status == local.custom_status


#: orchestrators run only as sub-orchestrations of a covered one
CHILDREN = {(DURABLE, "provision_device")}


@pytest.mark.parametrize("app", example_apps(), ids=lambda p: p.parent.name)
def test_every_example_orchestrator_is_covered(app: Path) -> None:
    """A new example (or orchestrator) needs a case above: each is compared on both hosts."""
    model, _ = load(str(app))
    wanted = {(app, fn.name) for fn in model.by_kind("orchestrator")}
    covered = {(app, case[0]) for case in CASES.get(app, [])} | CHILDREN
    assert wanted <= covered, sorted(name for _, name in wanted - covered)


# -- the bridge, on scenario orchestrators with virtual time ----------------------------------


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with generated_app(CASES_APP, tmp_path_factory.mktemp("cases")) as function_app:
        yield function_app


def test_chain_and_custom_status(cases: Any) -> None:
    out = Host(cases).run("chain", 3)
    assert (out.status, out.output, out.custom_status) == ("Completed", [6, 12], {"step": 2})


def test_uncaught_failure_keeps_type_and_message(cases: Any) -> None:
    out = Host(cases).run("fails")
    assert out.status == "Failed"
    assert innermost(out.error) == "RuntimeError: out of stock"


def test_caught_failure_and_compensation(cases: Any) -> None:
    out = Host(cases).run("catches")
    assert out.output == {"compensated": 42, "error": True}


def test_fixed_interval_retry_is_azures_retry_options(cases: Any) -> None:
    out = Host(cases).run("retries_fixed", instance_id="fixed-1")
    assert out.output == "fixed-fixed-1 ok after 3 calls"
    types = [e["EventType"] for e in out.history]
    # the SDK's own -WithRetry protocol: failed task, timer, rescheduled task
    assert types.count(10) == 2 and types.count(11) == 2  # TimerCreated, TimerFired
    assert not any(e.get("Name") == "faas_iac_retry" for e in out.history)


def test_backoff_retry_is_a_loop_with_durable_timers(cases: Any) -> None:
    out = Host(cases).run("retries_backoff", instance_id="backoff-1")
    assert out.output == {"result": "backoff-backoff-1 ok after 4 calls", "waited_at_least": True}
    created = [e for e in out.history if e["EventType"] == 7]  # SubOrchestrationInstanceCreated
    assert [e["Name"] for e in created] == ["faas_iac_retry"]
    assert Host(cases).run("retries_backoff", instance_id="backoff-1").status == "Completed"


def test_backoff_retry_waits_exactly_the_backoff(cases: Any) -> None:
    host = Host(cases)
    out = host.run("retries_backoff", instance_id="backoff-2")
    # 1 s, 2 s, 4 s: three durable timers in the retry loop, on virtual time
    assert host.now - START == timedelta(seconds=7)
    assert out.activity_calls.count("flaky") == 4


def test_backoff_retry_gives_up_with_the_last_error(cases: Any) -> None:
    out = Host(cases).run("retries_exhausted", instance_id="ex-1")
    assert out.output == {"gave_up": True, "last": True}


def test_timer_advances_the_orchestration_clock(cases: Any) -> None:
    assert Host(cases).run("timer").output == 3600.0


def test_event_wins_the_race_or_the_timer_does(cases: Any) -> None:
    assert Host(cases, [("approve", "yes")]).run("approval").output == {"approved": "yes"}
    late = Host(cases).run("approval")
    assert late.output == {"approved": None, "timed_out": True}


def test_sub_orchestrations_and_continue_as_new(cases: Any) -> None:
    assert Host(cases).run("parent").output == {"chain": [10, 20], "fan_out": 6}
    assert Host(cases).run("counter", 0).output == 3
