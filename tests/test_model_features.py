"""The model can say every row of the capability table (shared FEATURES.md)."""

from __future__ import annotations

from pathlib import Path

from faas_iac.api import load

APP = Path(__file__).parent / "apps" / "features" / "app.py"


def test_every_capability_row_is_expressible() -> None:
    model, _ = load(str(APP))
    fn = model.function
    files = fn("files")
    assert (files.runtime, files.memory, files.timeout) == ("python3.12", 512, 60)
    assert files.env == {"STAGE": "test"} and files.tags == {"team": "core"}
    assert files.secrets == {"STRIPE_KEY": "stripe-key"}
    assert files.scaling.model_dump() == {
        "max_instances": 20, "min_instances": 1, "reserved_concurrency": 50, "concurrency": 8,
    }  # fmt: skip
    assert files.monitoring.model_dump() == {
        "log_retention_days": 14, "tracing": True, "error_alert": True,
    }  # fmt: skip
    assert {(b.ref, b.access) for b in files.bindings} == {
        ("bucket:archive", "readwrite"), ("table:profiles", "read"), ("secret:stripe-key", "read"),
    }  # fmt: skip
    trig = files.trigger
    assert trig.type == "http" and trig.auth == "jwt" and trig.jwt is not None
    assert fn("health").trigger.auth == "anonymous"
    assert fn("admin").trigger.methods == (
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
    )
    assert fn("weekday").trigger.cron == "0 30 9 * * 1-5"
    assert fn("weekday").trigger.tz == "America/New_York"
    poll = fn("poll").trigger
    assert poll.cron is None and poll.every == "7 minutes" and poll.run_on_startup
    signups = model.resource("queue", "signups")
    assert (signups.visibility_timeout, signups.max_deliveries, signups.dead_letter) == (
        120, 3, "signups-poison",
    )  # fmt: skip
    assert model.resource("queue", "signups-poison").name == "signups-poison"
    assert fn("alert").trigger.filter == {"severity": ["high", "critical"]}
    storage = fn("thumbnail").trigger
    assert (storage.events, storage.prefix, storage.suffix) == (
        ("created", "deleted"),
        "in/",
        ".png",
    )
    assert model.resource("table", "orders").change_stream is True
    assert model.resource("table", "profiles").sort_key == "ts"
    assert model.resource("stream", "clicks").partitions == 4
    assert fn("clicks").trigger.batch_size == 500
    assert fn("paid").trigger.bus == "billing"
    assert [f.kind for f in (fn("onboarding"), fn("welcome"), fn("counter"))] == [
        "orchestrator", "activity", "entity",
    ]  # fmt: skip
    resize = fn("resize")
    assert resize.runtime == "nodejs20" and not resize.handler.python
    assert resize.handler.code == "js" and resize.memory == 1024
    assert model.durable.task_hub == "FeaturesHub" and model.durable.durability == "normal"
    assert model.requirements == ("httpx>=0.27",)
    assert model.resource("queue", "emails").fifo is True
    assert model.resource("bucket", "archive").versioning is True
    kinds = {r.kind for r in model.resources}
    assert kinds == {"queue", "topic", "bucket", "table", "secret", "bus", "stream"}
