"""One function per kind of GCP delivery; each notes what its handler was given in
``$SEEN_FILE`` (JSON lines), so a test can compare it with what was sent."""

from __future__ import annotations

import json
import os
from typing import Any

from faas_iac import App, CloudEvent, Context, Message, TimerInfo

app = App("gcpevents", timeout=30)


def note(kind: str, **seen: Any) -> None:
    with open(os.environ["SEEN_FILE"], "a", encoding="utf-8") as out:
        out.write(json.dumps({"kind": kind, **seen}, sort_keys=True, default=str) + "\n")


def message(msg: Message) -> dict[str, Any]:
    return {
        "id": msg.id,
        "body": msg.body.decode("latin-1"),
        "attributes": dict(msg.attributes),
        "delivery_count": msg.delivery_count,
        "partition_key": msg.partition_key,
        "enqueued_at": msg.enqueued_at.isoformat() if msg.enqueued_at else None,
    }


def event(ev: CloudEvent) -> dict[str, Any]:
    return {"id": ev.id, "type": ev.type, "subject": ev.subject, "data": ev.data}


@app.queue("jobs", max_deliveries=5, dead_letter=True, visibility_timeout=60)
def on_job(msg: Message, ctx: Context) -> None:
    note("queue", **message(msg))
    if msg.body == b'{"fail": true}':
        raise RuntimeError("fails on purpose")


@app.topic("news", filter={"kind": ["item"]})
def on_news(msg: Message) -> None:
    note("topic", **message(msg))


@app.stream("clicks")
def on_click(msg: Message) -> None:
    note("stream", **message(msg))


@app.storage("files", events=["created", "deleted"], prefix="in/", suffix=".json")
def on_file(ev: CloudEvent) -> None:
    note("storage", **event(ev))


@app.table_changes("items")
def on_item(ev: CloudEvent) -> None:
    note("table", **event(ev))


@app.event({"source": ["shop"], "detail": {"total": [{"numeric": [">", 10]}]}})
def on_big_order(ev: CloudEvent) -> None:
    note("bus", **event(ev))


@app.schedule("0 */5 * * *", tz="Europe/Paris")
def tick(timer: TimerInfo) -> None:
    note("schedule", scheduled_time=timer.scheduled_time.isoformat(), past_due=timer.past_due)


@app.activity
def double(value: int) -> int:
    if value < 0:
        raise ValueError("negative")
    return value * 2
