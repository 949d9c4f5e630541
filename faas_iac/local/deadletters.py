"""Where each asynchronous function's failed deliveries go, and taking them back.

A queue function's messages go, after their last delivery, to the queue's dead-letter queue
when it declares one (``dead_letter=True`` or a name: a real queue, ``queue:<dlq>``), else to
``dead:queue:<name>``; any other trigger's to ``dead:fn:<function>``. A dead-letter source is
named by its queue (queue triggers) or its function (the others), as ``faas-iac dead`` and
the dashboard name it. Redrive moves messages back to the channel they failed on, with their
delivery count reset; purge deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import FaasError
from ..model import AppModel, Function
from .bindings import fn_channel, queue_channel
from .store import Store

#: Triggers whose deliveries can end as dead letters.
ASYNC_TRIGGERS = ("queue", "topic", "storage", "table", "stream", "event", "schedule")


@dataclass(frozen=True)
class DeadLetters:
    """``name`` (a queue or a function) → its ``source`` channel and ``dead`` channel."""

    name: str
    source: str
    dead: str
    functions: tuple[str, ...]


def channel_of(fn: Function) -> str:
    t = fn.trigger
    return queue_channel(t.queue) if t.type == "queue" else fn_channel(fn.name)


def dead_channel_of(model: AppModel, fn: Function) -> str:
    t = fn.trigger
    if t.type == "queue":
        res = model.resource("queue", t.queue)
        if res.dead_letter:
            return queue_channel(res.dead_letter)
    return f"dead:{channel_of(fn)}"


def sources(model: AppModel) -> list[DeadLetters]:
    """Every dead-letter source of the app, in the model's order (one per queue)."""
    found: dict[str, DeadLetters] = {}
    for fn in model.functions:
        t = fn.trigger
        if t.type not in ASYNC_TRIGGERS or fn.kind in ("orchestrator", "activity", "entity"):
            continue
        name = t.queue if t.type == "queue" else fn.name
        old = found.get(name)
        functions = (*old.functions, fn.name) if old else (fn.name,)
        found[name] = DeadLetters(name, channel_of(fn), dead_channel_of(model, fn), functions)
    return list(found.values())


def find(model: AppModel, name: str) -> DeadLetters:
    """The source named ``name``: a queue, or a function (a queue function's name finds its
    queue)."""
    for source in sources(model):
        if source.name == name or name in source.functions:
            return source
    known = ", ".join(s.name for s in sources(model)) or "none in this app"
    raise FaasError.one(
        "FIAC818",
        f"{name!r} is not a queue or function whose messages can be dead-lettered",
        fix=f"name one of: {known}",
    )


def listing(model: AppModel, store: Store) -> list[dict[str, Any]]:
    """Each source with how many dead letters it holds."""
    counts = store.channel_counts()
    return [
        {
            "name": s.name,
            "functions": list(s.functions),
            "channel": s.source,
            "dead_channel": s.dead,
            "dead": sum(counts.get(s.dead, (0, 0))),
        }
        for s in sources(model)
    ]


def ids_of(body: Any) -> list[str]:
    """``{"ids": [...]}`` (or nothing: every message) from a redrive or purge request."""
    if body is None:
        return []
    ids = body.get("ids", []) if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError('give {"ids": ["<message id>", ...]} or no body for every message')
    return ids
