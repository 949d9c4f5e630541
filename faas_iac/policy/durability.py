"""Durability rules: what breaks an orchestrator's replay, found in its AST at the line.

A replayed orchestrator must take the same decisions from the same history: no clock, no
randomness, no environment, no I/O, no threads, no awaiting anything but durable tasks, no
module state written; a loop that never ends grows the history unless the orchestration starts
over with ``continue_as_new``. Activities calling the network should be called with a retry
policy. Orchestrators a selected target cannot run are reported with the translator's reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Function
from .rule import TARGETS, Hit, Rule, Scope, functions
from .source import Resolver, Source, matches

#: (rule id, what the call is, dotted-name prefixes). First match wins.
CALLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("FIAC731", "sleeps the worker", ("time.sleep", "asyncio.tasks.sleep", "asyncio.sleep")),
    (
        "FIAC730",
        "is a different value on every replay",
        (
            "datetime.datetime.now",
            "datetime.datetime.utcnow",
            "datetime.datetime.today",
            "datetime.date.today",
            "time.time",
            "time.time_ns",
            "time.monotonic",
            "time.monotonic_ns",
            "time.perf_counter",
            "time.perf_counter_ns",
            "time.localtime",
            "time.gmtime",
            "time.ctime",
            "random",
            "uuid.uuid1",
            "uuid.uuid4",
            "secrets",
            "os.urandom",
            "posix.urandom",
            "os.getpid",
            "posix.getpid",
        ),
    ),
    (
        "FIAC732",
        "reads the environment",
        ("os.environ", "os.getenv", "os.environb", "posix.environ"),
    ),
    (
        "FIAC733",
        "does I/O",
        (
            "builtins.open",
            "builtins.input",
            "io.open",
            "requests",
            "httpx",
            "urllib.request",
            "http.client",
            "socket",
            "aiohttp",
            "boto3",
            "botocore",
            "subprocess",
            "sqlite3",
            "smtplib",
            "ftplib",
            "shutil",
            "os.system",
            "os.popen",
            "os.remove",
            "os.listdir",
            "os.scandir",
            "os.makedirs",
            "pathlib",
        ),
    ),
    (
        "FIAC734",
        "starts work outside the orchestration",
        ("threading", "_thread", "concurrent.futures", "multiprocessing", "asyncio"),
    ),
)
NETWORK = ("requests", "httpx", "urllib.request", "http.client", "socket", "aiohttp", "boto3")
MUTATORS = {
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem",
    "add", "discard", "sort", "reverse",
}  # fmt: skip
DURABLE_FIX = {
    "FIAC730": "use ctx.current_utc_datetime for the time and ctx.new_uuid() for ids; pass any "
    "other random value in the input or compute it in an activity",
    "FIAC731": "wait with yield ctx.create_timer(ctx.current_utc_datetime + timedelta(...))",
    "FIAC732": "read configuration in an activity, or pass it in the orchestration's input",
    "FIAC733": "move the I/O into an activity and yield ctx.call_activity(...)",
    "FIAC734": "fan out with ctx.task_all([...]) of activities instead of threads or tasks",
}


@dataclass(frozen=True)
class Found:
    rule: str
    line: int
    message: str
    subject: str


def _orchestrators(scope: Scope) -> Iterator[tuple[Function, Source]]:
    for fn in functions(scope.app, "orchestrator"):
        src = scope.sources.of(fn)
        if src is not None:
            yield fn, src


def scan(src: Source) -> list[Found]:
    """Every replay hazard of one orchestrator's source, at its line."""
    resolver = Resolver(src)
    found: list[Found] = []
    fn = src.fn.name
    seen_attr: set[int] = set()
    for node in ast.walk(src.node):
        if isinstance(node, ast.Call):
            name = resolver.name(node.func)
            if name is None:
                continue
            seen_attr.add(id(node.func))
            for rule, what, prefixes in CALLS:
                if matches(name, prefixes):
                    shown = ast.unparse(node.func)
                    found.append(
                        Found(rule, node.lineno, f"{shown}() {what} ({fn})", f"{fn}:{shown}")
                    )
                    break
        elif isinstance(node, ast.Await) or (
            isinstance(node, ast.Yield) and not _durable(node.value, src)
        ):
            verb = "await" if isinstance(node, ast.Await) else "yield"
            shown = ast.unparse(node.value)[:60] if node.value else ""
            found.append(
                Found(
                    "FIAC735",
                    node.lineno,
                    f"{verb} {shown}: not a durable task, so no replay waits for it or sees its "
                    f"result ({fn})",
                    f"{fn}:{verb} {shown}",
                )
            )
    for node in ast.walk(src.node):  # os.environ["X"] and friends, read without a call
        if isinstance(node, ast.Attribute | ast.Name) and id(node) not in seen_attr:
            name = resolver.name(node)
            if name and matches(name, ("os.environ", "posix.environ", "os.environb")):
                shown = ast.unparse(node)
                found.append(
                    Found(
                        "FIAC732",
                        node.lineno,
                        f"{shown} reads the environment ({fn})",
                        f"{fn}:{shown}",
                    )
                )
    found += _global_writes(src, resolver)
    found += _endless_loops(src)
    return _dedupe(found)


