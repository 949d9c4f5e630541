"""One signature rule on every target: the same handlers, of every shape, called through the
local host's invoker and durable activity runner, the AWS Lambda entry point, the Azure
adapter and the GCP adapter (under a real Flask request, as functions-framework passes it),
receive the same arguments (``tests/runtime/shapes.py`` says which)."""

from __future__ import annotations

import asyncio
import base64
import json
import queue
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask
import pytest
from azure.functions.queue import QueueMessage
from faas_iac_aws.runtime import entry as aws_entry
from faas_iac_azure.runtime.entry import FunctionInfo, Runtime
from faas_iac_gcp.runtime import entry as gcp_entry

from faas_iac import App, Queue
from faas_iac.durable.activities import ActivityRunner
from faas_iac.durable.messages import ActivityDone, Job
from faas_iac.local.bindings import LocalBindings, queue_channel
from faas_iac.local.invoker import Invoker, activity_contexts
from faas_iac.local.store import Store
from faas_iac.model import Function, build_model
from faas_iac.model.function import HandlerRef
from faas_iac.model.triggers import QueueTrigger
from faas_iac.runtime.handlers import Handler, UnresolvedHandler, resolve
from faas_iac.runtime.types import Message

from . import shapes

SQS = json.loads((Path(__file__).parents[1] / "aws" / "fixtures" / "sqs.json").read_text())
INPUT = {"order": 7}


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    shapes.SEEN.clear()
    aws_entry._cache.clear()
    yield
    aws_entry._cache.clear()


def ref(name: str) -> str:
    return f"{shapes.__name__}:{name}"


# -- the local host ---------------------------------------------------------------------------
def local_trigger(name: str) -> None:
    module, _, qualname = ref(name).partition(":")
    fn = Function(
        name="shape",
        handler=HandlerRef(module=module, qualname=qualname),
        trigger=QueueTrigger(queue="jobs"),
    )
    invoker = Invoker(fn, resolve(ref(name)), bindings=None)  # type: ignore[arg-type]
    message = Message(id="m-1", body=b"order o-1", source="jobs")
    invoker.call_sync(message, "inv-1")  # faas-iac invoke

    async def served() -> None:  # faas-iac dev: the pool or the event loop
        try:
            await invoker.call(message, "inv-2")
        finally:
            invoker.close()

    asyncio.run(served())


def local_activity(name: str) -> None:
    done: queue.SimpleQueue[ActivityDone] = queue.SimpleQueue()
    runner = ActivityRunner({"shape": resolve(ref(name))}, {}, 1, done.put)
    runner.start()
    try:
        runner.submit(Job("instance-1", 0, 1, "shape", json.dumps(INPUT)))
        message = done.get(timeout=10)
    finally:
        runner.stop()
    assert message.event["type"] == "TaskCompleted", message.event


# -- AWS Lambda ---------------------------------------------------------------------------------
class LambdaContext:
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 3000


def aws(trigger: str, event: Any) -> Callable[[str], None]:
    def run(name: str) -> None:
        env = {
            "FAAS_IAC_HANDLER": ref(name),
            "FAAS_IAC_TRIGGER": trigger,
            "FAAS_IAC_FUNCTION": "shape",
        }
        result = aws_entry.dispatch(event, LambdaContext(), env)
        if trigger == "queue":
            assert result == {"batchItemFailures": []}

    return run


# -- Azure Functions ------------------------------------------------------------------------------
def azure_trigger(name: str) -> None:
    runtime = Runtime({"shape": FunctionInfo(ref(name), "queue", "jobs")}, bindings=None)
    native = QueueMessage(
        id="m-1", body=b"order o-1", dequeue_count=1, insertion_time=datetime.now(UTC)
    )
    runtime.invoke("shape", native)


def azure_activity(name: str) -> None:
    runtime = Runtime({"shape": FunctionInfo(ref(name), "activity")}, bindings=None)
    assert runtime.activity("shape", INPUT) == "done"


