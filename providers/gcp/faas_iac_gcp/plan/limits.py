"""Everything GCP cannot do for an app, found at once (the planner raises one
``NotExpressible`` with all of it). Pure.

Cloud Functions gen2: HTTP functions run up to 3,600 s, event-driven ones (Pub/Sub push,
Eventarc) up to 540 s, Cloud Scheduler waits at most 1,800 s; Pub/Sub dead-letters after 5 to
100 delivery attempts and waits at most 600 s for an ack.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from faas_iac.errors import Diagnostic, NotExpressible
from faas_iac.model import AppModel, Function

from .filters import pubsub_filter
from .functions import MAX_ATTEMPTS, MIN_ATTEMPTS, RUNTIMES
from .names import delivery, function_name
from .schedule import rendered

EVENT_TIMEOUT = 540
SCHEDULER_TIMEOUT = 1800
#: delivery → the longest timeout GCP gives it (HTTP and activities: the model's 3,600 s)
LIMITS = {
    "push": EVENT_TIMEOUT,
    "bus": EVENT_TIMEOUT,
    "storage": EVENT_TIMEOUT,
    "firestore": EVENT_TIMEOUT,
    "schedule": SCHEDULER_TIMEOUT,
}


def _where(fn: Function, field: str) -> tuple[str, str]:
    return fn.source, f"functions.{fn.name}.{field}"


def _function(app: AppModel, fn: Function) -> Iterator[Diagnostic]:
    kind = delivery(fn)
    if kind == "none":
        return
    if fn.runtime not in RUNTIMES:
        yield Diagnostic(
            "FIAC500",
            f"runtime {fn.runtime} is not offered by Cloud Functions gen2",
            f"pick one of {', '.join(RUNTIMES)}",
            *_where(fn, "runtime"),
        )
    limit = LIMITS.get(kind)
    if limit is not None and fn.timeout > limit:
        yield Diagnostic(
            "FIAC501",
            f"{fn.name!r} asks for {fn.timeout} s, but a {fn.trigger.type}-triggered function on "
            f"GCP is given at most {limit} s",
            f"lower timeout= to {limit} or less, or split the work into a durable orchestration",
            *_where(fn, "timeout"),
        )
    t: Any = fn.trigger
    if t.type == "http" and t.auth == "jwt":
        yield Diagnostic(
            "FIAC504",
            f"{fn.name!r}: Cloud Functions check Google identity tokens only, not a JWT issuer",
            'use auth="iam" (callers need roles/run.invoker) or auth="anonymous" and check '
            "the token in the handler",
            *_where(fn, "trigger.auth"),
        )
    if t.type == "schedule":
        try:
            rendered(fn)
        except NotExpressible as exc:
            yield from exc.diagnostics
    if t.type == "topic" and t.filter:
        yield from pubsub_filter(fn, t.filter)[1]
    if t.type == "queue":
        queue = app.resource("queue", t.queue)
        if queue.visibility_timeout < fn.timeout:
            yield Diagnostic(
                "FIAC502",
                f"queue {t.queue!r} waits {queue.visibility_timeout} s for an ack but "
                f"{fn.name!r} may run {fn.timeout} s: Pub/Sub would deliver the message again "
                "while the first delivery still runs",
                f"give the queue visibility_timeout={fn.timeout} or more (or lower the "
                "function's timeout)",
                *_where(fn, "trigger.visibility_timeout"),
            )
        if queue.dead_letter and not MIN_ATTEMPTS <= queue.max_deliveries <= MAX_ATTEMPTS:
            yield Diagnostic(
                "FIAC507",
                f"queue {t.queue!r} dead-letters after {queue.max_deliveries} deliveries; "
                f"Pub/Sub allows {MIN_ATTEMPTS} to {MAX_ATTEMPTS}",
                f"give max_deliveries between {MIN_ATTEMPTS} and {MAX_ATTEMPTS}",
                *_where(fn, "trigger.max_deliveries"),
            )


def problems(app: AppModel) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    names: dict[str, str] = {}
    for fn in app.functions:
        found += _function(app, fn)
        if delivery(fn) == "none":
            continue
        gcp_name = function_name(app.name, fn.name)
        if gcp_name in names:
            found.append(
                Diagnostic(
                    "FIAC506",
                    f"functions {names[gcp_name]!r} and {fn.name!r} are both named "
                    f"{gcp_name!r} on GCP (lowercase, '-' for '_')",
                    "rename one of them",
                    *_where(fn, "name"),
                )
            )
        names[gcp_name] = fn.name
    return found
