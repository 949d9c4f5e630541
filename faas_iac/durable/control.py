"""The engine's answers to management requests: raise an event, terminate, suspend, resume,
purge, wait for an end (with a deadline on the engine's clock), and rewind a failed instance.

A mixin of :class:`faas_iac.durable.engine.Engine`: it runs on the engine thread, inside a turn,
and its effects are committed and answered with that turn like any other message.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from . import codec, errors, rewind
from .clock import Clock
from .messages import Control, Message, Purge, RaiseEvent, Rewind, Wait
from .orchestration import TERMINAL, Orchestration
from .slots import Slots
from .store import Batch, InstanceRow, Store


class Controls:
    """Handlers of the management messages (the engine provides the state they work on)."""

    store: Store
    clock: Clock
    slots: Slots
    _cache: dict[str, Orchestration]
    _dirty: dict[str, Orchestration]
    _waiters: dict[str, list[Future[Any]]]
    _deadlines: list[tuple[float, int, str, Future[Any]]]
    _seq: itertools.count[int]
    _acks: list[tuple[Future[Any], Any]]
    _internal: deque[Message]
    _batch: Batch

    if TYPE_CHECKING:  # provided by the engine (declared here for the type checker only)

        def _touch(self, inst: Orchestration) -> None: ...
        def _end(self, inst: Orchestration) -> None: ...
        def _route(self, inst: Orchestration, task: Any) -> None: ...
        def _revive(self, row: InstanceRow, history: list[dict[str, Any]]) -> Orchestration: ...
        def _dispatch_open(self, inst: Orchestration) -> None: ...

    def _ack(self, reply: Future[Any] | None, value: Any) -> None:
        """Settle ``reply`` with ``value`` once this turn has committed."""
        if reply is not None:
            self._acks.append((reply, value))

    def _live(self, iid: str, action: str) -> Orchestration:
        inst = self._cache.get(iid)
        if inst is not None:
            return inst
        status = self._status_of(iid)
        if status is None:
            raise errors.not_found(iid)
        raise errors.not_running(iid, status, action)

    def _on_event(self, msg: RaiseEvent) -> None:
        inst = self._live(msg.instance_id, "raise an event on")
        event = {"type": "EventRaised", "name": msg.name, "input": msg.input_json}
        inst.deliver({**event, "ts": self.clock.now()})
        self._touch(inst)  # a Pending instance buffers it until it starts
        self._ack(msg.reply, None)

    def _on_control(self, msg: Control) -> None:
        kind, iid, reason = msg.action, msg.instance_id, msg.reason
        inst = self._live(iid, kind.lower())
        self._ack(msg.reply, None)
        if kind == "Terminate":
            if inst.status == "Pending":
                inst.status = "Terminated"
                inst.output_json = codec.dumps(reason)
                self._dirty[iid] = inst
                self._end(inst)
                return
            inst.deliver({"type": "ExecutionTerminated", "reason": reason, "ts": self.clock.now()})
        elif kind == "Suspend" and inst.status == "Running":
            inst.deliver({"type": "ExecutionSuspended", "reason": reason, "ts": self.clock.now()})
        elif kind == "Resume" and inst.status == "Suspended":
            inst.deliver({"type": "ExecutionResumed", "reason": reason, "ts": self.clock.now()})
        self._touch(inst)

    def _on_purge(self, msg: Purge) -> None:
        iid = msg.instance_id
        if iid in self._cache:
            raise errors.still_running(iid, self._cache[iid].status)
        status = self._status_of(iid)
        self._batch.purges.append(iid)
        self._ack(msg.reply, 1 if status is not None else 0)

    def _on_wait(self, msg: Wait) -> None:
        iid, fut, deadline = msg.instance_id, msg.reply, msg.deadline
        if iid in self._cache:
            if fut is None:
                return
            self._waiters.setdefault(iid, []).append(fut)
            if deadline is not None:
                heapq.heappush(self._deadlines, (deadline, next(self._seq), iid, fut))
            return
        status = self._status_of(iid)
        if status is None:
            raise errors.not_found(iid)
        self._ack(fut, status)

    def _unwait(self, iid: str, fut: Future[Any]) -> None:
        waiting = self._waiters.get(iid, [])
        if fut in waiting:
            waiting.remove(fut)
        if not waiting:
            self._waiters.pop(iid, None)

    def _status_of(self, iid: str) -> str | None:
        """The status as of the end of this turn (an instance may have ended in it)."""
        inst = self._cache.get(iid) or self._dirty.get(iid)
        if inst is not None:
            return inst.status
        row = self.store.writer_instance(iid)
        return None if row is None else row.status

    def _on_rewind(self, msg: Rewind) -> None:
        """Bring a Failed instance back to where its first failure happened and run on from
        there (:mod:`.rewind`): failed activities run again, failed sub-orchestrations are
        rewound too, completed work is kept."""
        iid, reason = msg.instance_id, msg.reason
        status = self._status_of(iid)
        if status is None:
            raise errors.not_found(iid)
        if status != "Failed" or iid in self._cache:
            raise errors.not_failed(iid, status)
        ended = self._dirty.get(iid)
        row = self.store.writer_instance(iid)
        if ended is not None:
            history = list(ended.history)
        else:
            assert row is not None
            history = self.store.writer_history(iid)
        if row is None:  # failed in this very turn, before its first commit
            assert ended is not None
            row = InstanceRow(
                iid, ended.name, "Failed", ended.input_json, None, None, ended.created, 0.0,
                ended.parent, ended.parent_task, ended.generation, None,
            )  # fmt: skip
        inst = self._revive(row, rewind.rewound(history, reason, self.clock.now()))
        inst.reset = True
        inst.new_events = list(inst.history)
        self._cache[iid] = inst
        self.slots.take(inst)
        self._dispatch_open(inst)
        for task in inst.open.values():
            if task.kind == "suborchestration" and task not in inst.outbox:
                self._revive_child(inst, task)
        self._touch(inst)
        self._ack(msg.reply, None)

    def _revive_child(self, parent: Orchestration, task: Any) -> None:
        child = str(task.payload["instance"])
        status = self._status_of(child)
        if status == "Failed":
            self._internal.append(Rewind(child, "parent rewound"))
        elif status is None or status in TERMINAL:  # purged, or ended as nothing reported
            self._route(parent, task)
