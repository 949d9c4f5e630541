"""The test kit's trigger helpers on examples/triggers/app.py (one function per trigger, chained):
each event goes in through the host's own bindings and its subscribers run to completion; an
HTTP call goes through the host's ASGI app with its keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from faas_iac.testing import TestEnv
from tests.local.hostproc import ROOT

APP = str(ROOT / "examples" / "triggers" / "app.py")
START = datetime(2031, 1, 1, tzinfo=UTC)
CHAIN = ["table", "storage", "event", "stream", "topic", "queue"]


@pytest.fixture
def env() -> Iterator[TestEnv]:
    with TestEnv(APP, start=START) as kit:
        yield kit


def seen(env: TestEnv, key: str) -> dict[str, object] | None:
    return env.bindings.table_get("seen", {"id": key})


def test_one_http_call_runs_the_whole_chain(env: TestEnv) -> None:
    answer = env.http.post("/api/items", json={"id": "a1"})
    assert (answer.status_code, answer.json()) == (201, {"stored": "a1"})
    env.settle()

    file = "items/a1.json"
    assert seen(env, "table:a1") == {"id": "table:a1", "change": "record.inserted"}
    assert seen(env, f"storage:{file}:object.created") is not None
    for step in CHAIN[2:]:
        assert seen(env, f"{step}:{file}") is not None, step
    assert [i.function for i in env.invocations("on_job")] == ["on_job"]
    assert env.invocations("tick") == []  # the clock did not move: no second has passed


def test_each_helper_runs_its_subscribers_to_completion(env: TestEnv) -> None:
    runs = env.table_put("items", {"id": "b2"})
    assert [(r.function, r.ok, r.payload.type) for r in runs] == [
        ("on_item", True, "record.inserted")
    ]
    runs = env.put_object("files", "items/c3.json", b"{}")
    assert [(r.function, r.payload.subject) for r in runs] == [("on_file", "items/c3.json")]
    assert env.put_object("files", "notes/c3.txt", b"x") == []  # prefix and suffix filter
    runs = env.emit("files", "file.stored", {"key": "d4", "size": 3})
    assert [r.function for r in runs] == ["on_stored"]
    assert env.emit("files", "file.stored", {"key": "d4", "size": 0}) == []  # pattern
    runs = env.put_record("clicks", {"key": "e5"}, partition_key="e5")
    assert [r.payload.partition_key for r in runs] == ["e5"]
    assert env.publish("news", {"key": "f6"}, kind="other") == []  # filter
    assert [r.function for r in env.publish("news", {"key": "f6"}, kind="item")] == ["on_news"]
    runs = env.send("jobs", {"key": "g7"})
    assert [(r.ok, r.payload.delivery_count) for r in runs] == [(True, 1)]
    assert seen(env, "queue:g7") == {"id": "queue:g7", "deliveries": 1}


def test_a_failing_job_is_retried_then_dead_lettered(env: TestEnv) -> None:
    runs = env.send("jobs", {"key": "h8", "fail": True})

    # examples/triggers: max_deliveries=5, then the dead-letter queue
    assert [(r.ok, r.payload.delivery_count) for r in runs] == [(False, n) for n in range(1, 6)]
    assert str(runs[0].error) == "job h8 fails on purpose"
    dead = env.messages("jobs-dlq")
    assert [json.loads(d["body"]) for d in dead] == [{"key": "h8", "fail": True}]


def test_keys_are_the_hosts(env: TestEnv) -> None:
    assert env.http_client(key=None).post("/api/items", json={"id": "x"}).status_code == 401
    assert env.http_client(key=None).get("/api/hello/ann").json() == {"hello": "ann", "lang": "en"}
    own = env.http_client(key=env.function_key("add_item"))
    assert own.post("/api/items", json={"id": "k1"}).status_code == 201
    other = env.http_client(key=env.function_key("seen"))
    assert other.post("/api/items", json={"id": "k2"}).status_code == 401


def test_the_readme_example_is_the_one_make_test_runs() -> None:
    """README's "Testing your app" shows tests of examples/durable/tests word for word."""
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("## Testing your app", 1)[1].split("```python\n", 1)[1].split("```")[0]
    example = (ROOT / "examples/durable/tests/test_durable_patterns_kit.py").read_text()
    tests = ["def test_" + part for part in shown.split("\ndef test_")[1:]]
    assert len(tests) == 3
    for test in tests:
        assert test.strip() in example