def _dedupe(found: list[Found]) -> list[Found]:
    """One finding per rule and line (``os.environ.get`` is one read, not two)."""
    out: dict[tuple[str, int], Found] = {}
    for f in sorted(found, key=lambda f: (f.line, f.rule, -len(f.message))):
        out.setdefault((f.rule, f.line), f)
    return list(out.values())


#: Methods of the orchestration context that return a durable task.
TASKS = {
    "call_activity", "call_activity_with_retry", "call_sub_orchestrator",
    "call_sub_orchestrator_with_retry", "create_timer", "wait_for_external_event", "task_all",
    "task_any", "call_entity", "call_http",
}  # fmt: skip


def _durable(value: ast.expr | None, src: Source) -> bool:
    """Whether a yielded value may be a durable task: a call of a task method of the context
    (the orchestrator's first parameter), or a name or subscript holding one."""
    if value is None or not isinstance(value, ast.Call):
        return value is not None
    args = src.node.args.posonlyargs + src.node.args.args
    ctx = args[0].arg if args else "ctx"
    func = value.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == ctx
        and func.attr in TASKS
    )


def _global_writes(src: Source, resolver: Resolver) -> list[Found]:
    """Module state written from the orchestrator: a ``global`` name assigned, or a module-level
    object mutated (item or attribute set, a mutating method called)."""
    fn = src.fn.name
    declared = src.global_names
    found: list[Found] = []
    for node in ast.walk(src.node):
        if not isinstance(node, ast.stmt | ast.expr):
            continue
        target: ast.expr | None = None
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and t.id in declared:
                    target = t
                elif isinstance(t, ast.Subscript | ast.Attribute):
                    target = _module_object(t.value, src, resolver)
                if target is not None:
                    break
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
        ):
            target = _module_object(node.func.value, src, resolver)
        if target is not None:
            shown = ast.unparse(target)
            found.append(
                Found(
                    "FIAC736",
                    node.lineno,
                    f"module state {shown!r} is written from orchestrator {fn}: replays and "
                    "other instances see each other's writes",
                    f"{fn}:{shown}",
                )
            )
    return found


def _module_object(node: ast.expr, src: Source, resolver: Resolver) -> ast.expr | None:
    """``node`` when it is a name of the module's globals holding a mutable value."""
    if not isinstance(node, ast.Name) or node.id in resolver.locals:
        return None
    if node.id not in src.globals:
        return None
    value = src.globals[node.id]
    mutable = isinstance(value, list | dict | set | bytearray)
    return node if mutable else None


