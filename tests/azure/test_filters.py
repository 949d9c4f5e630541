"""The portable pattern language on Azure: topic filters as Service Bus SQL, event patterns as
Event Grid filters (the triggers example's patterns included)."""

from __future__ import annotations

from typing import Any

import pytest
from faas_iac_azure.plan.filters import event_filter, sql_filter

from faas_iac.errors import FaasError
from faas_iac.model import Function

from .support import EXAMPLES, compiled

FN = Function.model_validate(
    {
        "name": "f",
        "handler": {"module": "m", "qualname": "f"},
        "trigger": {"type": "event", "pattern": {"type": ["x"]}},
    }
)


@pytest.mark.parametrize(
    ("filt", "sql"),
    [
        ({"kind": "job"}, "kind = 'job'"),
        ({"kind": ["a", "b"], "n": 3}, "kind IN ('a', 'b') AND n = 3"),
        ({"region": {"prefix": "eu-"}}, "region LIKE 'eu-%'"),
        ({"file": {"suffix": ".csv"}}, "file LIKE '%.csv'"),
        ({"x": {"exists": False}}, "x IS NULL"),
        ({"x": {"anything-but": ["a", "b"]}}, "x NOT IN ('a', 'b')"),
        ({"size": {"numeric": [">", 0, "<=", 10]}}, "size > 0 AND size <= 10"),
        ({"k": ["a", {"prefix": "b"}]}, "(k IN ('a') OR k LIKE 'b%')"),
        ({"q": "it's"}, "q = 'it''s'"),
    ],
)
def test_topic_filters_become_sql(filt: dict[str, Any], sql: str) -> None:
    assert sql_filter(filt, FN) == sql


def test_event_pattern_matchers_become_advanced_filters() -> None:
    pattern = {
        "source": ["files"],
        "type": ["file.stored"],
        "detail": {"size": [{"numeric": [">", 0]}], "meta": {"tag": {"prefix": "a"}}},
    }
    assert event_filter(pattern, FN) == {
        "included_event_types": ["file.stored"],
        "advanced_filters": [
            {"key": "data.meta.tag", "operator_type": "StringBeginsWith", "values": ["a"]},
            {"key": "data.size", "operator_type": "NumberGreaterThan", "value": 0},
            {"key": "Subject", "operator_type": "StringIn", "values": ["files"]},
        ],
    }


@pytest.mark.parametrize(
    "pattern",
    [
        {"detail": {"k": ["a", {"prefix": "b"}]}},
        {"detail": {"k": ["a", 1]}},
        {"account": ["x"]},
    ],
)
def test_what_event_grid_cannot_or_is_refused(pattern: dict[str, Any]) -> None:
    with pytest.raises(FaasError) as info:
        event_filter(pattern, FN)
    assert info.value.codes == ["FIAC408"]


def test_triggers_example_subscriptions() -> None:
    plan = compiled(EXAMPLES / "triggers" / "app.py").plan
    stored = plan.resource("egs-on_stored").properties["filter"]
    assert {"key": "data.size", "operator_type": "NumberGreaterThan", "value": 0} in stored[
        "advanced_filters"
    ]
