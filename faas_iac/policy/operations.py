"""Operations rules: what an on-call engineer needs — logs kept, errors alerted, poison
messages set aside, messages not delivered twice — and the catch-all for an app a selected
target refuses outright."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .rule import CLOUDS, TARGETS, Hit, Res, Rule, Scope, as_text, functions

LAMBDA = "aws:lambda/function:Function"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
QUEUE = "aws:sqs/queue:Queue"
ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"
RETENTION = {
    "aws:cloudwatch/logGroup:LogGroup": "retention_in_days",
    "azure-native:operationalinsights:Workspace": "retention_in_days",
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": "retention_days",
}


def no_retention(res: Res) -> Iterator[str]:
    key = RETENTION.get(res.type)
    if key and not res.get(key):
        yield f"{res.name} keeps logs forever (no {key}): cost grows without bound"


def no_alert(scope: Scope) -> Iterator[Hit]:
    for fn in functions(scope.app):
        if not fn.monitoring.error_alert:
            yield Hit(
                f"nobody is told when {fn.name!r} fails (error_alert=False)", function=fn.name
            )


def _ref_name(res: Res, *path: str) -> str:
    """The logical name (plan) or the value (engine) a property points at."""
    text = res.text(*path)
    if text.startswith("${") and "." in text:
        return text[2:].split(".", 1)[0]
    return text


def unalerted_lambdas(resources: Sequence[Res]) -> Iterator[tuple[Res, str]]:
    watched = set()
    for res in resources:
        if res.type == ALARM and res.get("metric_name") == "Errors":
            dims = res.get("dimensions", default={})
            if isinstance(dims, Mapping):
                watched.add(as_text(dims.get("FunctionName")))
    for res in resources:
        if res.type == LAMBDA and not {res.text("name"), res.name} & watched:
            yield res, f"no alarm on the errors of {res.name}"


def no_dead_letter(scope: Scope) -> Iterator[Hit]:
    for fn in functions(scope.app):
        t = fn.trigger
        if t.type != "queue" or t.dead_letter:
            continue
        if scope.app.resource("queue", t.queue).dead_letter:
            continue
        yield Hit(
            f"queue {t.queue!r} of {fn.name!r} has no dead-letter queue: a message that always "
            "fails is retried until it expires, then lost",
            function=fn.name,
        )


def _queues_by_key(resources: Sequence[Res]) -> dict[str, Res]:
    out: dict[str, Res] = {}
    for res in resources:
        if res.type == QUEUE:
            out[res.name] = res
            for key in (res.text("name"), res.text("arn")):
                if key:
                    out[key] = res
    return out


def consumed_queues(resources: Sequence[Res]) -> Iterator[tuple[Res, Res, Res | None]]:
    """(mapping, queue, function) for each SQS event source mapping."""
    queues = _queues_by_key(resources)
    lambdas: dict[str, Res] = {}
    for res in resources:
        if res.type == LAMBDA:
            lambdas[res.name] = res
            lambdas[res.text("name")] = res
            lambdas[res.text("arn")] = res
    for res in resources:
        if res.type == ESM:
            queue = queues.get(_ref_name(res, "event_source_arn"))
            if queue is not None:
                yield res, queue, lambdas.get(_ref_name(res, "function_name"))


def undeadlettered(resources: Sequence[Res]) -> Iterator[tuple[Res, str]]:
    for _, queue, _ in consumed_queues(resources):
        if not queue.get("redrive_policy"):
            yield queue, f"{queue.name} is consumed by a function and has no redrive policy"


def short_visibility(scope: Scope) -> Iterator[Hit]:
    for fn in functions(scope.app):
        t = fn.trigger
        if t.type != "queue":
            continue
        hidden = t.visibility_timeout or scope.app.resource("queue", t.queue).visibility_timeout
        if hidden < fn.timeout:
            yield Hit(
                f"queue {t.queue!r} hides a message for {hidden} s but {fn.name!r} may run "
                f"{fn.timeout} s: the message is delivered again while it is being handled",
                function=fn.name,
            )


def short_visibility_resources(resources: Sequence[Res]) -> Iterator[tuple[Res, str]]:
    for _, queue, fn in consumed_queues(resources):
        hidden, timeout = queue.get("visibility_timeout_seconds", default=30), None
        if fn is not None:
            timeout = fn.get("timeout", default=3)
        numbers = isinstance(hidden, int | float) and isinstance(timeout, int | float)
        if numbers and hidden < timeout:
            yield (
                queue,
                f"{queue.name} hides messages {hidden} s; its consumer runs up to {timeout} s",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="FIAC740",
        title="logs kept forever",
        group="operations",
        severity="warning",
        targets=CLOUDS,
        rationale="A log group with no retention keeps every line forever, and bills for it.",
        fix="set a retention (faas-iac: log_retention_days=, 30 by default)",
        example='aws:cloudwatch/logGroup:LogGroup {"name": "/aws/lambda/orders"}',
        example_kind="resource",
        types=tuple(RETENTION),
        resource=no_retention,
    ),
    Rule(
        id="FIAC741",
        title="no alert on function errors",
        group="operations",
        severity="warning",
        targets=CLOUDS,
        rationale="A function that fails silently fails for days before anyone looks.",
        fix="keep error_alert=True (the default): faas-iac plans an alarm on the function's errors",
        example='@app.http("/x", error_alert=False)\ndef x(req, ctx): ...',
        model=no_alert,
        types=(LAMBDA, ALARM),
        stack=unalerted_lambdas,
    ),
    Rule(
        id="FIAC742",
        title="queue trigger without a dead-letter queue",
        group="operations",
        severity="warning",
        targets=TARGETS,
        rationale="A message that always fails (a poison message) is retried until it "
        "expires and is then lost, with nothing left to inspect or replay.",
        fix='give the trigger dead_letter=True (or a queue name), or the queue dead_letter="..."',
        example='@app.queue("jobs")\ndef work(msg, ctx): ...',
        model=no_dead_letter,
        types=(QUEUE, ESM, LAMBDA),
        stack=undeadlettered,
    ),
    Rule(
        id="FIAC743",
        title="queue visibility timeout shorter than its function's timeout",
        group="operations",
        severity="error",
        targets=TARGETS,
        rationale="A message becomes visible again while its function still works on it, so "
        "it is handled twice; AWS refuses such an event source mapping.",
        fix="give the queue a visibility_timeout at least the function's timeout (six times it "
        "is AWS's advice for batches)",
        example='app.declare(Queue("jobs", visibility_timeout=30))\n\n'
        '@app.queue("jobs", timeout=120, dead_letter=True)\ndef work(msg, ctx): ...',
        model=short_visibility,
        types=(QUEUE, ESM, LAMBDA),
        stack=short_visibility_resources,
        refusals=("FIAC302",),
    ),
)
