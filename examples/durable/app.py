"""Durable Functions patterns, each in its own module, taken from the scenarios of the public
Azure Durable Functions Python samples (written anew): chaining and the async HTTP API,
fan-out/fan-in, monitor, human interaction, counter and aggregator entities,
sub-orchestrations, saga, retry with backoff, continue_as_new and custom status.

Run it: ``faas-iac dev examples/durable/app.py``, then
``faas-iac durable start hello_sequence`` and ``faas-iac durable status ID``.
"""

from __future__ import annotations

from patterns import (
    chaining,
    entities,
    eternal,
    fan_out,
    human,
    monitor,
    retry,
    saga,
    sub_orchestration,
)

from faas_iac import App

app = App(
    "durable-patterns",
    durable={"max_concurrent_activities": 32, "max_concurrent_orchestrations": 1000},
)
for module in (
    chaining,
    fan_out,
    monitor,
    human,
    entities,
    sub_orchestration,
    saga,
    retry,
    eternal,
):
    app.register(module.bp)
