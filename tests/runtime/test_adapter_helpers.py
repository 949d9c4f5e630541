"""What the cloud adapters share from the shim: ``Lazy`` (their ``ctx.bindings`` and
``ctx.durable``, built on the first attribute read, once, answering every read after) and the
durable clients' ``json_or_text`` and ``named``."""

from __future__ import annotations

import pytest

from faas_iac.durable.codec import json_or_text, named
from faas_iac.runtime.context import Lazy


class Client:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, body: str) -> str:
        self.sent.append(body)
        return f"m{len(self.sent)}"


def test_built_on_first_use_once_and_then_answers_every_read() -> None:
    built: list[Client] = []

    def build() -> Client:
        built.append(Client())
        return built[-1]

    lazy = Lazy(build)
    assert built == []
    assert lazy.send("a") == "m1"
    assert lazy.send("b") == "m2"
    assert len(built) == 1
    assert built[0].sent == ["a", "b"]
    assert lazy.sent is built[0].sent


def test_json_or_text_reads_json_and_keeps_what_is_not() -> None:
    assert json_or_text('{"a": [1, "x"]}') == {"a": [1, "x"]}
    assert json_or_text('"quoted"') == "quoted"
    assert json_or_text("bare text") == "bare text"  # an emulator's unquoted string
    assert json_or_text("") is None and json_or_text(None) is None


def test_named_finds_or_lists_the_names_there_are() -> None:
    machines = {"b": "arn:b", "a": "arn:a"}
    assert named(machines, "a", "orchestrator") == "arn:a"
    with pytest.raises(LookupError) as err:
        named(machines, "c", "orchestrator")
    assert str(err.value) == "no orchestrator 'c' (known: a, b)"
    with pytest.raises(LookupError) as err:
        named({}, "x", "entity")
    assert str(err.value) == "no entity 'x' (known: none)"
