"""What the generated ``main.py`` calls under functions-framework: resolve the user's handler,
build the portable ``Context``, convert the delivery (:mod:`.events`), call the handler (the
one signature rule of ``faas_iac.runtime.handlers``), convert the result back.

How each trigger arrives, and what its answer means:

* ``http``: a Flask request; the answer is the handler's response (404 off the route, 405 for
  another method, 500 with the invocation id when the handler fails, never a trace);
* ``schedule``: Cloud Scheduler's HTTP call (OIDC); 2xx marks the run done;
* ``push``: a Pub/Sub push body (queues, topics, streams); 204 acks; a failing handler gives
  500, which Pub/Sub takes as a nack and redelivers (with the subscription's backoff) until
  ``max_delivery_attempts``, then dead-letters;
* ``bus``, ``storage``, ``firestore``: Eventarc CloudEvents (binary or structured); a failing
  handler raises, functions-framework answers 500 and Eventarc retries;
* ``activity``: a translated workflow's ``http.post`` (see :mod:`.activity`);
* ``entity``: one operation on a durable entity, from the durable client (:mod:`.entities`).

Dispatch is by a typed table from trigger kind to method, never by building names.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faas_iac.runtime import redact
from faas_iac.runtime.context import Lazy
from faas_iac.runtime.cors import ENV as CORS_ENV
from faas_iac.runtime.cors import Cors
from faas_iac.runtime.handlers import Handler, resolve
from faas_iac.runtime.patterns import matches
from faas_iac.runtime.types import BadRequestBody, Bindings, Context, HttpRequest, to_response

from . import activity, documents, entities, events
from .documents import Step
from .firestore import document_event

if TYPE_CHECKING:
    import flask
    from cloudevents.http import CloudEvent as NativeEvent

LOG = logging.getLogger("faas_iac.gcp")


@dataclass(frozen=True)
class FunctionInfo:
    """What the generated app knows of one function (written as literals by the emitter)."""

    handler: str
    trigger: str
    source: str = ""
    route: str = "/"
    methods: tuple[str, ...] = ("GET",)
    timeout: int = 60
    allowed: Mapping[str, str] = field(default_factory=dict)
    #: table change: the table's key field; bus: the event pattern; storage: the filter
    key: str = "id"
    pattern: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[str, ...] = ()
    prefix: str = ""
    suffix: str = ""
    #: the function has ``ctx.durable`` (``durable_client=True``)
    durable: bool = False


def _bindings(env: Mapping[str, str]) -> Bindings:
    from .bindings import GcpBindings  # the Google client libraries with it: on first use

    return GcpBindings.from_env(env)


def _durable(env: Mapping[str, str]) -> Any:
    from .durable import GcpDurableClient

    return GcpDurableClient.from_env(env)


class Runtime:
    def __init__(
        self,
        functions: Mapping[str, FunctionInfo],
        bindings: Bindings | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.functions = dict(functions)
        self.env = os.environ if env is None else env
        self.bindings: Bindings = bindings or Lazy(lambda: _bindings(self.env))
        self._handlers: dict[str, Handler] = {}
        self._db: Any = None
        self.cors = Cors.of([self.env.get(CORS_ENV, "")])  # App(cors=...): answered here
        # Secrets arrive as environment variables the platform filled: masked in every log
        # line from the start, as the local host does with secrets.env.
        where = json.loads(self.env.get("FAAS_IAC_RESOURCES", "{}"))
        redact.add(
            self.env[var]
            for ref, var in where.items()
            if ref.startswith("secret:") and isinstance(var, str) and var in self.env
        )
        redact.ensure_handler()

    def handler(self, name: str) -> Handler:
        """The user's handler; every invocation passes here, so the log handlers are made to
        mask every secret value (:mod:`faas_iac.runtime.redact`)."""
        redact.install()
        found = self._handlers.get(name)
        if found is None:
            found = self._handlers[name] = Handler(resolve(self.functions[name].handler))
        return found

    def context(self, name: str, invocation_id: str | None = None) -> Context:
        info = self.functions[name]
        return Context(
            invocation_id=invocation_id or uuid.uuid4().hex,
            function_name=name,
            bindings=self.bindings,
            allowed=dict(info.allowed),
            deadline=time.time() + info.timeout,
            logger=logging.getLogger(f"faas_iac.function.{name}"),
            durable=Lazy(lambda: _durable(self.env)) if info.durable else None,
        )

    def _call(self, name: str, payload: Any, invocation_id: str | None) -> Any:
        ctx = self.context(name, invocation_id)
        return self.handler(name)(payload, lambda: ctx)

    # -- HTTP-delivered triggers ----------------------------------------------------------------
    def serve(self, name: str, request: flask.Request) -> flask.Response:
        """Every function whose target is an HTTP function in ``main.py``."""
        from flask import Response

        info = self.functions[name]
        status, headers, body = HTTP_KINDS[info.trigger](self, name, request)
        return Response(body, status=status, headers=headers)

    def _http(self, name: str, request: flask.Request) -> tuple[int, dict[str, str], bytes]:
        info = self.functions[name]
        raw_path, raw_query = _raw_target(request)
        req = events.http_request(
            request.method,
            raw_path,
            raw_query,
            list(request.headers.items()),
            request.get_data(),
            info.route,
        )
        if req is None:
            return _error(404, "no route matches this path")
        origins = self.cors
        if origins is not None and req.method == "OPTIONS" and "OPTIONS" not in info.methods:
            answer = origins.preflight(req.headers, info.methods)
            if answer is not None:
                return 204, {k.decode(): v.decode("latin-1") for k, v in answer}, b""
        status, headers, body = self._http_call(name, req, request)
        if origins is not None:
            allowed = origins.headers(req.headers.get("origin"))
            headers.update((k.decode(), v.decode("latin-1")) for k, v in allowed)
        return status, headers, body

    def _http_call(
        self, name: str, req: HttpRequest, request: flask.Request
    ) -> tuple[int, dict[str, str], bytes]:
        info = self.functions[name]
        if req.method not in info.methods and not (req.method == "HEAD" and "GET" in info.methods):
            return _error(405, "method not allowed", {"allow": ", ".join(info.methods)})
        invocation = _invocation(request)
        try:
            resp = to_response(self._call(name, req, invocation))
        except BadRequestBody as exc:
            return _error(400, f"request body is not JSON: {exc}")
        except Exception:
            LOG.exception("%s failed (invocation %s)", name, invocation)
            return _error(500, f"function failed; invocation id {invocation}")
        return resp.status, {"content-type": resp.content_type, **resp.headers}, resp.body_bytes

    def _schedule(self, name: str, request: flask.Request) -> tuple[int, dict[str, str], bytes]:
        headers = {k.lower(): v for k, v in request.headers.items()}
        self._call(name, events.timer(headers), _invocation(request))
        return 204, {}, b""

    def _push(self, name: str, request: flask.Request) -> tuple[int, dict[str, str], bytes]:
        envelope = request.get_json(silent=True)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("message"), dict):
            # not a push body: acknowledge it, or Pub/Sub would redeliver it forever
            LOG.error("%s: a request that is not a Pub/Sub push body was dropped", name)
            return 204, {}, b""
        message = events.pubsub_message(envelope, self.functions[name].source)
        invocation = message.id or _invocation(request)
        try:
            self._call(name, message, invocation)
        except Exception:
            LOG.exception("%s failed on message %s; Pub/Sub will redeliver it", name, message.id)
            return _error(500, f"function failed; message {message.id} will be redelivered")
        return 204, {}, b""

    def _entity(self, name: str, request: flask.Request) -> tuple[int, dict[str, str], bytes]:
        return entities.invoke(
            self.transact, self.handler(name).fn, self.functions[name].source, request.get_data()
        )

    def transact(self, step: Step[Any]) -> Any:
        """Run ``step`` on the entity states in one Firestore transaction."""
        if self._db is None:
            self._db = documents.client(self.env.get("FAAS_IAC_DATABASE", "(default)"))
        return documents.transaction(self._db, self.env["FAAS_IAC_ENTITIES"], step)

    def _activity(self, name: str, request: flask.Request) -> tuple[int, dict[str, str], bytes]:
        invocation = _invocation(request)
        return activity.invoke(
            lambda value: self._call(name, value, invocation), request.get_data()
        )

    # -- CloudEvents (Eventarc) -----------------------------------------------------------------
    def event(self, name: str, event: NativeEvent) -> None:
        """Every function whose target is a CloudEvent function in ``main.py``. Raising makes
        functions-framework answer 500, and Eventarc retries the delivery."""
        info = self.functions[name]
        attrs = dict(event.get_attributes())
        data = event.get_data()
        if info.trigger == "storage":
            found = events.storage_event(attrs, data if isinstance(data, dict) else {})
            if found is None or not _wanted(info, found.type, found.subject or ""):
                return
            self._call(name, found, found.id)
        elif info.trigger == "firestore":
            doc = document_event(data, attrs.get("datacontenttype"))
            self._call(name, events.firestore_event(attrs, doc, info.source, info.key), attrs["id"])
        elif info.trigger == "bus":
            message = events.pubsub_message(data if isinstance(data, dict) else {}, info.source)
            bus_event, envelope = events.bus_event(message)
            if matches(info.pattern, envelope):
                self._call(name, bus_event, bus_event.id)
        else:
            raise ValueError(f"function {name!r} does not take CloudEvents ({info.trigger})")


HttpKind = Callable[[Runtime, str, "flask.Request"], tuple[int, dict[str, str], bytes]]
#: trigger kind → how an HTTP-delivered function is served.
HTTP_KINDS: dict[str, HttpKind] = {
    "http": Runtime._http,
    "schedule": Runtime._schedule,
    "push": Runtime._push,
    "activity": Runtime._activity,
    "entity": Runtime._entity,
}


def _wanted(info: FunctionInfo, kind: str, key: str) -> bool:
    """Eventarc filters storage events by bucket and type only: prefix and suffix here."""
    return (
        kind.split(".")[-1] in info.events
        and key.startswith(info.prefix)
        and key.endswith(info.suffix)
    )


def _raw_target(request: flask.Request) -> tuple[str, str]:
    """The path and query as sent (still percent-encoded), so each route parameter is decoded
    exactly once; gunicorn and werkzeug keep them in ``RAW_URI`` / ``REQUEST_URI``."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not raw:
        from urllib.parse import quote

        return quote(request.path), request.query_string.decode("latin-1")
    path, _, query = str(raw).partition("?")
    if "://" in path:  # an absolute-form request target
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return path or "/", query


def _invocation(request: flask.Request) -> str:
    return request.headers.get("Function-Execution-Id") or uuid.uuid4().hex


def _error(
    status: int, message: str, headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"error": message}).encode()
    return status, {"content-type": "application/json", **(headers or {})}, body
