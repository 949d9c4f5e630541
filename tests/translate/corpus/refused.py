"""Orchestrators the translator must refuse: one coded, located error each.

The line that must be blamed ends with ``# expect FIAC6xx``. Activities are ``work`` and
``other``; the only sub-orchestrator is ``child``.
"""
# ruff: noqa
from __future__ import annotations

import random
import time
import uuid
from datetime import datetime
from typing import Any

from faas_iac.runtime.durable import RetryOptions

LIMIT = 3


def random_choice(ctx: Any) -> Any:
    pick = random.random()  # expect FIAC603
    return (yield ctx.call_activity("work", pick))


def wall_clock(ctx: Any) -> Any:
    now = time.time()  # expect FIAC603
    yield ctx.call_activity("work", now)


def fresh_uuid(ctx: Any) -> Any:
    yield ctx.call_activity("work", str(uuid.uuid4()))  # expect FIAC603


def datetime_now(ctx: Any) -> Any:
    stamp = datetime.now()  # expect FIAC603
    yield ctx.call_activity("work", stamp)


def reads_a_file(ctx: Any) -> Any:
    text = open("config.json").read()  # expect FIAC604
    yield ctx.call_activity("work", text)


def prints(ctx: Any) -> Any:
    print("starting")  # expect FIAC604
    yield ctx.call_activity("work", 1)


def imports_inside(ctx: Any) -> Any:
    import json  # expect FIAC604

    yield ctx.call_activity("work", json.dumps({}))


def with_block(ctx: Any) -> Any:
    with open("x") as f:  # expect FIAC604
        yield ctx.call_activity("work", f.read())


def general_race(ctx: Any) -> Any:
    a = ctx.call_activity("work", 1)
    b = ctx.call_activity("other", 2)
    first = yield ctx.task_any([a, b])  # expect FIAC606
    return first


def dynamic_event_name(ctx: Any) -> Any:
    name = ctx.get_input()["event"]
    return (yield ctx.wait_for_external_event(name))  # expect FIAC607


def unknown_activity(ctx: Any) -> Any:
    return (yield ctx.call_activity("does_not_exist", 1))  # expect FIAC611


def unknown_sub_orchestrator(ctx: Any) -> Any:
    return (yield ctx.call_sub_orchestrator("nobody", 1))  # expect FIAC611


def invalid_retry(ctx: Any) -> Any:
    return (yield ctx.call_activity_with_retry("work", RetryOptions(0, 3), 1))  # expect FIAC608


def absolute_timer(ctx: Any) -> Any:
    yield ctx.create_timer(datetime(2030, 1, 1))  # expect FIAC609


def entity_call(ctx: Any) -> Any:
    return (yield ctx.call_entity(ctx.get_input(), "add", 1))  # expect FIAC607


def entity_lock(ctx: Any) -> Any:
    yield ctx.lock([ctx.get_input()])  # expect FIAC610
    return None


def yields_a_value(ctx: Any) -> Any:
    x = yield 42  # expect FIAC605
    return x


def yield_in_expression(ctx: Any) -> Any:
    # evaluated only when the input is truthy: not hoisted before the statement
    return (yield ctx.call_activity("work", 1)) if ctx.get_input() else 0  # expect FIAC605


def task_as_value(ctx: Any) -> Any:
    task = ctx.call_activity("work", 1)
    return {"task": task}  # expect FIAC612


def error_as_value(ctx: Any) -> Any:
    try:
        return (yield ctx.call_activity("work", 1))
    except Exception as error:
        return {"error": error}  # expect FIAC612


def code_after_return(ctx: Any) -> Any:
    return 1
    yield ctx.call_activity("work", 1)  # expect FIAC612


def for_else(ctx: Any) -> Any:
    for x in ctx.get_input():  # expect FIAC613
        yield ctx.call_activity("work", x)
    else:
        return None


def while_else(ctx: Any) -> Any:
    n = 0
    while n < LIMIT:  # expect FIAC613
        n = yield ctx.call_activity("work", n)
    else:
        n = -1
    return n


def nested_function(ctx: Any) -> Any:
    def helper(x: int) -> int:  # expect FIAC614
        return x + 1

    return (yield ctx.call_activity("work", helper(1)))


def lambda_value(ctx: Any) -> Any:
    double = lambda x: x * 2  # expect FIAC614
    return (yield ctx.call_activity("work", 1))


def global_state(ctx: Any) -> Any:
    global LIMIT  # expect FIAC603
    LIMIT = yield ctx.call_activity("work", 1)


def try_finally(ctx: Any) -> Any:
    try:  # expect FIAC601
        return (yield ctx.call_activity("work", 1))
    finally:
        yield ctx.call_activity("other", 1)


def continue_then_more(ctx: Any) -> Any:
    ctx.continue_as_new(1)
    yield ctx.call_activity("work", 1)  # expect FIAC612
