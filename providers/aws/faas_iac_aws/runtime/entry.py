"""The one Lambda entry point of every faas-iac function: ``faas_iac_aws.runtime.entry.handler``.

It reads which user function to run from the environment the planner wrote
(``FAAS_IAC_HANDLER`` = ``module:qualname``, ``FAAS_IAC_TRIGGER``, ``FAAS_IAC_BINDINGS``),
imports it once per container, converts the event with :mod:`.http` or :mod:`.events`, and
converts the result back. Batches report partial failures (``batchItemFailures``) so only
failed records retry. Standard library only; boto3 is imported by :mod:`.bindings` when a
binding is first used. A cold start imports only what its first invocation needs, and never
``typing`` (several milliseconds): an HTTP function loads neither :mod:`.events` nor the
message types (``benchmarks/cold_start.py`` measures it).
"""

from __future__ import annotations

import json
import os
import sys
import time

from faas_iac.runtime.context import Context, Lazy
from faas_iac.runtime.handlers import Handler, resolve

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from faas_iac.runtime.bindings import Bindings


def _log_exception(message: str, *args: Any) -> None:
    """Log with the traceback; ``logging`` is imported only when something fails."""
    import logging

    logging.getLogger("faas_iac.aws").exception(message, *args)


class Target:
    """The user's function and what the planner said about it (a plain class: no dataclass
    machinery on the cold-start path)."""

    __slots__ = ("allowed", "env", "handler", "name", "trigger")

    def __init__(
        self,
        name: str,
        trigger: str,
        handler: Handler,
        allowed: Mapping[str, str],
        env: Mapping[str, str],
    ) -> None:
        self.name, self.trigger, self.handler = name, trigger, handler
        self.allowed, self.env = allowed, env


_cache: dict[str, Target] = {}


def _load(env: Mapping[str, str]) -> Target:
    spec = env["FAAS_IAC_HANDLER"]
    found = _cache.get(spec)
    if found is not None:
        return found
    target = Target(
        name=env.get("FAAS_IAC_FUNCTION", spec.partition(":")[2]),
        trigger=env.get("FAAS_IAC_TRIGGER", "http"),
        handler=Handler(resolve(spec)),
        allowed=json.loads(env.get("FAAS_IAC_BINDINGS", "{}")),
        env=env,
    )
    _cache[spec] = target
    return target


def _bindings(env: Mapping[str, str]) -> Bindings:
    from .bindings import AwsBindings  # boto3 with it: on a function's first binding use

    return AwsBindings.from_env(env)


def _durable(env: Mapping[str, str]) -> Any:
    from .durable import AwsDurableClient

    return AwsDurableClient.from_env(env)


def _context(target: Target, lambda_context: Any, env: Mapping[str, str]) -> Context:
    remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
    return Context(
        invocation_id=getattr(lambda_context, "aws_request_id", "") or "local",
        function_name=target.name,
        bindings=Lazy(lambda: _bindings(env)),
        allowed=target.allowed,
        deadline=time.time() + remaining() / 1000 if remaining else 0.0,
        durable=Lazy(lambda: _durable(env)) if "FAAS_IAC_DURABLE" in env else None,
    )


def _call(target: Target, value: Any, ctx: Context) -> Any:
    """By the one signature rule of :mod:`faas_iac.runtime.handlers` (async awaited)."""
    return target.handler(value, lambda: ctx)


def _http(target: Target, event: Mapping[str, Any], ctx: Context) -> Any:
    from faas_iac.runtime.http import to_response

    from .http import http_request, http_response

    request = http_request(event)
    try:
        response = to_response(_call(target, request, ctx))
    except Exception:
        _log_exception("%s failed on %s %s", target.name, request.method, request.path)
        return {
            "statusCode": 500,
            "headers": {"content-type": "application/json"},
            "body": '{"error":"internal error"}',
            "isBase64Encoded": False,
        }
    return http_response(response)


