"""``faas-iac invoke``: call one function once, in this process, against the state folder.

The payload is built for the function's trigger from ``--data`` (JSON or text); outputs the
handler writes (queue sends, bucket puts, table writes...) land in the same SQLite store and
folders as the dev host's, so a running host picks them up.
"""

from __future__ import annotations

import importlib
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import FaasError
from ..loader import _user_frame
from ..model import Function
from ..runtime.types import (
    CloudEvent,
    HttpRequest,
    Message,
    TimerInfo,
    decode_path,
    parse_query,
    to_response,
)
from .bindings import LocalBindings
from .handlers import resolve
from .host import load_model
from .invoker import Invoker, new_invocation_id
from .keys import Secrets
from .logs import redact
from .routes import Router
from .store import Store


def _raw(data: str | None) -> bytes:
    return (data or "").encode()


def _value(data: str | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return data


def http_request(fn: Function, data: str | None, path: str | None) -> HttpRequest:
    """The request ``faas-iac invoke`` sends: POST with ``--data`` if the route takes it, to
    ``--path`` (which must match the route; needed when the route has parameters)."""
    t = fn.trigger
    route = str(getattr(t, "route", "/"))
    methods = getattr(t, "methods", ("GET",))
    method = "POST" if data is not None and "POST" in methods else methods[0]
    headers = {"content-type": "application/json"} if data is not None else {}
    raw_path, _, raw_query = (path or route).partition("?")
    target = decode_path(raw_path)
    found = Router([(route, [method], fn.name)]).match(target, method)
    if found.target is None or "{" in target:
        raise FaasError.one(
            "FIAC815",
            f"{fn.name!r} serves {route}; the path {target!r} does not match it",
            fix="pass --path with the parameters filled in, e.g. "
            + route.replace("{", "").replace("}", ""),
        )
    query, lists = parse_query(raw_query)
    return HttpRequest(method, target, headers, query, found.params, _raw(data), lists)


def _message(fn: Function, data: str | None) -> Message:
    return Message(
        uuid.uuid4().hex,
        _raw(data),
        {},
        1,
        str(getattr(fn.trigger, fn.trigger.type)),
        enqueued_at=datetime.now(UTC),
    )


def _event(fn: Function, data: str | None) -> CloudEvent:
    value = _value(data)
    if isinstance(value, dict) and "type" in value:
        return CloudEvent(
            str(value.get("id", uuid.uuid4().hex)),
            str(value.get("source", "cli")),
            str(value["type"]),
            value.get("data"),
            value.get("subject"),
        )
    return CloudEvent(uuid.uuid4().hex, "cli", "invoke", value)


def _timer(fn: Function, data: str | None) -> TimerInfo:
    return TimerInfo(datetime.now(UTC))


PAYLOADS: dict[str, Callable[[Function, str | None], Any]] = {
    "queue": _message,
    "topic": _message,
    "stream": _message,
    "storage": _event,
    "table": _event,
    "event": _event,
    "schedule": _timer,
    "activity": lambda fn, data: _value(data),
}


def _show(result: Any, fn: Function) -> str:
    if fn.trigger.type == "http":
        response = to_response(result)
        text = response.body_bytes.decode(errors="replace")
        return f"{response.status} {response.content_type}\n{text}"
    return json.dumps(result, default=str)


def _durable_client(state: Path) -> Any:
    """A client of the running host's durable engine (over its management API), for a
    function with ``durable_client=True``: orchestrations run in the host, not here."""
    try:
        info = json.loads((state / "host.json").read_text(encoding="utf-8"))
        key = json.loads((state / "keys.json").read_text(encoding="utf-8"))["master"]
        client = importlib.import_module("faas_iac.durable.client").HttpDurableClient
    except (OSError, ValueError, KeyError, ImportError, AttributeError):
        raise FaasError.one(
            "FIAC811",
            f"this function starts orchestrations, which run in a host; none is running with "
            f"state folder {state}",
            fix="start one with `faas-iac dev APP` (same --state-dir), then invoke again",
        ) from None
    return client(str(info["url"]), str(key))


def invoke_once(
    target: str, function: str, data: str | None, state: Path, path: str | None = None
) -> str:
    model, root = load_model(target)
    try:
        fn = model.function(function)
    except KeyError:
        names = ", ".join(f.name for f in model.functions)
        raise FaasError.one(
            "FIAC814",
            f"app {model.name!r} has no function {function!r}",
            fix=f"name one of: {names}",
        ) from None
    build = PAYLOADS.get(fn.trigger.type)
    if fn.trigger.type == "http":
        request = http_request(fn, data, path)
        build = lambda fn, data: request  # noqa: E731
    if build is None:
        raise FaasError.one(
            "FIAC814",
            f"{function!r} is a durable {fn.kind}; it runs only inside an orchestration",
            fix="start its orchestration from a function with durable_client=True under "
            "`faas-iac dev`",
        )
    store = Store(state / "local.sqlite")
    try:
        declared = {r.name for r in model.resources if r.kind == "secret"}
        secrets = Secrets(state, declared, on_read=redact)  # a value read is never logged
        bindings = LocalBindings(model, store, state, secrets)
        durable = _durable_client(state) if fn.durable_client else None
        invoker = Invoker(fn, resolve(fn), bindings, durable)
        started = time.perf_counter()
        try:
            result = invoker.call_sync(build(fn, data), new_invocation_id())
            shown = _show(result, fn)
        except FaasError:
            raise
        except Exception as exc:
            raise FaasError.one(
                "FIAC809",
                f"{fn.name} raised {type(exc).__name__}: {exc}",
                fix="fix the handler at that line (or catch the error and return a response)",
                location=_user_frame(exc, root),
            ) from None
        return f"{shown}\n({(time.perf_counter() - started) * 1000:.1f} ms)"
    finally:
        store.close()
