"""Event-bus patterns judged by moto's EventBridge pattern matcher (an independent
implementation of the same semantics), over generated events."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from moto.events.models import EventPattern

from faas_iac.runtime.patterns import matches, storage_matches

PATTERNS: list[dict[str, Any]] = [
    {"source": ["files"]},
    {"source": ["files", "orders"], "type": ["file.stored"]},
    {"detail": {"size": [{"numeric": [">", 0]}]}},
    {"detail": {"size": [{"numeric": [">=", 10, "<", 20]}]}},
    {"detail": {"key": [{"prefix": "items/"}]}},
    {"detail": {"key": [{"suffix": ".json"}]}},
    {"detail": {"tag": [{"exists": True}]}},
    {"detail": {"tag": [{"exists": False}]}},
    {"detail": {"tag": [{"anything-but": ["red"]}]}},
    {"source": ["files"], "detail": {"key": [{"prefix": "a"}], "size": [5, 7]}},
    {"detail": {"nested": {"level": ["deep"]}}},
]

events = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["files", "orders", "other"]),
        "type": st.sampled_from(["file.stored", "order.placed"]),
        "detail": st.fixed_dictionaries(
            {
                "key": st.sampled_from(["items/a.json", "a.txt", "b/items/", "ab"]),
                "size": st.integers(-2, 25),
            },
            optional={
                "tag": st.sampled_from(["red", "blue"]),
                "nested": st.fixed_dictionaries({"level": st.sampled_from(["deep", "shallow"])}),
            },
        ),
    }
)


def _bridge(pattern: dict[str, Any]) -> dict[str, Any]:
    return {("detail-type" if k == "type" else k): v for k, v in pattern.items()}


@settings(max_examples=150, deadline=None)
@given(event=events)
def test_patterns_agree_with_eventbridge(event: dict[str, Any]) -> None:
    bridge_event = {
        "source": event["source"],
        "detail-type": event["type"],
        "detail": event["detail"],
    }
    for pattern in PATTERNS:
        expected = EventPattern.load(json.dumps(_bridge(pattern))).matches_event(bridge_event)
        assert matches(pattern, event) == expected, (pattern, event)


def test_topic_filters_match_attributes() -> None:
    assert matches({"kind": ["item"]}, {"kind": "item", "x": "1"})
    assert not matches({"kind": ["item"]}, {"kind": "ad"})
    assert not matches({"kind": ["item"]}, {})
    assert matches({"kind": "item"}, {"kind": "item"})


def test_storage_filters() -> None:
    assert storage_matches(("created",), "items/", ".json", "created", "items/a.json")
    assert not storage_matches(("created",), "items/", ".json", "deleted", "items/a.json")
    assert not storage_matches(("created", "deleted"), "items/", ".json", "created", "x/a.json")
    assert not storage_matches(("created",), "", ".json", "created", "a.txt")
