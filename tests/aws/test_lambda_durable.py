"""Every orchestrator of examples/durable and of the translator's corpora, run through the Lambda
durable adapter on the durable SDK's local runner (tests/aws/durable_runner.py) and on the local
engine, for the same inputs and events: status, output, custom status and activity calls are
equal, including orchestrators Step Functions refuses (tests/aws/apps/refused_by_sfn). Timers
run on the runner's skipping clock (a 30-second timeout takes no real 30 seconds)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from faas_iac.durable.clock import SYSTEM
from tests.aws.durable_runner import Outcome, SdkRunner, sdk_runner
from tests.aws.moto_server import fake_credentials
from tests.translate import test_execution, test_idioms
from tests.translate.clock import ScaledClock
from tests.translate.local_exec import LocalRunner, local_runner
from tests.translate.targets import APPS, HERE, load_app

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+15550100"
CODE = sum(ord(c) for c in PHONE) % 9000 + 1000
#: examples/durable: (case, orchestrator, input, events); stateful activities get fresh ids.
EXAMPLES: list[tuple[str, str, Any, list[tuple[str, Any]]]] = [
    ("chaining", "hello_sequence", None, []),
    ("fan-out", "backup_site", 12, []),
    ("fan-out-none", "backup_site", 0, []),
    ("monitor", "job_monitor", {"id": "{id}", "every_ms": 100, "done_after": 3}, []),
    ("monitor-expires", "job_monitor",
     {"id": "{id}", "every_ms": 1000, "done_after": 99, "expiry_s": 2}, []),
    ("phone-wrong-then-right", "verify_phone", {"phone": PHONE, "timeout_s": 300},
     [("SmsChallengeResponse", 1), ("SmsChallengeResponse", CODE)]),
    ("phone-three-wrong", "verify_phone", {"phone": PHONE, "timeout_s": 300},
     [("SmsChallengeResponse", 1), ("SmsChallengeResponse", 2), ("SmsChallengeResponse", 3)]),
    ("phone-timeout", "verify_phone", {"phone": PHONE, "timeout_s": 1}, []),
    ("entities", "aggregate_readings", {"sensor": "s-1", "readings": [3, 9.5, 1]}, []),
    ("sub-orchestrations", "provision_devices", ["d1", "d2"], []),
    ("saga-compensated", "book_trip", {"unavailable": ["car"]}, []),
    ("saga-booked", "book_trip", {}, []),
    ("retry", "flaky_call", {"id": "{id}", "fail_times": 2, "first_ms": 100}, []),
    ("retry-exhausted", "flaky_call", {"id": "{id}", "fail_times": 9, "first_ms": 20,
                                       "attempts": 3}, []),
    ("continue-as-new", "periodic_cleanup", {"round": 0, "rounds": 3}, []),
    ("custom-status", "report_progress", None, [("Approval", True)]),
]  # fmt: skip
#: Outputs that hold a duration: durable timers fire on whole seconds on Lambda (the service's
#: granularity), so only the lower bound is shared with the local engine.
TIMED = {"flaky_call": ("waited_s", 0.3)}


def _fresh(value: Any, suffix: str) -> Any:
    if isinstance(value, dict) and value.get("id") == "{id}":
        return {**value, "id": suffix}
    return value


@pytest.fixture(autouse=True, scope="module")
def _credentials() -> Iterator[None]:
    with fake_credentials():
        yield


#: the other app of examples/durable: the Azure Durable Functions quickstart, unchanged
AZURE_SAMPLE = ROOT / "examples" / "durable" / "azure_sample.py"
SAMPLE_CASES: list[tuple[str, str, Any, list[tuple[str, Any]]]] = [
    ("quickstart", "hello_orchestrator", None, [])
]


#: orchestrators the translator refuses (every example and corpus one now translates)
REFUSED_BY_SFN = HERE.parent / "aws" / "apps" / "refused_by_sfn" / "app.py"
REFUSED_CASES: list[tuple[str, str, Any, list[tuple[str, Any]]]] = [
    ("try-finally", "try_finally", 5, []),
    ("for-else-break", "for_else", ["a", "stop", "b"], []),
    ("for-else-else", "for_else", ["a"], []),
    ("nested-function", "nested_function", 3, []),
    ("lambda", "lambda_value", "x", []),
    ("yield-in-expression", "yield_in_expression", True, []),
    ("yield-in-expression-skipped", "yield_in_expression", False, []),
    ("activity-beats-timer", "activity_beats_timer", 7, []),
]
OTHER_APPS = {"azure_sample": AZURE_SAMPLE, "refused": REFUSED_BY_SFN}


@pytest.fixture(
    scope="module", params=["examples", "azure_sample", "refused", "patterns", "idioms"]
)
def both(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, LocalRunner, SdkRunner]]:
    path = {"idioms": HERE / "apps" / "idioms_app.py", **OTHER_APPS}.get(
        request.param, APPS.get(request.param)
    )
    app = load_app(path)
    state = tmp_path_factory.mktemp("engine")
    # the execution tests' cases time their timers in minutes and hours, for the harness's
    # scaled clock (an hour a second); the examples here, in milliseconds of real time
    clock = SYSTEM if request.param in ("examples", *OTHER_APPS) else ScaledClock()
    with local_runner(app.model, app.root, state, clock) as local, sdk_runner(app.model) as sdk:
        yield request.param, local, sdk


def _cases(which: str) -> list[tuple[str, str, Any, list[tuple[str, Any]]]]:
    if which == "examples":
        return EXAMPLES
    if which in OTHER_APPS:
        return SAMPLE_CASES if which == "azure_sample" else REFUSED_CASES
    cases = test_execution.CASES if which == "patterns" else test_idioms.CASES
    return [(c.id, c.orchestrator, c.input, list(c.events)) for c in cases]


def _same(name: str, local: Outcome, sdk: Outcome) -> None:
    if name == "provision_devices":  # each child names its parent: that engine's instance id
        assert all(d["parent"] == sdk.instance for d in sdk.output)
        local.output = [{**d, "parent": "-"} for d in local.output]
        sdk.output = [{**d, "parent": "-"} for d in sdk.output]
    if name in TIMED and local.status == "Completed":
        key, least = TIMED[name]
        assert local.output[key] >= least and sdk.output[key] >= least
        local.output, sdk.output = dict(local.output), dict(sdk.output)
        del local.output[key], sdk.output[key]
    assert (sdk.status, sdk.output) == (local.status, local.output)
    assert sdk.custom_status == local.custom_status
    assert sorted(map(repr, sdk.calls)) == sorted(map(repr, local.calls))


# a replay that waits leaves no suspended generator for the collector to close (a finally
# that yields would be reported as "generator ignored GeneratorExit")
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_every_orchestrator_runs_alike(both: tuple[str, LocalRunner, SdkRunner]) -> None:
    which, local, sdk = both
    for n, (case, name, raw, events) in enumerate(_cases(which)):
        value = _fresh(raw, f"{which}-{n}")
        expected = _record(local, sdk, functools.partial(local.run, name, value, events))
        _forget(local, value)
        got = sdk.run(name, value, events)
        try:
            _same(name, expected, got)
        except AssertionError as exc:
            raise AssertionError(f"{which}/{case}: {exc}") from None


def _forget(local: LocalRunner, value: Any) -> None:
    """Stateful activities (a flaky call, a job checked N times) count calls per id in a
    module dict: forget the id's count, so the second engine starts where the first did."""
    key = value.get("id") if isinstance(value, dict) else None
    for fn in local.engine.registry.activities.values():
        for found in getattr(inspect.unwrap(fn), "__globals__", {}).values():
            if isinstance(found, dict) and isinstance(key, str) and key in found:
                del found[key]


def _record(local: LocalRunner, sdk: SdkRunner, run: Any) -> Outcome:
    """The local engine's outcome with the activity calls it made (recorded by the same
    wrapper the SDK runner's activities go through)."""
    start = len(sdk.calls)
    calls: list[tuple[str, Any]] = []
    table = local.engine.registry.activities  # the engine's activity runner holds this dict
    original = dict(table)
    table.update({name: _counting(name, fn, calls) for name, fn in original.items()})
    try:
        outcome: Outcome = run()
    finally:
        table.update(original)
    assert len(sdk.calls) == start
    return Outcome(outcome.status, outcome.output, outcome.custom_status, calls)


def _counting(name: str, fn: Any, calls: list[tuple[str, Any]]) -> Any:
    @functools.wraps(fn)  # the engine reads the signature: (input) or (input, ctx)
    def call(value: Any, *rest: Any) -> Any:
        calls.append((name, value))
        return fn(value, *rest)

    return call
