from __future__ import annotations

from faas_iac import compile, validate
from tests.conftest import EXAMPLES


def test_shop_example_validates_with_every_trigger_kind_it_declares() -> None:
    model = validate(str(EXAMPLES / "shop" / "app.py"))
    kinds = sorted(fn.trigger.type for fn in model.functions)
    assert kinds == ["activity", "activity", "http", "http", "orchestration", "queue", "schedule"]
    queue = model.resource("queue", "orders")
    assert queue.dead_letter == "orders-dlq" and queue.max_deliveries == 5
    assert model.function("nightly_report").trigger.cron == "0 0 2 * * *"


def test_local_plan_is_byte_identical_twice() -> None:
    first = compile(str(EXAMPLES / "shop" / "app.py"), "local").to_json()
    second = compile(str(EXAMPLES / "shop" / "app.py"), "local").to_json()
    assert first == second
    assert '"provider": "local"' in first
