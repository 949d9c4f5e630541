"""Idioms Durable Functions users write, which the translator carries to every target: Azure's
RetryOptions, comprehensions and generator expressions with filters inside sum / any / all /
min / max / sorted / reversed / list. Activities are pure functions of their input."""

from __future__ import annotations

import json
from typing import Any

from faas_iac import App, RetryOptions

app = App("idioms")

# Azure's RetryOptions (azure.durable_functions) translates the same way (tests/translate/
# test_retries.py); the local engine runs faas_iac's here until it accepts Azure's at run time.
RETRY = RetryOptions(1000, 2)


@app.orchestrator
def totals(ctx: Any) -> Any:
    order = ctx.get_input()
    priced = yield ctx.task_all([ctx.call_activity("price", i) for i in order["items"]])
    big = [p for p in priced if p >= 5 if p < 100]
    return {
        "total": sum(p for p in priced),
        "big": big,
        "count_big": len([p for p in priced if p >= 5]),
        "any_free": any(p == 0 for p in priced),
        "all_small": all(p < 10 for p in priced),
        "cheapest": min(priced),
        "dearest": max(p * 2 for p in priced if p > 0),
        "last_first": list(reversed(priced)),
    }


@app.orchestrator
def sorted_labels(ctx: Any) -> Any:
    words = ctx.get_input()
    retry = RetryOptions(first_retry_interval_in_milliseconds=1000, max_number_of_attempts=3)
    shouted = yield ctx.call_activity_with_retry("shout_all", retry_options=retry, input_=words)
    again = yield ctx.call_activity_with_retry("shout_all", RETRY, shouted)
    return {"up": sorted(again), "down": sorted(again, reverse=True), "n": len(list(again))}


@app.activity
def price(item: str) -> float:
    """``"2x3.5"``: quantity times unit price (items are text: workflows-emulator's parallel
    ``for`` cannot iterate over maps)."""
    qty, unit = item.split("x")
    return int(qty) * float(unit)


@app.activity
def shout_all(words: list[str]) -> list[str]:
    return [w.upper() for w in words]


@app.orchestrator
def loops(ctx: Any) -> Any:
    words = ctx.get_input()
    found = None
    checked = 0
    for w in words:
        if w == "skip":
            continue
        checked += 1
        up = yield ctx.call_activity("echo", w.upper())
        if up == "BOB":
            found = up
            break
    tries = 0
    while True:
        tries += 1
        n = yield ctx.call_activity("echo", tries)
        if n >= 3:
            break
    i = 0
    odd = []
    while i < 6:
        i += 1
        if i % 2 == 0:
            continue
        v = yield ctx.call_activity("echo", i)
        odd = odd + [v]  # noqa: RUF005 (the translated form)
        if v > 3:
            break
    return {"found": found, "checked": checked, "tries": tries, "odd": odd, "i": i}


@app.orchestrator
def count_up(ctx: Any) -> Any:
    """A loop entered for sure whose body starts with an assignment: every round runs it."""
    i = 0
    seen = []
    while i < 3:
        i += 1
        v = yield ctx.call_activity("echo", i * 10)
        seen = seen + [v]  # noqa: RUF005 (the translated form)
    while sum(x for x in seen if x > 10) < 100:  # a test Workflows computes in steps
        v = yield ctx.call_activity("echo", 25)
        seen = seen + [v]  # noqa: RUF005 (the translated form)
    return {"i": i, "seen": seen}


@app.orchestrator
def status_text(ctx: Any) -> Any:
    """A plain-string custom status, and a constant string returned."""
    ctx.set_custom_status("started")
    yield ctx.call_activity("echo", 1)
    ctx.set_custom_status(f"done: {ctx.get_input()}")
    return "finished"


@app.orchestrator
def yields_inside(ctx: Any) -> Any:
    """Yields inside expressions, run in Python's order: as a method's argument, inside an
    operand, in an augmented assignment, two in one literal."""
    names = ctx.get_input()
    got: list[Any] = []
    for name in names:
        got.append((yield ctx.call_activity("echo", name)))
    total = len(got) + len((yield ctx.call_activity("echo", names)))
    total += yield ctx.call_activity("echo", 10)
    pair = [(yield ctx.call_activity("echo", "a")), (yield ctx.call_activity("echo", "b"))]
    return {"got": got, "total": total, "pair": pair}


@app.orchestrator
def json_text(ctx: Any) -> Any:
    """``json.dumps`` as Python writes it: floats on their own (``1.0`` stays ``1.0``, where
    Step Functions has one number type), escapes, keys sorted; the text sent to an activity."""
    names = [str(n) for n in ctx.get_input()]
    count = len(names)
    half = json.dumps(count / 2)
    share = json.dumps(1 / max(count, 1) if count != 2 else 0.25)
    text = json.dumps(
        {"names": names, "count": count, "share": count / 4, "ok": True, "none": None},
        sort_keys=True,
    )
    listed = json.dumps([count / 2, [count, 0.5], {"z": 1.0, "a": names}])
    saved = yield ctx.call_activity("echo", text)
    tallies = yield ctx.call_activity("tally", names)  # annotated: its numbers are ints
    return [half, share, text, saved, json.dumps(tallies, sort_keys=True), listed]


@app.orchestrator
def guarded(ctx: Any) -> Any:
    """Branches Python computes only when chosen, each failing when the other one is: a
    division by zero, an index past the end, a sum with None."""
    got = ctx.get_input()
    n, items, extra = got["n"], got["items"], got["extra"]
    echoed = yield ctx.call_activity("echo", n)
    return {
        "share": 12 // n if n else -1,
        "first": items[0] if items else "none",
        "plus": extra + 1 if extra is not None else -1,
        "echoed": 60 // echoed if echoed != 0 else 0,
        "big": extra is not None and extra > 1,
        "small": extra is None or extra < 10,
    }


@app.activity
def tally(names: list[str]) -> dict[str, int]:
    return {name: len(name) for name in reversed(names)}


@app.activity
def echo(value: Any) -> Any:
    return value
