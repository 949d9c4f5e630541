"""Orchestrators Step Functions cannot run (the translator refuses each: a ``try``/``finally``,
``for``/``else``, a nested function, a lambda, a yield inside an expression, a race of an
activity against a timer), which AWS runs on Lambda durable functions by default. Judged by
tests/aws/test_lambda_durable.py (the same status, output and activity calls as the local
engine) and, every IAM statement, by tests/aws/test_pulumi.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import App

app = App("refused")


#: inputs ``work`` finished with and ``cleanup`` has not seen yet: the clean-up says whether
#: it ran after the work, as a ``finally`` must
FINISHED: set[Any] = set()


@app.orchestrator
def try_finally(ctx: Any) -> Any:
    done = []
    try:
        done.append((yield ctx.call_activity("work", ctx.get_input())))
    finally:
        done.append((yield ctx.call_activity("cleanup", ctx.get_input())))
    return done


@app.orchestrator
def for_else(ctx: Any) -> Any:
    for item in ctx.get_input():
        if (yield ctx.call_activity("work", item)) == "work:stop":
            break
    else:
        return "no stop"
    return f"stopped at {item}"


@app.orchestrator
def nested_function(ctx: Any) -> Any:
    def label(value: Any) -> str:
        return f"<{value}>"

    return label((yield ctx.call_activity("work", ctx.get_input())))


@app.orchestrator
def lambda_value(ctx: Any) -> Any:
    twice = lambda text: text + text  # noqa: E731 (the construct under test)
    return twice((yield ctx.call_activity("other", ctx.get_input())))


@app.orchestrator
def yield_in_expression(ctx: Any) -> Any:
    return (yield ctx.call_activity("work", 1)) if ctx.get_input() else "skipped"


@app.orchestrator
def activity_beats_timer(ctx: Any) -> Any:
    work = ctx.call_activity("work", ctx.get_input())
    timer = ctx.create_timer(ctx.current_utc_datetime + timedelta(hours=1))
    first = yield ctx.task_any([work, timer])
    if first is work:
        timer.cancel()
        return first.result
    return "timed out"


@app.activity
def work(value: Any) -> str:
    FINISHED.add(repr(value))
    return f"work:{value}"


@app.activity
def cleanup(value: Any) -> str:
    if repr(value) in FINISHED:
        FINISHED.discard(repr(value))
        return "cleaned up after the work"
    return "cleaned up BEFORE the work ended"


@app.activity
def other(value: Any) -> str:
    return f"other:{value}"
