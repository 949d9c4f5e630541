"""The dashboard's reads of the durable store: a page of instances, one instance with its
timeline, and the orchestrator's diagram (from the translator's IR) with the steps taken and
the current ones marked. Reads only (its own connection to the store's file, as every reader
of a WAL database has); actions go through the engine.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, assert_never

from ...durable.status import DurableOrchestrationStatus, history_events, parse_statuses
from ...durable.store import INSTANCE_COLUMNS, InstanceRow
from ...translate import ir

PAGE = 50
MAX_PAGE = 500
ACTIVE = ("Pending", "Running", "Suspended")


@dataclass(frozen=True)
class Filters:
    name: str = ""
    statuses: tuple[str, ...] = ()
    prefix: str = ""
    created_from: float | None = None
    created_to: float | None = None

    @classmethod
    def of(cls, query: dict[str, str]) -> Filters:
        statuses = tuple(s.value for s in parse_statuses([query.get("status", "")]))
        return cls(
            name=query.get("name", ""),
            statuses=statuses,
            prefix=query.get("prefix", ""),
            created_from=_time(query.get("from")),
            created_to=_time(query.get("to")),
        )


def _time(value: str | None) -> float | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class Reader:
    """Read-only queries on ``durable.sqlite3``, one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def page(self, filters: Filters, limit: int = PAGE, cursor: str = "") -> dict[str, Any]:
        """Newest first; ``cursor`` (from the previous page's ``next``) continues after it."""
        where, args = _where(filters)
        total = self._conn().execute(f"SELECT COUNT(*) FROM instances {where}", args).fetchone()
        if cursor:
            created, _, last_id = cursor.partition("|")
            where += (" AND " if where else "WHERE ") + "(created < ? OR (created = ? AND id < ?))"
            args += [float(created), float(created), last_id]
        limit = max(1, min(limit, MAX_PAGE))
        rows = [
            InstanceRow(*r)
            for r in self._conn()
            .execute(
                f"SELECT {INSTANCE_COLUMNS} FROM instances {where} "
                "ORDER BY created DESC, id DESC LIMIT ?",
                [*args, limit + 1],
            )
            .fetchall()
        ]
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "total": int(total[0]),
            "instances": [_summary(r) for r in rows],
            "next": f"{rows[-1].created!r}|{rows[-1].id}" if more else None,
        }

    def names(self) -> list[str]:
        rows = self._conn().execute("SELECT DISTINCT name FROM instances ORDER BY name")
        return [r[0] for r in rows.fetchall()]

    def entities(self, name: str = "", limit: int = 200) -> list[dict[str, Any]]:
        sql = "SELECT name, key, state, updated FROM entities"
        args: list[Any] = []
        if name:
            sql += " WHERE name = ?"
            args.append(name)
        rows = self._conn().execute(sql + " ORDER BY name, key LIMIT ?", [*args, limit])
        return [
            {"name": r[0], "key": r[1], "state": _plain(r[2]), "updated": r[3]}
            for r in rows.fetchall()
            if r[2] is not None
        ]


def _plain(text: str | None) -> Any:
    from ...durable.codec import plain

    return plain(text)


def _where(f: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if f.name:
        clauses.append("name = ?")
        args.append(f.name)
    if f.statuses:
        clauses.append(f"status IN ({','.join('?' * len(f.statuses))})")
        args.extend(f.statuses)
    if f.prefix:
        clauses.append("id >= ? AND id < ?")
        args.extend([f.prefix, f.prefix + "\U0010ffff"])
    if f.created_from is not None:
        clauses.append("created >= ?")
        args.append(f.created_from)
    if f.created_to is not None:
        clauses.append("created <= ?")
        args.append(f.created_to)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), args


def _summary(row: InstanceRow) -> dict[str, Any]:
    status = DurableOrchestrationStatus.from_row(row, typed=False).to_json()
    del status["input"], status["output"]
    return status


