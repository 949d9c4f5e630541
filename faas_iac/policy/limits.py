"""Limits rules: what a target stops or refuses — function timeouts and memory, execution
history, fan-out, parallel branches, definition size, custom status, schedules.

The numbers are the targets' documented limits (``shared/FEATURES.md``); where a planner or the
translator already knows a limit (``faas_iac.translate.limits``, the planners' refusals), the
rule reports what they find rather than computing it again."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from typing import Literal

from ..translate.limits import STEP_FUNCTIONS, WORKFLOWS, TargetLimits, check_ir
from .rule import CLOUDS, TARGETS, Hit, Res, Rule, Scope, functions

#: target → (max timeout s for HTTP, for events, memory range MB); Azure per hosting plan.
FUNCTION_LIMITS: dict[str, tuple[int, int, int, int]] = {
    "aws": (900, 900, 128, 10240),
    "gcp": (3600, 540, 128, 32768),
    "azure:consumption": (600, 600, 128, 1536),
    "azure:flex": (3600 * 24, 3600 * 24, 128, 4096),
    "azure:premium": (3600 * 24, 3600 * 24, 128, 14336),
}
CUSTOM_STATUS_BYTES = 16 * 1024


def _limits_key(scope: Scope) -> str | None:
    if scope.target == "azure":
        return f"azure:{scope.options.get('plan', 'flex')}"
    return scope.target if scope.target in ("aws", "gcp") else None


def function_limits(scope: Scope) -> Iterator[Hit]:
    key = _limits_key(scope)
    if key is None or key not in FUNCTION_LIMITS:
        return
    http_max, event_max, low, high = FUNCTION_LIMITS[key]
    for fn in functions(scope.app, "function", "activity", "entity"):
        most = http_max if fn.trigger.type == "http" else event_max
        if fn.timeout > most:
            yield Hit(
                f"{fn.name!r} asks for a {fn.timeout} s timeout; {key} allows at most {most} s",
                function=fn.name,
                subject=f"{fn.name}:timeout",
            )
        if not low <= fn.memory <= high:
            yield Hit(
                f"{fn.name!r} asks for {fn.memory} MB; {key} allows {low}-{high} MB",
                function=fn.name,
                subject=f"{fn.name}:memory",
            )


def lambda_limits(res: Res) -> Iterator[str]:
    if res.type == "aws:lambda/function:Function":
        timeout, memory = res.get("timeout"), res.get("memory_size")
        if isinstance(timeout, int | float) and timeout > 900:
            yield f"{res.name}: timeout {timeout} s is above Lambda's 900 s"
        if isinstance(memory, int | float) and not 128 <= memory <= 10240:
            yield f"{res.name}: memory {memory} MB is outside Lambda's 128-10240 MB"
    elif res.type == "gcp:cloudfunctionsv2/function:Function":
        timeout = res.get("service_config", "timeout_seconds")
        most = 540 if res.get("event_trigger") else 3600
        if isinstance(timeout, int | float) and timeout > most:
            yield f"{res.name}: timeout {timeout} s is above Cloud Functions' {most} s"


TRANSLATED: dict[str, TargetLimits] = {"aws": STEP_FUNCTIONS, "gcp": WORKFLOWS}


def _ir_findings(code: str, scope: Scope) -> Iterator[Hit]:
    limits = TRANSLATED.get(scope.target or "")
    if limits is None:
        return
    for name, workflow in sorted(scope.translation.workflows.items()):
        for d in check_ir(workflow, limits):
            if d.code == code:
                file, _, line = d.location.rpartition(":")
                yield Hit(
                    f"{d.message} ({name})",
                    file=file or None,
                    line=int(line) if line.isdigit() else None,
                    function=name,
                    subject=f"{name}:{line}",
                )


def custom_status(scope: Scope) -> Iterator[Hit]:
    """``set_custom_status`` of a literal whose JSON is over the 16 KB Durable allows."""
    for fn in functions(scope.app, "orchestrator"):
        src = scope.sources.of(fn)
        if src is None:
            continue
        for node in ast.walk(src.node):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "set_custom_status"
                and node.args
            ):
                size = json_size(node.args[0])
                if size is not None and size > CUSTOM_STATUS_BYTES:
                    yield Hit(
                        f"custom status of {size:,} bytes in {fn.name}; Durable Functions "
                        f"keeps at most {CUSTOM_STATUS_BYTES:,}",
                        line=node.lineno,
                        file=src.file,
                        subject=f"{fn.name}:{node.lineno}",
                    )


def json_size(node: ast.expr) -> int | None:
    """The JSON size of a constant expression (literals, ``"x" * n``), or None if unknown."""
    match node:
        case ast.Constant(value=value):
            return len(json.dumps(value).encode())
        case ast.BinOp(
            op=ast.Mult(), left=ast.Constant(value=str(s)), right=ast.Constant(value=int(n))
        ):
            return len(json.dumps(s * min(n, 10**7)).encode())
        case ast.List(elts=items) | ast.Tuple(elts=items):
            sizes = [json_size(i) for i in items]
            return None if None in sizes else 2 + sum(s or 0 for s in sizes) + len(items)
        case ast.Dict(keys=keys, values=values):
            sizes = [json_size(k) if k else None for k in keys] + [json_size(v) for v in values]
            return None if None in sizes else 2 + sum(s or 0 for s in sizes) + 3 * len(values)
    return None


def _translated(
    rule: str,
    code: str,
    title: str,
    severity: str,
    rationale: str,
    fix: str,
    example: str,
    kind: Literal["app", "text"] = "app",
) -> Rule:
    return Rule(
        id=rule,
        title=title,
        group="limits",
        severity="warning" if severity == "warning" else "error",
        targets=("aws", "gcp"),
        rationale=rationale,
        fix=fix,
        example=example,
        model=lambda scope: _ir_findings(code, scope),
        per_target=True,
        refusals=(code,),
        example_kind=kind,
    )


RULES: tuple[Rule, ...] = (
    Rule(
        id="FIAC720",
        title="timeout or memory beyond the target's limit",
        group="limits",
        severity="error",
        targets=CLOUDS,
        rationale="Lambda stops at 900 s and 10,240 MB; Cloud Functions gen2 at 3,600 s for "
        "HTTP and 540 s for events; Azure Consumption at 10 minutes and 1.5 GB. A function "
        "asking for more is refused at deploy or cut off mid-work.",
        fix="lower timeout= / memory=, or split long work into a durable orchestration of "
        "activities",
        example='@app.http("/report", timeout=1200)\ndef report(req, ctx): ...',
        model=function_limits,
        per_target=True,
        types=("aws:lambda/function:Function", "gcp:cloudfunctionsv2/function:Function"),
        resource=lambda_limits,
        refusals=("FIAC301", "FIAC403"),
    ),
    _translated(
        "FIAC721",
        "FIAC620",
        "execution history may exceed the target's limit",
        "warning",
        "Step Functions stops an execution at 25,000 history events and Workflows at 100,000 "
        "steps; a loop whose count is unknown at compile time may reach it.",
        "bound the loop, or end each round with ctx.continue_as_new(...)",
        "@app.orchestrator\ndef drain(ctx):\n    left = ctx.get_input()\n    while left > 0:\n"
        "        left = yield ctx.call_activity('take', left)\n    return left\n\n\n"
        "@app.activity\ndef take(n):\n    return n - 1\n",
    ),
    _translated(
        "FIAC722",
        "FIAC621",
        "fan-out wider than the target runs at once",
        "warning",
        "A Step Functions inline Map runs at most 40 iterations at once, a Workflows parallel "
        "loop 20; the rest wait, so a wide fan-out takes longer than on Azure.",
        "nothing for small lists; batch very large ones through sub-orchestrations",
        "@app.orchestrator\ndef fan(ctx):\n    items = ctx.get_input()\n"
        "    return (yield ctx.task_all([ctx.call_activity('work', i) for i in items]))\n\n\n"
        "@app.activity\ndef work(x):\n    return x\n",
    ),
    _translated(
        "FIAC723",
        "FIAC622",
        "too many parallel branches for the target",
        "error",
        "A Workflows parallel step has at most 10 branches.",
        "fan out over a list: ctx.task_all([ctx.call_activity(...) for x in xs])",
        "@app.orchestrator\ndef wide(ctx):\n    return (yield ctx.task_all([\n"
        + "".join(f"        ctx.call_activity('work', {i}),\n" for i in range(11))
        + "    ]))\n\n\n@app.activity\ndef work(x):\n    return x\n",
    ),
    _translated(
        "FIAC724",
        "FIAC623",
        "workflow definition larger than the target accepts",
        "error",
        "Step Functions accepts definitions up to 1 MB, Workflows up to 128 KB.",
        "split the orchestrator into sub-orchestrations",
        "an orchestrator of thousands of statements",
        kind="text",
    ),
    Rule(
        id="FIAC725",
        title="custom status over 16 KB",
        group="limits",
        severity="error",
        targets=TARGETS,
        rationale="Durable Functions keeps at most 16 KB of custom status; more fails the "
        "orchestration.",
        fix="keep the status small (a stage and a percentage); put large data in a table",
        example="@app.orchestrator\ndef flow(ctx):\n"
        "    ctx.set_custom_status({'log': 'x' * 20000})\n"
        "    return (yield ctx.call_activity('work', 1))\n\n\n"
        "@app.activity\ndef work(x):\n    return x\n",
        model=custom_status,
    ),
    Rule(
        id="FIAC726",
        title="schedule the target cannot express",
        group="limits",
        severity="error",
        targets=CLOUDS,
        rationale="EventBridge and Cloud Scheduler have no seconds; Azure NCRONTAB cannot say a "
        "rate that does not line up with the clock. The target would fire at other times than "
        "asked.",
        fix="use a schedule every selected target can express (the refusal names it), or "
        "target only the providers that can",
        example='@app.schedule("*/10 * * * * *")\ndef tick(timer, ctx): ...',
        refusals=("FIAC201", "FIAC402"),
    ),
)
