"""The dashboard's JSON API (under ``/_faas/api/``), read by its page:

==============================  ===============================================================
GET  overview                   app, functions (trigger, counts, errors, p50/p95), channels
GET  functions/{name}           its stats and last invocations, each with its log lines
GET  logs                       recent lines (``after``, ``function``, ``level``, ``invocation``)
GET  logs/stream                the same, live (server-sent events)
GET  dead/{name}                a queue's or function's dead letters
POST dead/{name}/{action}       ``redrive`` or ``purge`` (``{"ids": [...]}`` or every one)
GET  instances                  a page of orchestrations (``name``, ``status``, ``prefix``,
                                ``from``, ``to``, ``limit``, ``cursor``), newest first
GET  instances/{id}             status, input, output, timeline, diagram
POST instances/{id}/{action}    raise (``{"event", "data"}``), terminate, suspend, resume
                                (``{"reason"}``), purge, restart (a new instance, same input)
GET  entities                   entities (``name``) with their state
==============================  ===============================================================
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ...errors import FaasError
from .. import deadletters
from ..asgi import Receive, Send, read_body
from ..monitor import passes
from .orchestrations import Filters, Reader, diagram, timeline
from .web import SECURITY, Reply, send_reply

if TYPE_CHECKING:
    from ...durable.messages import ControlAction
    from ..host import Host, Runtime

_STATUS_OF_CODE = {"FIAC818": 404, "FIAC871": 409, "FIAC872": 404, "FIAC873": 410}
MAX_BODY = 1024 * 1024


def _trigger(fn: Any) -> str:
    t = fn.trigger
    match t.type:
        case "http":
            return f"{','.join(t.methods)} /api{t.route}"
        case "schedule":
            return f"{t.cron or 'every ' + str(t.every)} ({t.tz})"
        case "queue" | "topic" | "stream" | "table":
            return f"{t.type} {getattr(t, t.type)}"
        case "storage":
            return f"bucket {t.bucket}"
        case "event":
            return f"bus {t.bus}"
    return str(t.type)


class Api:
    def __init__(self, host: Host) -> None:
        self.host = host
        self._readers: dict[str, Reader] = {}
        self._diagrams: dict[tuple[int, str], Any] = {}

    @property
    def rt(self) -> Runtime:
        assert self.host.runtime is not None
        return self.host.runtime

    async def handle(
        self, method: str, parts: list[str], query: dict[str, str], receive: Receive, send: Send
    ) -> None:
        if parts == ["logs", "stream"] and method == "GET":
            await self._stream(query, receive, send)
            return
        body: Any = None
        if method == "POST":
            try:
                raw = await read_body(receive, MAX_BODY)
                body = json.loads(raw) if raw.strip() else None
            except Exception:
                await send_reply(send, Reply(400, {"error": "give a JSON body (up to 1 MiB)"}))
                return
        try:
            reply = await self._route(method, parts, query, body)
        except FaasError as exc:
            d = exc.diagnostics[0]
            status = _STATUS_OF_CODE.get(d.code, 400)
            reply = Reply(status, {"error": d.message, "code": d.code, "fix": d.fix})
        except (ValueError, KeyError) as exc:
            reply = Reply(400, {"error": f"bad request: {exc}"})
        await send_reply(send, reply)

    async def _route(
        self, method: str, parts: list[str], query: dict[str, str], body: Any
    ) -> Reply:
        match method, parts:
            case "GET", ["overview"]:
                return Reply(200, self.overview())
            case "GET", ["functions", name]:
                return Reply(200, self.function(name))
            case "GET", ["logs"]:
                return Reply(200, {"lines": self._lines(query)})
            case "GET", ["dead", name]:
                source = deadletters.find(self.rt.model, name)
                messages = self.host.store.peek(source.dead, int(query.get("limit", "100")))
                return Reply(200, {"name": source.name, "messages": messages})
            case "POST", ["dead", name, action]:
                return Reply(200, self.dead_action(name, action, body))
            case "GET", ["instances"]:
                page = self._reader().page(
                    Filters.of(query), int(query.get("limit", "50")), query.get("cursor", "")
                )
                return Reply(200, {**page, "names": self._orchestrators()})
            case "GET", ["instances", iid]:
                return self.instance(iid)
            case "POST", ["instances", iid, action]:
                return await self.act(iid, action, body if isinstance(body, dict) else {})
            case "GET", ["entities"]:
                return Reply(200, {"entities": self._reader().entities(query.get("name", ""))})
        return Reply(404, {"error": f"no dashboard API {method} {'/'.join(parts)}"})

    # -- functions, channels, logs --------------------------------------------------------------
    def overview(self) -> dict[str, Any]:
        rt, monitor = self.rt, self.host.monitor
        functions = []
        for fn in rt.model.functions:
            stats = monitor.summary(fn.name)
            del stats["last"]
            functions.append(
                {"name": fn.name, "kind": fn.trigger.type, "trigger": _trigger(fn), **stats}
            )
        return {
            "app": rt.model.name,
            "functions": functions,
            "channels": self.channels(),
            "durable": rt.durable is not None,
            "window_s": monitor.window,
        }

    def channels(self) -> list[dict[str, Any]]:
        """Each queue, topic subscription and event source: waiting, in flight, dead."""
        model, counts = self.rt.model, self.host.store.channel_counts()
        rows: list[dict[str, Any]] = []
        sources = {s.source: s for s in deadletters.sources(model)}
        for res in model.resources:
            if res.kind == "queue":
                channel = f"queue:{res.name}"
                rows.append(self._channel(res.name, "queue", channel, counts, sources))
        for channel, s in sources.items():
            if not channel.startswith("queue:"):
                fn = model.function(s.functions[0])
                kind = fn.trigger.type
                rows.append(self._channel(s.name, kind, channel, counts, sources, _trigger(fn)))
        return rows

    @staticmethod
    def _channel(
        name: str,
        kind: str,
        channel: str,
        counts: dict[str, tuple[int, int]],
        sources: dict[str, deadletters.DeadLetters],
        via: str = "",
    ) -> dict[str, Any]:
        waiting, inflight = counts.get(channel, (0, 0))
        source = sources.get(channel)
        return {
            "name": name,
            "kind": kind,
            "via": via,
            "waiting": waiting,
            "inflight": inflight,
            "dead": sum(counts.get(source.dead, (0, 0))) if source else 0,
            "dead_source": source.name if source else None,
            "functions": list(source.functions) if source else [],
        }

    def function(self, name: str) -> dict[str, Any]:
        fn = self.rt.model.function(name)
        stats = self.host.monitor.summary(name)
        for inv in stats["last"]:
            inv["lines"] = self.host.monitor.lines(invocation=inv["invocation_id"], limit=50)
        return {"name": fn.name, "kind": fn.trigger.type, "trigger": _trigger(fn), **stats}

    def _lines(self, query: dict[str, str]) -> list[dict[str, Any]]:
        return self.host.monitor.lines(
            int(query.get("after", "0")),
            query.get("function", ""),
            query.get("level", ""),
            query.get("invocation", ""),
            int(query.get("limit", "500")),
        )

    async def _stream(self, query: dict[str, str], receive: Receive, send: Send) -> None:
        """Server-sent events: the kept lines after ``after``, then each new one, until the
        client goes or the host stops."""
        head = [(b"content-type", b"text/event-stream"), *SECURITY]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        function, level = query.get("function", ""), query.get("level", "")
        invocation = query.get("invocation", "")

        async def pump() -> None:
            follow = self.host.monitor.follow()
            backlog = self._lines(query)
            last = backlog[-1]["seq"] if backlog else int(query.get("after", "0"))
            await send({"type": "http.response.body", "body": _events(backlog), "more_body": True})
            async for line in follow:
                if line["seq"] > last and passes(line, function, level, invocation):
                    chunk = _events([line])
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})

        async def gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        tasks = [asyncio.create_task(pump()), asyncio.create_task(gone())]
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        with contextlib.suppress(Exception):  # the client may be gone already
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    def dead_action(self, name: str, action: str, body: Any) -> dict[str, Any]:
        source = deadletters.find(self.rt.model, name)
        ids = deadletters.ids_of(body)
        if action == "redrive":
            moved = self.host.store.move(source.dead, source.source, ids)
            self.rt.bindings.notify(source.source)
            return {"redriven": moved}
        if action == "purge":
            return {"purged": self.host.store.purge(source.dead, ids)}
        raise KeyError(f"no action {action!r}: use redrive or purge")

    # -- orchestrations -------------------------------------------------------------------------
    def _engine(self) -> Any:
        durable = self.rt.durable
        if durable is None:
            raise FaasError.one(
                "FIAC874",
                "this app runs no durable engine",
                fix="declare an orchestrator, activity or entity to see them here",
            )
        return durable.engine

    def _reader(self) -> Reader:
        path = str(self._engine().store.path)
        reader = self._readers.get(path)
        if reader is None:
            reader = self._readers[path] = Reader(self._engine().store.path)
        return reader

    def _orchestrators(self) -> list[str]:
        return [fn.name for fn in self.rt.model.by_kind("orchestrator")]

    def instance(self, iid: str) -> Reply:
        from ...durable.status import DurableOrchestrationStatus

        store = self._engine().store
        row = store.instance(iid)
        if row is None:
            return Reply(404, {"error": f"no orchestration instance {iid!r}"})
        events = store.history(iid)
        status = DurableOrchestrationStatus.from_row(row, typed=False).to_json()
        return Reply(
            200,
            {
                **status,
                "error": json.loads(row.error) if row.error else None,
                "parent": row.parent,
                "history": timeline(events),
                "diagram": self._diagram(row.name, events, row.status),
            },
        )

    def _diagram(self, name: str, events: list[dict[str, Any]], status: str) -> Any:
        from ...translate import translate

        key = (id(self.rt), name)
        workflow = self._diagrams.get(key)
        if workflow is None:
            try:
                workflow = translate(self.rt.model, self.rt.root, name)
            except FaasError as exc:
                workflow = [d.render() for d in exc.diagnostics]
            self._diagrams[key] = workflow
        if isinstance(workflow, list):
            return {"refused": workflow}
        return diagram(workflow, events, status)

    async def act(self, iid: str, action: str, body: dict[str, Any]) -> Reply:
        from ...durable import codec

        engine = self._engine()
        reason = body.get("reason") or None
        post: Callable[[], Future[Any]]
        match action:
            case "raise":
                event = body.get("event")
                if not isinstance(event, str) or not event:
                    raise ValueError('give {"event": "<name>", "data": <JSON value>}')
                data = codec.dumps(body.get("data"))
                post = lambda: engine.raise_event(iid, event, data)  # noqa: E731
            case "terminate" | "suspend" | "resume":
                kind = _CONTROLS[action]
                post = lambda: engine.control(kind, iid, reason)  # noqa: E731
            case "purge":
                post = lambda: engine.purge(iid)  # noqa: E731
            case "restart":
                row = engine.store.instance(iid)
                if row is None:
                    return Reply(404, {"error": f"no orchestration instance {iid!r}"})
                new_id = await _wait(engine.start_new(row.name, None, row.input))
                return Reply(202, {"instanceId": new_id})
            case _:
                return Reply(404, {"error": f"no action {action!r}"})
        result = await _wait(post())
        if action == "purge" and not result:
            return Reply(404, {"error": f"no finished instance {iid!r} to purge"})
        return Reply(202, {"instanceId": iid, "done": action})


_CONTROLS: dict[str, ControlAction] = {
    "terminate": "Terminate",
    "suspend": "Suspend",
    "resume": "Resume",
}


def _wait(fut: Future[Any]) -> Awaitable[Any]:
    return asyncio.wrap_future(fut)


def _events(lines: list[dict[str, Any]]) -> bytes:
    return b"".join(
        b"id: %d\ndata: %s\n\n" % (line["seq"], json.dumps(line, default=str).encode())
        for line in lines
    )