def timeline(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history as Azure shows it, each event with its time (``ts``) and, for an event that
    ends something (a task, a timer, a sub-orchestration), how long that took."""
    shown = history_events(events, with_output=True)
    began: dict[tuple[str, int], float] = {}
    start = events[0].get("ts", 0.0) if events else 0.0
    for raw, item in zip(events, shown, strict=True):
        ts = float(raw.get("ts", 0.0))
        item["ts"] = ts
        kind, ident = raw["type"], raw.get("id")
        if ident is not None and kind in ("TaskScheduled", "TimerCreated"):
            began["task" if kind == "TaskScheduled" else "timer", ident] = ts
        elif ident is not None and kind == "SubOrchestrationInstanceCreated":
            began["task", ident] = ts
        ended = _ENDS.get(kind)
        if ended and ident is not None and (ended, ident) in began:
            item["duration_ms"] = round((ts - began[ended, ident]) * 1000, 3)
        if kind == "ExecutionCompleted" or kind == "ExecutionTerminated":
            item["duration_ms"] = round((ts - start) * 1000, 3)
    return shown


_ENDS = {
    "TaskCompleted": "task",
    "TaskFailed": "task",
    "SubOrchestrationInstanceCompleted": "task",
    "SubOrchestrationInstanceFailed": "task",
    "TimerFired": "timer",
}


# -- the diagram ------------------------------------------------------------------------------


def diagram(workflow: ir.Workflow, events: list[dict[str, Any]], status: str) -> dict[str, Any]:
    """The orchestrator's steps as a tree of nodes (``label``, ``line``, ``state``: ``done``,
    ``current`` or ``""``; ``branches`` of nested steps), marked from the history: a call is
    done once scheduled, current while its result is pending; a timer likewise; an event is
    done once raised, and current while the instance runs with nothing else pending and that
    event not yet raised (the engine records no "waiting" event)."""
    marks = _Marks(events, status in ACTIVE)
    return {"name": workflow.name, "steps": [_node(s, marks) for s in workflow.steps]}


class _Marks:
    def __init__(self, events: list[dict[str, Any]], active: bool) -> None:
        names: dict[int, str] = {}
        self.scheduled: Counter[str] = Counter()
        self.finished: Counter[str] = Counter()
        self.raised: Counter[str] = Counter()
        self.timers = self.fired = 0
        for e in events:
            kind = e["type"]
            if kind in ("TaskScheduled", "SubOrchestrationInstanceCreated"):
                names[e["id"]] = e.get("name", "")
                self.scheduled[e.get("name", "")] += 1
            elif kind in _ENDS and kind != "TimerFired":
                self.finished[names.get(e.get("id", -1), "")] += 1
            elif kind == "TimerCreated":
                self.timers += 1
            elif kind == "TimerFired":
                self.fired += 1
            elif kind == "EventRaised":
                self.raised[e.get("name", "")] += 1
        self.active = active
        pending_calls = any(self.scheduled[n] > self.finished[n] for n in self.scheduled)
        self.waiting_for_event = active and not pending_calls

    def call(self, name: str) -> str:
        if self.active and self.scheduled[name] > self.finished[name]:
            return "current"
        return "done" if self.scheduled[name] else ""

    def timer(self) -> str:
        if self.active and self.timers > self.fired and not self.waiting_for_event:
            return "current"
        return "done" if self.timers else ""

    def event(self, name: str) -> str:
        if self.waiting_for_event and not self.raised[name]:
            return "current"
        return "done" if self.raised[name] else ""


def _steps(steps: Sequence[ir.Step], marks: _Marks) -> list[dict[str, Any]]:
    return [_node(s, marks) for s in steps]


def _node(step: ir.Step, m: _Marks) -> dict[str, Any]:
    label, state = "", ""
    branches: list[tuple[str, list[dict[str, Any]]]] = []
    match step:
        case ir.Assign(target):
            label = f"{target} = …"
        case ir.Task(call, target):
            kind = "sub-orchestration" if call.kind == "orchestrator" else "activity"
            tries = f" (up to {call.retry.max_attempts} tries)" if call.retry else ""
            label = f"{target + ' = ' if target else ''}{kind} {call.name}{tries}"
            state = m.call(call.name)
        case ir.FanOut(call, var):
            label, state = f"for each {var}: {call.name} (in parallel)", m.call(call.name)
        case ir.Parallel(calls):
            label = "parallel: " + ", ".join(c.name for c in calls)
            states = {m.call(c.name) for c in calls}
            state = "current" if "current" in states else ("done" if "done" in states else "")
        case ir.Timer():
            label, state = "durable timer", m.timer()
        case ir.WaitEvent(event, _, timeout):
            label = f"wait for event {event}" + (" or timeout" if timeout is not None else "")
            state = m.event(event)
        case ir.Race(arms):
            label = "first of: " + ", ".join(
                f"event {a.event}" if a.event is not None else "timer" for a in arms
            )
            states = {m.event(a.event) for a in arms if a.event is not None}
            state = "current" if "current" in states else ("done" if "done" in states else "")
        case ir.SetStatus():
            label = "set custom status"
        case ir.ContinueAsNew():
            label = "continue as new"
        case ir.Raise(error):
            label = f"raise {error}"
        case ir.Reraise():
            label = "re-raise"
        case ir.Break():
            label = "break"
        case ir.Continue():
            label = "continue"
        case ir.Return():
            label = "return"
        case ir.If():
            label = "if"
            branches = [("yes", _steps(step.body, m)), ("no", _steps(step.orelse, m))]
        case ir.While():
            label, branches = "while", [("loop", _steps(step.body, m))]
        case ir.ForEach():
            label, branches = f"for {step.var}", [("loop", _steps(step.body, m))]
        case ir.Try():
            label = "try"
            branches = [("body", _steps(step.body, m)), ("except", _steps(step.handler, m))]
        case _:
            assert_never(step)
    inner = [n["state"] for _, nodes in branches for n in _flatten(nodes)]
    if not state and inner:
        state = "current" if "current" in inner else ("done" if "done" in inner else "")
    node: dict[str, Any] = {"label": label, "line": step.line, "state": state}
    if branches:
        node["branches"] = [{"label": b, "steps": nodes} for b, nodes in branches]
    return node


def _flatten(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n in nodes:
        out.append(n)
        for b in n.get("branches", ()):
            out += _flatten(b["steps"])
    return out
