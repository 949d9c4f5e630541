"""The Lambda durable function of one orchestrator: the user's unchanged generator, run by the
local engine's replay code (:class:`faas_iac.durable.orchestration.Orchestration`) with the
durable SDK as its history store and scheduler.

Each invocation works in rounds. A round takes a snapshot of the execution's operations, reads
it as history (:mod:`.history`) and replays the orchestrator over it; every task the
orchestrator schedules is handed to the SDK in scheduling order (a recorded one replays its
operation, so the SDK's own identity check runs too; a new one starts it). Then:

* the orchestrator finished: return its output (or fail the execution with the local
  engine's message and error), or start the next generation of a ``continue_as_new``;
* operations ended meanwhile (steps run in this invocation, an immediate failure): next round;
* otherwise suspend: the service invokes again when an operation ends.

Nondeterminism (the code changed under a running execution) fails the execution with the
local engine's ``NonDeterminismError`` and message. Standard library, the durable SDK (shipped
in the layer of durable functions) and faas_iac's durable core; boto3 only in :mod:`.aws`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from aws_durable_execution_sdk_python import DurableContext, DurableOperationError
from aws_durable_execution_sdk_python.config import Duration, InvokeConfig, StepConfig
from aws_durable_execution_sdk_python.exceptions import (
    NonDeterministicExecutionError,
    SuspendExecution,
)
from aws_durable_execution_sdk_python.identifier import OperationIdNamespace
from aws_durable_execution_sdk_python.retries import RetryDecision
from aws_durable_execution_sdk_python.serdes import DEFAULT_JSON_SERDES, PassThroughSerDes
from aws_durable_execution_sdk_python.state import ReplayStatus

from faas_iac.durable import codec
from faas_iac.durable.orchestration import Orchestration
from faas_iac.durable.tasks import AtomicTask, NonDeterminismError, TimerTask

from . import history as H

REPLAY = ReplayStatus.REPLAY
#: The key of the envelope faas-iac wraps an orchestration's input in.
ENVELOPE = "faas_iac_durable"
#: Rounds in one invocation before it suspends anyway (each round needs an operation that
#: ended during the previous one, so this is only a guard).
MAX_ROUNDS = 50
_ROOT = OperationIdNamespace(None)
_PASS: Any = PassThroughSerDes()
#: Steps keep plain JSON (the SDK's default step serdes tags every value with its type), and
#: a failed entity operation fails its task at once, as locally.
_STEP = StepConfig(serdes=DEFAULT_JSON_SERDES)
_NO_RETRY = StepConfig(
    retry_strategy=lambda error, attempt: RetryDecision.no_retry(), serdes=DEFAULT_JSON_SERDES
)


class Backend(Protocol):
    """What the adapter does besides checkpointing: the one seam to AWS (:mod:`.aws`)."""

    def register(self, instance: str, event: str, callback_id: str) -> str | None:
        """Wait for ``event``: take the oldest event raised before anything waited (its JSON
        text), or record ``callback_id`` as the next waiter and return None."""
        ...

    def entity(self, entity: str, key: str, operation: str, input_json: str) -> Any:
        """Run one operation of an entity on the entity table; its result."""
        ...

    def start(self, function: str, execution: str, payload: dict[str, Any]) -> None:
        """Start a durable execution of ``function`` named ``execution`` (asynchronously)."""
        ...

    def custom_status(self, instance: str, text: str) -> None:
        """Record an instance's custom status (JSON text) where the client reads it."""
        ...

    def child(self, instance: str, orchestrator: str, execution_arn: str) -> None:
        """Record the execution of a sub-orchestration's instance where the client finds it
        (its parent's ``invoke`` does not name the execution after the instance)."""
        ...


@dataclass(frozen=True)
class Config:
    """What the planner tells one orchestrator's Lambda (``FAAS_IAC_DURABLE_FUNCTION``)."""

    orchestrator: str
    activities: Mapping[str, str] = field(default_factory=dict)  # name → function
    orchestrators: Mapping[str, str] = field(default_factory=dict)  # name → qualified function
    entities: Mapping[str, str] = field(default_factory=dict)  # lower name → module:qualname

    @classmethod
    def from_json(cls, text: str) -> Config:
        data = json.loads(text)
        return cls(
            data["orchestrator"],
            dict(data.get("activities", {})),
            dict(data.get("orchestrators", {})),
            dict(data.get("entities", {})),
        )