def _batch(
    target: Target,
    records: list[Mapping[str, Any]],
    ctx: Context,
    convert: Callable[[Mapping[str, Any]], Any],
    ident: Callable[[Mapping[str, Any]], str],
    ordered: bool,
) -> dict[str, Any]:
    """Run each record; report failed ones. For ordered sources (streams, FIFO queues) the
    first failure and everything after it is reported, so order is kept on retry."""
    failures: list[dict[str, str]] = []
    for i, record in enumerate(records):
        try:
            _call(target, convert(record), ctx)
        except Exception:
            _log_exception("%s failed on record %s", target.name, ident(record))
            if ordered:
                failures += [{"itemIdentifier": ident(r)} for r in records[i:]]
                break
            failures.append({"itemIdentifier": ident(record)})
    return {"batchItemFailures": failures}


def _queue(target: Target, event: Mapping[str, Any], ctx: Context) -> Any:
    from . import events

    records = event.get("Records", [])
    fifo = any(str(r.get("eventSourceARN", "")).endswith(".fifo") for r in records)
    return _batch(target, records, ctx, events.sqs_message, lambda r: r["messageId"], fifo)


def _stream(target: Target, event: Mapping[str, Any], ctx: Context) -> Any:
    from . import events

    return _batch(
        target,
        event.get("Records", []),
        ctx,
        events.kinesis_message,
        lambda r: r["kinesis"]["sequenceNumber"],
        True,
    )


def _table(target: Target, event: Mapping[str, Any], ctx: Context) -> Any:
    from . import events

    return _batch(
        target,
        event.get("Records", []),
        ctx,
        events.dynamodb_event,
        lambda r: r["dynamodb"]["SequenceNumber"],
        True,
    )


def _each(converter: str) -> Callable[..., Any]:
    """Asynchronous sources (SNS, S3): Lambda retries the whole event on an error.
    ``converter`` names the function of :mod:`.events` (loaded on the first event)."""

    def run(target: Target, event: Mapping[str, Any], ctx: Context) -> None:
        from . import events

        convert = getattr(events, converter)
        for record in event.get("Records", []):
            _call(target, convert(record), ctx)

    return run


def _schedule(target: Target, event: Mapping[str, Any], ctx: Context) -> None:
    from . import events

    _call(target, events.timer(event), ctx)


def _event(target: Target, event: Mapping[str, Any], ctx: Context) -> None:
    from . import events

    _call(target, events.bus_event(event), ctx)


def _activity(target: Target, event: Any, ctx: Context) -> Any:
    return _call(target, event, ctx)


def _entity(target: Target, event: Any, ctx: Context) -> Any:
    from .entities import run_entity

    return run_entity(target.handler.fn, event, target.env)


#: trigger → how it runs (each loads the event converters it needs when first called)
DISPATCH: dict[str, Callable[[Target, Any, Context], Any]] = {
    "http": _http,
    "queue": _queue,
    "topic": _each("sns_message"),
    "storage": _each("s3_event"),
    "table": _table,
    "stream": _stream,
    "schedule": _schedule,
    "event": _event,
    "activity": _activity,
    "entity": _entity,
}


def handler(event: Any, lambda_context: Any = None) -> Any:
    """The Lambda handler named in every function's configuration."""
    return dispatch(event, lambda_context, os.environ)


def dispatch(event: Any, lambda_context: Any, env: Mapping[str, str]) -> Any:
    """Run the function ``env`` describes (a Lambda's environment) on ``event``. The Lambda
    runtime's log handler masks every secret value read (:mod:`faas_iac.runtime.redact`)."""
    target = _load(env)
    if "logging" in sys.modules:  # the Lambda runtime loaded it; else no handler to wrap
        from faas_iac.runtime import redact

        redact.install()
    return DISPATCH[target.trigger](target, event, _context(target, lambda_context, env))
