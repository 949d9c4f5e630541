"""Durable entities on GCP: examples/durable's entity functions served by functions-framework
from the generated ``gcp-app/``, each operation run in a transaction over the entity's state
(here a dict behind a lock, standing for Firestore's transaction), driven through the portable
client's ``signal_entity``; results and states equal the local engine's entity table for the
same operations (a failing operation leaves the state as it was; ``destruct_on_exit`` deletes
it)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import functions_framework
import pytest
from faas_iac_gcp.runtime.durable import GcpDurableClient

from faas_iac.api import load
from faas_iac.durable import codec
from faas_iac.durable.entities import EntityTable
from faas_iac.durable.entity_id import EntityId
from faas_iac.translate import handler_of
from tests.gcp import ff

DURABLE = Path(__file__).resolve().parents[2] / "examples" / "durable" / "app.py"
OPERATIONS: list[tuple[str, str, str, Any]] = [
    ("counter", "k1", "add", 5),
    ("counter", "k1", "add", 7),
    ("counter", "k2", "add", 1),
    ("counter", "k1", "add", "not a number"),  # fails: the state stays 12
    ("counter", "k1", "get", None),
    ("aggregator", "s1", "record", 3.5),
    ("aggregator", "s1", "record", 1.5),
    ("aggregator", "s1", "get", None),
    ("counter", "k2", "delete", None),  # destruct_on_exit
    ("counter", "k2", "add", 2),  # starts again from 0
]


class Documents:
    """A collection behind one lock: each step runs alone, as in a Firestore transaction."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def transact(self, step: Any) -> Any:
        with self.lock:
            view: MutableMapping[str, dict[str, Any]] = dict(self.items)
            result = step(view)
            self.items = dict(view)
            return result


def local_outcomes() -> tuple[list[Any], dict[str, Any]]:
    model, _ = load(str(DURABLE))
    table = EntityTable(
        {fn.name: handler_of(fn) for fn in model.by_kind("entity")}, lambda _: (None, False)
    )
    results = []
    for entity, key, op, value in OPERATIONS:
        rows: list[Any] = []
        done = table.run(str(EntityId(entity, key)), op, codec.dumps(value), rows)
        results.append(codec.loads(done.result_json) if done.ok else "failed")
    states = {}
    for entity, key in {(e, k) for e, k, _, _ in OPERATIONS}:
        state, exists = table._cache[str(EntityId(entity, key))]
        states[f"{entity}@{key}"] = codec.loads(state) if exists and state else None
    return results, states


def test_entity_operations_equal_the_local_engine(tmp_path: Path) -> None:
    folder = ff.write_app(DURABLE, tmp_path)
    docs = Documents()
    apps = {}
    for name in ("counter", "aggregator"):
        apps[name] = functions_framework.create_app(f"fn_{name}", str(folder / "main.py"))
        sys.modules["main"]._rt.transact = docs.transact  # type: ignore[attr-defined]
    clients = {name: app.test_client() for name, app in apps.items()}

    def post(url: str, body: Any) -> dict[str, Any]:
        answer = clients[url.rsplit("/", 1)[-1]].post("/", json=body)
        if answer.status_code != 200:
            raise RuntimeError(answer.get_json())
        return dict(answer.get_json())

    client = GcpDurableClient({}, entities={n: f"https://x/{n}" for n in clients}, poster=post)
    results = []
    for entity, key, op, value in OPERATIONS:
        try:
            results.append(client.signal_entity(EntityId(entity, key), op, value))
        except RuntimeError:
            results.append("failed")
    expected_results, expected_states = local_outcomes()
    assert results == expected_results
    states = {k: json.loads(v["state"]) for k, v in docs.items.items()}
    assert states == {k: v for k, v in expected_states.items() if v is not None}


def test_a_bad_request_is_refused_not_run(tmp_path: Path) -> None:
    folder = ff.write_app(DURABLE, tmp_path)
    app = functions_framework.create_app("fn_counter", str(folder / "main.py"))
    answer = app.test_client().post("/", json={"operation": "add"})  # no key
    assert answer.status_code == 400


def test_unknown_entity_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        GcpDurableClient({}).signal_entity("nope@1", "add", 1)
