"""Idioms Durable Functions users write, which the translator carries to every target: Azure's
RetryOptions, comprehensions and generator expressions with filters inside sum / any / all /
min / max / sorted / reversed / list. Activities are pure functions of their input."""

from __future__ import annotations

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