class OrchestrationFailed(DurableOperationError):
    """Raised to fail the execution; ``data`` keeps the original error for a parent."""


def envelope(instance: str | None, parent: str | None, input_json: str, gen: int = 0) -> Any:
    """The payload that starts an orchestration (by the client, a parent, or itself)."""
    meta = {"instance": instance, "parent": parent, "generation": gen, "input": input_json}
    return {ENVELOPE: meta}


def execution_name(arn: str) -> str:
    """``...:function:f:1/durable-execution/<name>/<id>`` → ``<name>``."""
    parts = arn.split("/durable-execution/", 1)
    return parts[1].split("/", 1)[0] if len(parts) == 2 else arn


def continued(next_execution: str) -> dict[str, Any]:
    """The output of a generation that continued as new."""
    return {ENVELOPE: {"continued": next_execution}}


def _op(raw: Any) -> H.Op:
    """An SDK ``Operation`` as the record :mod:`.history` reads."""
    details = raw.chained_invoke_details or raw.step_details or raw.callback_details
    status = raw.status.value
    error = getattr(details, "error", None)
    return H.Op(
        name=raw.name or "",
        status=status,
        end=raw.end_timestamp,
        result=getattr(details, "result", None),
        error=H.error_of(error) if status in H.FAILED else None,
    )


def snapshot(ctx: DurableContext) -> tuple[float, list[H.Op]]:
    """The execution's start time and its root operations in creation order."""
    found = ctx.state.operations
    execution = ctx.state.get_execution_operation()
    started = execution.start_timestamp if execution and execution.start_timestamp else None
    ops: list[H.Op] = []
    while (raw := found.get(_ROOT.create_id_for_step(len(ops) + 1))) is not None:
        ops.append(_op(raw))
    return (started or datetime.now(UTC)).timestamp(), ops


