"""Topic filters as Pub/Sub subscription filters, in the forms Pub/Sub's filter documentation
gives (``attributes.k = "v"``, ``hasPrefix(attributes.k, "p")``, ``attributes:k`` for
presence, ``NOT``, ``AND``, ``OR`` in parentheses); what Pub/Sub cannot test (suffixes,
numbers) is refused with FIAC503, never dropped."""

from __future__ import annotations

from typing import Any

import pytest
from faas_iac_gcp.plan.filters import pubsub_filter

from faas_iac.model import Function, HandlerRef, TopicTrigger


def fn(filt: dict[str, Any]) -> Function:
    return Function(
        name="on_news",
        handler=HandlerRef(module="app", qualname="on_news"),
        trigger=TopicTrigger(topic="news", filter=filt),
        source="app.py:9",
    )


@pytest.mark.parametrize(
    ("filt", "expected"),
    [
        ({"kind": "item"}, 'attributes.kind = "item"'),
        ({"kind": ["a", "b"]}, '(attributes.kind = "a" OR attributes.kind = "b")'),
        ({"kind": [{"prefix": "it"}]}, 'hasPrefix(attributes.kind, "it")'),
        ({"kind": [{"exists": True}]}, "attributes:kind"),
        ({"kind": [{"exists": False}]}, "NOT attributes:kind"),
        (
            {"kind": [{"anything-but": ["a", "b"]}]},
            '(attributes:kind AND attributes.kind != "a" AND attributes.kind != "b")',
        ),
        (
            {"region": "eu", "kind": ["x", {"prefix": 'q"'}]},
            '(attributes.kind = "x" OR hasPrefix(attributes.kind, "q\\"")) '
            'AND attributes.region = "eu"',
        ),
    ],
)
def test_filter_in_pubsub_syntax(filt: dict[str, Any], expected: str) -> None:
    assert pubsub_filter(fn(filt), filt) == (expected, [])


@pytest.mark.parametrize(
    "filt",
    [{"kind": [{"suffix": "m"}]}, {"n": [{"numeric": [">", 1]}]}, {"a": {"nested": "x"}}],
)
def test_what_pubsub_cannot_test_is_refused(filt: dict[str, Any]) -> None:
    text, problems = pubsub_filter(fn(filt), filt)
    assert text == ""
    assert [(d.code, d.location, d.path) for d in problems] == [
        ("FIAC503", "app.py:9", "functions.on_news.trigger.filter")
    ]
