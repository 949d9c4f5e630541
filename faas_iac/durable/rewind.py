"""Rewinding a Failed instance: the history it resumes from.

The history is cut at its first failure (a failed activity or sub-orchestration, else the end
of the execution): events before the cut stay; after it, only completions of work scheduled
before the cut (those results are kept) and raised events (they are not lost) stay. Every
failure event and the ``ExecutionCompleted`` go, so the failed calls are open again and run
anew; scheduling events after the cut go too, since the code schedules them again on its way
(orchestrator code that handled the first failure takes the path of success this time). An
``ExecutionRewound`` event records the rewind and its reason.
"""

from __future__ import annotations

from typing import Any

from .orchestration import SCHEDULING_EVENTS

FAILURES = frozenset({"TaskFailed", "SubOrchestrationInstanceFailed"})


def rewound(history: list[dict[str, Any]], reason: str | None, now: float) -> list[dict[str, Any]]:
    cut = next(
        (
            n
            for n, e in enumerate(history)
            if e["type"] in FAILURES or e["type"] == "ExecutionCompleted"
        ),
        len(history),
    )
    kept = history[:cut]
    before = {e["id"] for e in kept if e["type"] in SCHEDULING_EVENTS}
    for event in history[cut:]:
        kind = event["type"]
        if kind == "EventRaised" or (
            kind not in FAILURES
            and kind not in SCHEDULING_EVENTS
            and kind != "ExecutionCompleted"
            and event.get("id") in before
        ):
            kept.append(event)
    kept.append({"type": "ExecutionRewound", "reason": reason, "ts": now})
    return kept
