"""The engine in-process (no HTTP): typed payloads, failures keeping type and message,
concurrency limits, entity serialization, timers and replay across restarts."""

from __future__ import annotations

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
    },
    activities={"price": price, "boom": boom, "echo": echo, "gauged": GAUGE},
    entities={"account": account},
)


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Callable[..., Engine]]:
    engines: list[Engine] = []

    def build(**overrides: Any) -> Engine:
        engine = Engine(Registry(**{**REGISTRY, **overrides}), tmp_path / "d.sqlite3")
        engine.start()
        engines.append(engine)
        return engine

    yield build
    for engine in engines:
        engine.stop()


def run(engine: Engine, name: str, input_json: str | None = None) -> tuple[str, Any]:
    iid = engine.start_new(name, None, input_json).result()
    status = engine.post("wait", iid).result(10)
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


def test_orchestrator_instance_limit_keeps_extra_instances_pending(
    make: Callable[..., Engine],
) -> None:
    engine = make(limits={"waits": 1})
    first = engine.start_new("waits", "w1", None).result()
    second = engine.start_new("waits", "w2", None).result()
    assert engine.store.instance(second).status == "Pending"  # type: ignore[union-attr]
    engine.post("event", second, "go", "2").result()  # buffered while pending
    engine.post("event", first, "go", "1").result()
    assert engine.post("wait", second).result(5) == "Completed"
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
    assert again.post("wait", iid).result(5) == "Completed"
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
    assert changed.post("wait", iid).result(5) == "Failed"
    output = changed.store.instance(iid).output  # type: ignore[union-attr]
    assert "NonDeterminismError" in output and "TaskScheduled 'echo' at position 1" in output
