"""The engine in-process (no HTTP): typed payloads, failures keeping type and message,
concurrency limits, entity serialization, timers and replay across restarts."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from faas_iac.durable import EntityId, RetryOptions, TaskFailedError
from faas_iac.durable.engine import Engine, Registry
from faas_iac.durable.store import Store


class Order(BaseModel):
    id: str
    quantity: int


class Receipt(BaseModel):
    order: Order
    total: float


def price(order: Order) -> Receipt:
    assert isinstance(order, Order)
    return Receipt(order=order, total=order.quantity * 2.5)


def typed(ctx: Any) -> Any:
    order = ctx.get_input()
    assert isinstance(order, Order)
    receipt = yield ctx.call_activity("price", order)
    assert isinstance(receipt, Receipt)
    return receipt


def boom(_: Any) -> None:
    raise KeyError("missing sku")


def fails(ctx: Any) -> Any:
    yield ctx.call_activity("boom", None)


def raises(ctx: Any) -> Any:
    yield ctx.create_timer(ctx.current_utc_datetime)
    raise ValueError("bad input")


def catches(ctx: Any) -> Any:
    try:
        yield ctx.call_activity("nope", 1)
    except TaskFailedError as err:
        return [err.error_type, err.error_message]


def race(ctx: Any) -> Any:
    slow = ctx.create_timer(ctx.current_utc_datetime + timedelta(seconds=30))
    fast = ctx.call_activity("echo", "fast")
    winner = yield ctx.task_any([slow, fast])
    slow.cancel()
    return [winner is fast, winner.result]


def echo(value: Any) -> Any:
    return value


class Gauge:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __call__(self, value: Any) -> Any:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.03)
        with self.lock:
            self.now -= 1
        return value


def fan(ctx: Any) -> Any:
    return (yield ctx.task_all([ctx.call_activity("gauged", n) for n in range(6)]))


def waits(ctx: Any) -> Any:
    return (yield ctx.wait_for_external_event("go"))


def account(ctx: Any) -> None:
    balance = ctx.get_state(lambda: 0)
    amount = ctx.get_input()
    if ctx.operation_name == "withdraw":
        if amount > balance:
            raise ValueError(f"balance {balance} < {amount}")
        balance -= amount
    elif ctx.operation_name == "deposit":
        balance += amount
    ctx.set_state(balance)
    ctx.set_result(balance)


def bank(ctx: Any) -> Any:
    acct = EntityId("account", ctx.get_input())
    yield ctx.call_entity(acct, "deposit", 10)
    try:
        yield ctx.call_entity(acct, "withdraw", 50)
    except TaskFailedError as err:
        left = yield ctx.call_entity(acct, "get")
        return {"error": err.error_message, "left": left}


def sleeper(ctx: Any) -> Any:
    yield ctx.create_timer(ctx.current_utc_datetime + timedelta(milliseconds=400))
    return (yield ctx.call_activity_with_retry("echo", RetryOptions(10, 2), "woke"))


def two_steps(ctx: Any) -> Any:
    yield ctx.call_activity("echo", 1)
    yield ctx.call_activity("echo", 2)
    return (yield ctx.wait_for_external_event("go"))


def one_step(ctx: Any) -> Any:
    yield ctx.call_activity("echo", 1)
    return (yield ctx.wait_for_external_event("go"))


def ticker(ctx: Any) -> Any:
    n = ctx.get_input()
    ctx.signal_entity(EntityId("account", "ticks"), "deposit", 1)
    if n < 3:
        yield ctx.create_timer(ctx.current_utc_datetime)
        ctx.continue_as_new(n + 1)
        return None
    return n


CHILD_RUNS: list[int] = []


def shaky_child(ctx: Any) -> Any:
    CHILD_RUNS.append(1)
    if len(CHILD_RUNS) < 3 and not ctx.is_replaying:
        raise RuntimeError(f"child attempt {len(CHILD_RUNS)}")
    yield ctx.create_timer(ctx.current_utc_datetime)
    return ctx.get_input() * 2


def retrying_parent(ctx: Any) -> Any:
    retry = RetryOptions(20, 3, backoff_coefficient=2.0)
    return (yield ctx.call_sub_orchestrator_with_retry("shaky_child", retry, 21))


SEEN: list[tuple[str, bool]] = []


def uuids(ctx: Any) -> Any:
    first = ctx.new_uuid()
    SEEN.append((first, ctx.is_replaying))
    yield ctx.wait_for_external_event("go")
    return [first, ctx.new_uuid()]


GAUGE = Gauge()
REGISTRY = dict(
    orchestrators={
        "typed": typed,
        "fails": fails,
        "raises": raises,
        "catches": catches,
        "race": race,
        "fan": fan,
        "waits": waits,
        "bank": bank,
        "sleeper": sleeper,
        "two_steps": two_steps,
        "ticker": ticker,
        "shaky_child": shaky_child,
        "retrying_parent": retrying_parent,
        "uuids": uuids,
    },
    activities={"price": price, "boom": boom, "echo": echo, "gauged": GAUGE},
    entities={"account": account},
)


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Callable[..., Engine]]:
    engines: list[Engine] = []

    def build(**overrides: Any) -> Engine:
        engine = Engine(Registry(**{**REGISTRY, **overrides}), Store(tmp_path / "d.sqlite3"))
        engine.start()
        engines.append(engine)
        return engine

    yield build
    for engine in engines:
        engine.stop()


def run(engine: Engine, name: str, input_json: str | None = None) -> tuple[str, Any]:
    iid = engine.start_new(name, None, input_json).result()
    status = engine.wait(iid).result(10)
    row = engine.store.instance(iid)
    assert row is not None
    from faas_iac.durable import codec

    return status, codec.loads(row.output)


def test_pydantic_payloads_round_trip(make: Callable[..., Engine]) -> None:
    from faas_iac.durable import codec

    status, output = run(make(), "typed", codec.dumps(Order(id="o-1", quantity=4)))
    assert status == "Completed"
    assert output == Receipt(order=Order(id="o-1", quantity=4), total=10.0)


def test_failures_keep_type_and_message(make: Callable[..., Engine]) -> None:
    engine = make()
    status, output = run(engine, "fails")
    assert status == "Failed"
    assert output == (
        "Orchestrator function 'fails' failed: TaskFailedError: Activity function "
        "'boom' failed: KeyError: 'missing sku'"
    )
    assert run(engine, "raises") == (
        "Failed",
        "Orchestrator function 'raises' failed: ValueError: bad input",
    )
    assert run(engine, "catches") == ("Completed", ["LookupError", "no activity named 'nope'"])


def test_task_any_returns_the_winning_task(make: Callable[..., Engine]) -> None:
    assert run(make(), "race") == ("Completed", [True, "fast"])


def test_per_function_and_host_activity_limits(make: Callable[..., Engine]) -> None:
    engine = make(limits={"gauged": 2})
    GAUGE.peak = 0
    assert run(engine, "fan") == ("Completed", list(range(6)))
    assert GAUGE.peak == 2
    engine.stop()


@pytest.mark.parametrize(
    "limits", [{"limits": {"waits": 1}}, {"max_orchestrations": 1}], ids=["function", "host"]
)
def test_orchestration_limits_keep_extra_instances_pending(
    make: Callable[..., Engine], limits: dict[str, Any]
) -> None:
    engine = make(**limits)
    first = engine.start_new("waits", "w1", None).result()
    second = engine.start_new("waits", "w2", None).result()
    assert engine.store.instance(second).status == "Pending"  # type: ignore[union-attr]
    engine.raise_event(second, "go", "2").result()  # buffered while pending
    engine.raise_event(first, "go", "1").result()
    assert engine.wait(second).result(5) == "Completed"
    assert engine.store.instance(second).output == "2"  # type: ignore[union-attr]


def test_entity_operation_failure_leaves_state(make: Callable[..., Engine]) -> None:
    engine = make()
    assert run(engine, "bank", '"acct-1"') == (
        "Completed",
        {"error": "balance 10 < 50", "left": 10},
    )


def test_timers_and_history_survive_a_restart(make: Callable[..., Engine], tmp_path: Path) -> None:
    engine = make()
    iid = engine.start_new("sleeper", None, None).result()
    engine.stop()
    again = make()
    assert again.wait(iid).result(5) == "Completed"
    with Store(tmp_path / "d.sqlite3") as store:
        kinds = [e["type"] for e in store.history(iid)]
    assert kinds == [
        "ExecutionStarted",
        "TimerCreated",
        "TimerFired",
        "TaskScheduled",
        "TaskCompleted",
        "ExecutionCompleted",
    ]


def test_replay_detects_an_action_the_code_no_longer_schedules(
    make: Callable[..., Engine],
) -> None:
    engine = make()
    iid = engine.start_new("two_steps", None, None).result()
    for _ in range(100):
        if len(engine.store.history(iid)) >= 5:
            break
        time.sleep(0.02)
    engine.stop()
    changed = make(orchestrators={**REGISTRY["orchestrators"], "two_steps": one_step})
    assert changed.wait(iid).result(5) == "Failed"
    output = changed.store.instance(iid).output  # type: ignore[union-attr]
    assert "NonDeterminismError" in output and "TaskScheduled 'echo' at position 1" in output


def test_continue_as_new_keeps_signals_sent_before_it(make: Callable[..., Engine]) -> None:
    engine = make()
    assert run(engine, "ticker", "0") == ("Completed", 3)
    assert engine.store.entity("@account@ticks") == ("4", True)


def test_sub_orchestrator_with_retry(make: Callable[..., Engine]) -> None:
    CHILD_RUNS.clear()
    assert run(make(), "retrying_parent") == ("Completed", 42)


def test_new_uuid_is_the_same_on_replay(make: Callable[..., Engine]) -> None:
    SEEN.clear()
    engine = make()
    iid = engine.start_new("uuids", None, None).result()
    engine.stop()
    again = make()
    again.raise_event(iid, "go", None).result()
    assert again.wait(iid).result(5) == "Completed"
    from faas_iac.durable import codec

    first, second = codec.loads(again.store.instance(iid).output)  # type: ignore[union-attr]
    assert [(first, False), (first, True)] == SEEN
    assert second != first


async def fetch(value: int) -> dict[str, Any]:
    await asyncio.sleep(0.01)
    return {"value": value, "thread": threading.current_thread().name}


def gather(ctx: Any) -> Any:
    return (yield ctx.task_all([ctx.call_activity("fetch", n) for n in range(3)]))


def test_async_activities_run_on_the_hosts_loop(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="host-loop", daemon=True)
    thread.start()
    registry = Registry(orchestrators={"gather": gather}, activities={"fetch": fetch})
    engine = Engine(registry, Store(tmp_path / "a.sqlite3"), loop=loop)
    engine.start()
    try:
        status, output = run(engine, "gather")
    finally:
        engine.stop()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(2)
    assert status == "Completed"
    assert output == [{"value": n, "thread": "host-loop"} for n in range(3)]


def big_status(ctx: Any) -> Any:
    ctx.set_custom_status("x" * 20_000)
    yield ctx.create_timer(ctx.current_utc_datetime)


def test_custom_status_above_16_kb_fails_clearly(make: Callable[..., Engine]) -> None:
    engine = make(orchestrators={"big_status": big_status})
    status, output = run(engine, "big_status")
    assert status == "Failed" and "the limit is 16 KB" in output


def test_a_failed_commit_loses_nothing_acknowledged(make: Callable[..., Engine]) -> None:
    engine = make()
    kept = engine.start_new("waits", "kept", None).result()
    real = engine.store.commit
    failures = [RuntimeError("disk full")]

    def flaky(batch: Any) -> None:
        if failures:
            raise failures.pop()
        real(batch)

    engine.store.commit = flaky  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="disk full"):
        engine.start_new("waits", "lost", None).result(5)
    assert engine.store.instance("lost") is None  # not acknowledged, not stored
    engine.raise_event(kept, "go", '"still here"').result(5)
    assert engine.wait(kept).result(5) == "Completed"
    assert engine.store.instance(kept).output == '"still here"'  # type: ignore[union-attr]
    assert engine.start_new("waits", "lost", None).result(5) == "lost"  # the id is free again


def test_in_process_client(make: Callable[..., Engine]) -> None:
    from faas_iac.durable import DurableClient, OrchestrationRuntimeStatus
    from faas_iac.durable.client import Signer
    from faas_iac.runtime.types import HttpRequest

    client = DurableClient(make(), Signer(b"secret"), "http://127.0.0.1:7071", "hub")
    iid = client.start_new("waits", None, None)
    client.suspend(iid, "pause")
    assert client.get_status(iid).runtime_status is OrchestrationRuntimeStatus.Suspended  # type: ignore[union-attr]
    client.resume(iid, "go on")
    client.raise_event(iid, "go", {"ok": True})
    done = client.wait_for_completion(iid, 5)
    assert done is not None and done.output == {"ok": True}
    history = client.get_status(iid, show_history=True, show_history_output=True)
    assert [e["EventType"] for e in history.history or []] == [  # type: ignore[union-attr]
        "ExecutionStarted",
        "ExecutionSuspended",
        "ExecutionResumed",
        "EventRaised",
        "ExecutionCompleted",
    ]
    req = HttpRequest("POST", "/api/x", headers={"host": "localhost:8080"})
    resp = client.create_check_status_response(req, iid)
    links = json.loads(resp.body_bytes)
    assert resp.status == 202 and resp.headers["Location"] == links["statusQueryGetUri"]
    assert links["statusQueryGetUri"].startswith(
        f"http://localhost:8080/runtime/webhooks/durabletask/instances/{iid}?"
    )
    direct = client.wait_for_completion_or_create_check_status_response(req, iid, 1000)
    assert direct.status == 200 and json.loads(direct.body_bytes) == {"ok": True}
    completed = [OrchestrationRuntimeStatus.Completed]
    assert [s.instance_id for s in client.get_status_by(runtime_status=completed)] == [iid]
    assert client.purge_instance_history_by(runtime_status=completed).instances_deleted == 1
    assert client.get_status(iid) is None


def test_terminate_and_purge_in_one_turn(make: Callable[..., Engine]) -> None:
    engine = make()
    iid = engine.start_new("waits", "short-lived", None).result()
    terminated = engine.control("Terminate", iid, "bye")
    purged = engine.purge(iid)
    restarted = engine.start_new("waits", iid, None)
    assert terminated.result(5) is None and purged.result(5) == 1
    assert restarted.result(5) == iid
    engine.raise_event(iid, "go", '"again"').result(5)
    assert engine.wait(iid).result(5) == "Completed"
    assert [e["type"] for e in engine.store.history(iid)] == [
        "ExecutionStarted",
        "EventRaised",
        "ExecutionCompleted",
    ]


def plain_receipt(order: dict[str, Any]) -> dict[str, Any]:
    return {"order": order, "total": 1.5}


def typed_by_expectation(ctx: Any) -> Any:
    order = ctx.get_input(expected_type=Order)
    receipt = yield ctx.call_activity("plain_receipt", order, expected_type=Receipt)
    approved = yield ctx.wait_for_external_event("approve", expected_type=Order)
    return [type(order).__name__, type(receipt).__name__, type(approved).__name__]


def test_expected_type_validates_plain_payloads(make: Callable[..., Engine]) -> None:
    engine = make(
        orchestrators={"typed_by_expectation": typed_by_expectation},
        activities={"plain_receipt": plain_receipt},
    )
    iid = engine.start_new("typed_by_expectation", None, '{"id": "o-2", "quantity": 1}').result()
    engine.raise_event(iid, "approve", '{"id": "o-2", "quantity": 1}').result()
    assert engine.wait(iid).result(5) == "Completed"
    assert engine.store.instance(iid).output == '["Order","Receipt","Order"]'  # type: ignore[union-attr]


def instant(ctx: Any) -> Any:
    return ctx.get_input()
    yield  # a generator that ends at its first step


def test_pending_instances_that_end_at_once(make: Callable[..., Engine]) -> None:
    engine = make(orchestrators={"instant": instant, "waits": waits}, max_orchestrations=1)
    blocker = engine.start_new("waits", None, None).result(5)
    starts = [engine.start_new("instant", None, str(n)) for n in range(1500)]
    ids = [f.result(5) for f in starts]  # more than the recursion limit, all Pending
    assert {engine.store.instance(i).status for i in ids} == {"Pending"}  # type: ignore[union-attr]
    engine.raise_event(blocker, "go", None).result(5)
    assert {engine.wait(i).result(5) for i in ids} == {"Completed"}
    outputs = [engine.store.instance(i).output for i in ids]  # type: ignore[union-attr]
    assert outputs == [str(n) for n in range(1500)]


def eager_loop(ctx: Any) -> Any:
    n = ctx.get_input()
    if n < 300:
        ctx.continue_as_new(n + 1)
        return None
    return n
    yield  # a generator that never waits


def test_continue_as_new_without_waiting_runs_one_execution_per_turn(
    make: Callable[..., Engine],
) -> None:
    assert run(make(orchestrators={"eager_loop": eager_loop}), "eager_loop", "0") == (
        "Completed",
        300,
    )


def empty_fan(ctx: Any) -> Any:
    return (yield ctx.task_all([]))


def test_task_all_of_nothing_is_an_empty_list(make: Callable[..., Engine]) -> None:
    assert run(make(orchestrators={"empty_fan": empty_fan}), "empty_fan") == ("Completed", [])