class Run(Orchestration):
    """One replay of the orchestrator whose every scheduled task goes to the SDK."""

    def __init__(self, driver: Driver, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.driver = driver

    def schedule(self, task: AtomicTask) -> None:
        if task._scheduled:
            return
        payload = dict(task.payload)  # a replayed task's payload is replaced by history's
        super().schedule(task)
        if self.nondeterminism is None:
            self.driver.start(self, task, {**payload, **task.payload})


@dataclass
class Driver:
    """Hands each scheduled task to the SDK, in order, on one round's context."""

    ctx: DurableContext
    config: Config
    backend: Backend
    instance: str
    recorded: int
    created: int = 0

    def start(self, run: Run, task: AtomicTask, payload: dict[str, Any]) -> None:
        self.created += 1
        if self.created > self.recorded:
            run.replaying = False
        try:
            self._call(run, task, payload)
        except SuspendExecution:
            pass  # pending: the history of a later snapshot holds its end
        except NonDeterministicExecutionError as exc:
            message = f"the operation at position {self.created} changed: {exc}"
            run._nondeterministic(message)
            raise NonDeterminismError(run.nondeterminism) from None
        except DurableOperationError:
            pass  # failed: read from the snapshot's history, as every completion is

    def _call(self, run: Run, task: AtomicTask, payload: dict[str, Any]) -> None:
        ctx, name = self.ctx, H.op_name(task.kind, task.name, payload.get("op", ""))
        config: Any = InvokeConfig(serdes_result=_PASS)
        match task.kind:
            case "activity":
                function = self.config.activities.get(task.name, task.name)
                ctx.invoke(function, json.loads(payload.get("input") or "null"), name, config)
            case "suborchestration":
                function = self.config.orchestrators.get(task.name, task.name)
                child = envelope(payload.get("instance"), run.instance_id, _input(payload))
                ctx.invoke(function, child, name, config)
            case "timer":
                assert isinstance(task, TimerTask)
                fire_at = datetime.fromisoformat(payload["fire_at"])
                seconds = math.ceil((fire_at - run.ctx.current_utc_datetime).total_seconds())
                ctx.wait(Duration.from_seconds(max(1, seconds)), name)
            case "event":
                callback = ctx.create_callback(name)
                ctx.step(self._register(task.name, callback.callback_id), f"{name}:register", _STEP)
            case "entity" | "signal":
                ctx.step(self._entity(task, payload), name, _NO_RETRY)
            case other:  # pragma: no cover - the engine schedules only these
                raise ValueError(f"unknown task kind {other!r}")

    def _register(self, event: str, callback_id: str) -> Callable[[Any], Any]:
        def register(_: Any) -> Any:
            taken = self.backend.register(self.instance, event, callback_id)
            return {"waiting": True} if taken is None else {"payload": taken}

        return register

    def _entity(self, task: AtomicTask, payload: dict[str, Any]) -> Callable[[Any], Any]:
        entity, _, key = task.name[1:].partition("@")
        op, data = payload.get("op", ""), payload.get("input") or "null"

        def operate(_: Any) -> Any:
            result = self.backend.entity(entity, key, op, data)
            return None if task.kind == "signal" else result

        return operate


def _input(payload: dict[str, Any]) -> str:
    text = payload.get("input")
    return text if isinstance(text, str) else "null"


@dataclass(frozen=True)
class Start:
    """Who this execution is: from the envelope, or (invoked directly) its own name."""

    instance: str
    parent: str | None
    generation: int
    input_json: str

    @classmethod
    def read(cls, event: Any, ctx: DurableContext) -> Start:
        meta = event.get(ENVELOPE) if isinstance(event, dict) else None
        if isinstance(meta, dict) and "input" in meta:
            instance = meta.get("instance") or execution_name(ctx.state.durable_execution_arn)
            return cls(instance, meta.get("parent"), int(meta.get("generation", 0)), meta["input"])
        return cls(execution_name(ctx.state.durable_execution_arn), None, 0, json.dumps(event))


def run(
    config: Config,
    fn: Callable[..., Any],
    backend: Backend,
    event: Any,
    ctx: DurableContext,
) -> Any:
    """The body of the durable handler (``durable_execution`` wraps it)."""
    start = Start.read(event, ctx)
    ended: set[int] | None = None
    status: str | None = None
    try:
        for _ in range(MAX_ROUNDS):
            started, ops = snapshot(ctx)
            if ended is None and not ops and start.parent is not None and not start.generation:
                # a sub-orchestration's first invocation
                backend.child(start.instance, config.orchestrator, ctx.state.durable_execution_arn)
            now_ended = {i for i, op in enumerate(ops) if op.status in H.TERMINAL}
            if ended is not None and now_ended <= ended:
                break  # nothing ended since the last round: wait for the service
            ended = now_ended
            driver = Driver(ctx, config, backend, start.instance, len(ops))
            orch = Run(
                driver,
                instance_id=start.instance,
                name=config.orchestrator,
                fn=fn,
                parent=start.parent,
                generation=start.generation,
                now=started,
            )
            orch.replay(H.history(started, start.input_json, ops))
            status = orch.custom_status_json
            if orch.done or orch.status == "ContinuedAsNew":
                return _finish(orch, driver, start)
            orch.close_generator()  # the next round (or invocation) replays it from the start
            # a fresh context replays the operations from the first one in the next round
            ctx = DurableContext(
                ctx.state, ctx.execution_context, ctx.lambda_context, replay_status=REPLAY
            )
        raise SuspendExecution("waiting for an operation to end")
    finally:
        if status is not None:
            backend.custom_status(start.instance, status)


def _finish(orch: Run, driver: Driver, start: Start) -> Any:
    if orch.status == "ContinuedAsNew":
        nxt = f"{start.instance}__{start.generation + 1}"
        payload = envelope(
            start.instance, start.parent, codec.dumps(orch.continued_input), start.generation + 1
        )
        function = driver.config.orchestrators.get(orch.name, orch.name)

        def begin(_: Any) -> None:
            driver.backend.start(function, nxt, payload)

        driver.ctx.step(begin, H.CONTINUE, _STEP)
        return continued(nxt)
    if orch.status == "Completed":
        return json.loads(orch.output_json or "null")
    error = orch.error or {"type": "Exception", "message": ""}
    raise OrchestrationFailed(
        message=codec.loads(orch.output_json), data=json.dumps(error, sort_keys=True)
    )