def _endless_loops(src: Source) -> list[Found]:
    """``while True`` loops that yield, never break or return, in an orchestrator that never
    calls ``continue_as_new``: its history grows until the target stops it."""
    calls = {
        n.func.attr
        for n in ast.walk(src.node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    if "continue_as_new" in calls:
        return []
    found: list[Found] = []
    for node in ast.walk(src.node):
        if not isinstance(node, ast.While):
            continue
        if not (isinstance(node.test, ast.Constant) and node.test.value):
            continue
        inner = list(ast.walk(node))
        yields = any(isinstance(n, ast.Yield | ast.YieldFrom) for n in inner)
        leaves = any(isinstance(n, ast.Break | ast.Return | ast.Raise) for n in inner)
        if yields and not leaves:
            found.append(
                Found(
                    "FIAC737",
                    node.lineno,
                    f"this loop never ends and orchestrator {src.fn.name} never calls "
                    "continue_as_new: every iteration grows its history",
                    f"{src.fn.name}:while",
                )
            )
    return found


def _hits(rule: str, scope: Scope) -> Iterator[Hit]:
    for fn, src in _orchestrators(scope):
        for f in scope.sources.memo("scan", fn.name, lambda src=src: scan(src)):  # type: ignore[misc]
            if f.rule == rule:
                yield Hit(f.message, line=f.line, file=src.file, subject=f.subject)


def _unretried_network(scope: Scope) -> Iterator[Hit]:
    """Orchestrator calls of an activity that uses the network, without a retry policy."""
    sources = scope.sources
    networked: dict[str, str] = {}
    for fn in functions(scope.app, "activity"):
        src = sources.of(fn)
        if src is None:
            continue
        resolver = Resolver(src)
        for node in ast.walk(src.node):
            if isinstance(node, ast.Call):
                name = resolver.name(node.func)
                if name and matches(name, NETWORK):
                    networked[fn.name] = f"{ast.unparse(node.func)} at {src.file}:{node.lineno}"
                    break
    if not networked:
        return
    for fn, src in _orchestrators(scope):
        for node in ast.walk(src.node):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "call_activity"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in networked
            ):
                continue
            activity = str(node.args[0].value)
            yield Hit(
                f"activity {activity!r} calls the network ({networked[activity]}) and "
                f"{fn.name} calls it with no retry policy",
                line=node.lineno,
                file=src.file,
                subject=f"{fn.name}:{activity}",
            )


#: What each call rule's example does, and the import it needs.
EXAMPLES = {
    "FIAC730": ("from datetime import datetime", "now = datetime.now()"),
    "FIAC731": ("import time", "time.sleep(5)"),
    "FIAC732": ("import os", 'region = os.environ["REGION"]'),
    "FIAC733": ("import urllib.request", 'page = urllib.request.urlopen("https://example.com")'),
    "FIAC734": ("import threading", "threading.Thread(target=print).start()"),
}
TITLES = {
    "FIAC730": "non-deterministic value in an orchestrator",
    "FIAC731": "sleep in an orchestrator",
    "FIAC732": "environment read in an orchestrator",
    "FIAC733": "I/O in an orchestrator",
    "FIAC734": "thread or task started in an orchestrator",
}
WORK = "\n\n@app.activity\ndef work(x):\n    return x\n"


def _calls(rule: str) -> Rule:
    imported, line = EXAMPLES[rule]
    return Rule(
        id=rule,
        title=TITLES[rule],
        group="durability",
        severity="error",
        targets=TARGETS,
        rationale="An orchestrator is replayed from its history after every step; a replay "
        "that computes something else than the first run takes another path, and the "
        "orchestration fails or, worse, does something else.",
        fix=DURABLE_FIX[rule],
        example=f"{imported}\n\n\n@app.orchestrator\ndef flow(ctx):\n    {line}\n"
        f"    return (yield ctx.call_activity('work', 1))\n{WORK}",
        model=lambda scope: _hits(rule, scope),
        refusals={"FIAC730": ("FIAC603",), "FIAC733": ("FIAC604",)}.get(rule, ()),
    )


RULES: tuple[Rule, ...] = (
    *(_calls(r) for r in ("FIAC730", "FIAC731", "FIAC732", "FIAC733", "FIAC734")),
    Rule(
        id="FIAC735",
        title="orchestrator waits on something that is not a durable task",
        group="durability",
        severity="error",
        targets=TARGETS,
        rationale="An orchestrator is a generator that yields durable tasks; yielding or "
        "awaiting anything else (a coroutine, a plain value) runs outside the history, so a "
        "replay neither waits for it nor sees its result.",
        fix="move the work into an activity and yield ctx.call_activity(...) (or another "
        "durable task)",
        example="async def lookup(key):\n    return key\n\n\n@app.orchestrator\ndef flow(ctx):\n"
        "    value = yield lookup('a')\n    return (yield ctx.call_activity('work', value))\n"
        + WORK,
        refusals=("FIAC605",),
        model=lambda scope: _hits("FIAC735", scope),
    ),
    Rule(
        id="FIAC736",
        title="module state written from an orchestrator",
        group="durability",
        severity="error",
        targets=TARGETS,
        rationale="Module state outlives one replay and is shared by every instance on a "
        "worker: what a replay reads there depends on what ran before it on that machine.",
        fix="keep state in local variables, the orchestration's input or an entity",
        example="SEEN = []\n\n\n@app.orchestrator\ndef flow(ctx):\n"
        "    SEEN.append(ctx.instance_id)\n    return (yield ctx.call_activity('work', 1))\n"
        + WORK,
        model=lambda scope: _hits("FIAC736", scope),
    ),
    Rule(
        id="FIAC737",
        title="endless loop without continue_as_new",
        group="durability",
        severity="warning",
        targets=TARGETS,
        rationale="Every durable task adds events to the history; an orchestration that loops "
        "forever replays an ever longer history and meets the target's limit (Step Functions "
        "stops at 25,000 events, Workflows at 100,000 steps).",
        fix="end each round with ctx.continue_as_new(state) and return",
        example="@app.orchestrator\ndef poll(ctx):\n    while True:\n"
        "        yield ctx.call_activity('work', 1)\n" + WORK,
        model=lambda scope: _hits("FIAC737", scope),
    ),
    Rule(
        id="FIAC738",
        title="network activity called without a retry policy",
        group="durability",
        severity="warning",
        targets=TARGETS,
        rationale="Network calls fail transiently; an activity called without retry fails "
        "the whole orchestration on the first timeout.",
        fix="call it with ctx.call_activity_with_retry(name, RetryOptions(...), input)",
        example="import urllib.request\n\n\n@app.activity\ndef fetch(url):\n"
        "    return urllib.request.urlopen(url).read().decode()\n\n\n@app.orchestrator\n"
        "def flow(ctx):\n    return (yield ctx.call_activity('fetch', 'https://example.com'))\n",
        model=_unretried_network,
    ),
)