# -- GCP Cloud Functions ------------------------------------------------------------------------
#: A Pub/Sub push body as the documentation shows it (queues arrive this way).
PUSH = {
    "message": {
        "data": base64.b64encode(b"order o-1").decode(),
        "messageId": "m-1",
        "publishTime": "2026-03-29T01:05:00.749Z",
    },
    "subscription": "projects/p/subscriptions/shape",
}


def gcp(trigger: str, body: Any, status: int) -> Callable[[str], None]:
    def run(name: str) -> None:
        info = gcp_entry.FunctionInfo(ref(name), trigger, "jobs")
        runtime = gcp_entry.Runtime({"shape": info}, env={})
        with flask.Flask(__name__).test_request_context("/", method="POST", json=body):
            response = runtime.serve("shape", flask.request)
        assert response.status_code == status, response.get_data()
        if trigger == "activity":
            assert response.get_json() == "done"

    return run


#: target → (how to run a handler there, the payload type it receives, calls per run)
TARGETS: dict[str, tuple[Callable[[str], None], str, int]] = {
    "local-queue": (local_trigger, "Message", 2),
    "local-activity": (local_activity, "dict", 1),
    "aws-queue": (aws("queue", SQS), "Message", 1),
    "aws-activity": (aws("activity", INPUT), "dict", 1),
    "azure-queue": (azure_trigger, "Message", 1),
    "azure-activity": (azure_activity, "dict", 1),
    "gcp-queue": (gcp("push", PUSH, 204), "Message", 1),
    "gcp-activity": (gcp("activity", {"input": INPUT}, 200), "dict", 1),
}


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("name", sorted(shapes.EXPECTED))
def test_every_target_calls_a_handler_shape_alike(name: str, target: str) -> None:
    run, payload, calls = TARGETS[target]
    run(name)
    expected = tuple(payload if a == "P" else a for a in shapes.EXPECTED[name])
    assert [expected] * calls == shapes.SEEN


def test_the_rule_without_a_target() -> None:
    assert Handler(print).takes_context  # no readable signature: payload and context
    assert not Handler(shapes.one).is_async and Handler(shapes.async_two).is_async
    assert Handler(shapes.async_callable_object).is_async


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("tests.runtime.shapes", "is not a module:qualname reference"),
        ("tests.runtime.no_such_module:f", "cannot be imported"),
        ("tests.runtime.shapes:missing", "cannot be found"),
        ("tests.runtime.shapes:EXPECTED", "is not callable"),
    ],
)
def test_a_reference_that_names_no_handler_says_why(reference: str, reason: str) -> None:
    with pytest.raises(UnresolvedHandler, match=reason):
        resolve(reference)


def test_the_translator_lookup_never_imports() -> None:
    with pytest.raises(UnresolvedHandler, match="is not loaded"):
        resolve("tests.runtime.never_imported_module:f", load=False)


def test_a_local_activity_that_takes_a_context_gets_its_declared_bindings(
    tmp_path: Path,
) -> None:
    app = App("shapes")
    app.declare(Queue("jobs"), Queue("other"))
    app.activity(writes=["queue:jobs"])(shapes.send_on)
    model = build_model(app, Path(__file__).parent)
    store = Store(tmp_path / "local.sqlite")
    try:
        bindings = LocalBindings(model, store, tmp_path, {})
        done: queue.SimpleQueue[ActivityDone] = queue.SimpleQueue()
        runner = ActivityRunner(
            {"send_on": shapes.send_on}, {}, 1, done.put, activity_contexts(model, bindings)
        )
        runner.start()
        try:
            runner.submit(Job("instance-1", 0, 1, "send_on", json.dumps(INPUT)))
            event = done.get(timeout=10).event
        finally:
            runner.stop()
        assert event["type"] == "TaskCompleted", event
        assert "may not write queue 'other'" in json.loads(event["result"])
        assert [json.loads(m["body"]) for m in store.peek(queue_channel("jobs"))] == [INPUT]
    finally:
        store.close()
