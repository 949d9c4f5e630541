"""The generated Function App of every example, imported with the real ``azure-functions``
and ``azure-functions-durable``: its bindings metadata equals the golden files
(``python -m tests.azure.regen`` rewrites them), and builds are byte-identical."""

from __future__ import annotations

import ast
import io
import json
import zipfile
from pathlib import Path

import pytest
from faas_iac_azure.emit import generated_files, package

from .golden_data import TEST_APPS, golden_name, metadata, render
from .support import GOLDEN, compiled, example_apps

APPS = [*example_apps(), *sorted(TEST_APPS.glob("*/app.py"))]


@pytest.mark.parametrize("path", APPS, ids=golden_name)
def test_function_metadata_matches_golden(path: Path) -> None:
    golden = GOLDEN / f"{golden_name(path)}.json"
    assert golden.exists(), f"no golden file: run python -m tests.azure.regen ({golden.name})"
    assert render(metadata(path)) == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", APPS, ids=golden_name)
def test_every_model_function_is_registered_with_its_trigger(path: Path) -> None:
    data = metadata(path)
    c = compiled(path)
    expected = {
        "http": "httpTrigger",
        "schedule": "timerTrigger",
        "topic": "serviceBusTrigger",
        "storage": "eventGridTrigger",
        "event": "eventGridTrigger",
        "table": "cosmosDBTrigger",
        "stream": "eventHubTrigger",
        "orchestration": "orchestrationTrigger",
        "activity": "activityTrigger",
        "entity": "entityTrigger",
    }
    for fn in c.model.functions:
        bindings = data["functions"][fn.name]["bindings"]
        triggers = [b for b in bindings if b["type"].endswith("Trigger")]
        assert len(triggers) == 1, fn.name
        if fn.trigger.type == "queue":
            assert triggers[0]["type"] in ("queueTrigger", "serviceBusTrigger")
            assert triggers[0]["queueName"] == fn.trigger.queue
        else:
            assert triggers[0]["type"] == expected[fn.trigger.type], fn.name
        assert any(b["type"] == "durableClient" for b in bindings) == fn.durable_client
        if fn.trigger.type == "http":
            level = "ANONYMOUS" if fn.trigger.auth == "anonymous" else "FUNCTION"
            assert triggers[0]["authLevel"] == level
            assert triggers[0]["route"] == fn.trigger.route.strip("/")
        # identity-based connections only: a connection names a setting prefix
        if "connection" in triggers[0]:
            assert triggers[0]["connection"].startswith("FAAS_")
    if c.model.by_kind("orchestrator"):
        assert "faas_iac_retry" in data["functions"]


@pytest.mark.parametrize("path", APPS, ids=golden_name)
def test_build_is_byte_identical_and_complete(path: Path) -> None:
    first, second = compiled(path), compiled(path)
    assert first.plan.to_json() == second.plan.to_json()
    zip_a = package(first.model, first.plan, first.code_zip)
    assert zip_a == package(second.model, second.plan, second.code_zip)
    names = set(zipfile.ZipFile(io.BytesIO(zip_a)).namelist())
    assert {
        "function_app.py",
        "host.json",
        "requirements.txt",
        "faas_iac/__init__.py",
        "faas_iac_azure/runtime/entry.py",
        "faas_iac_azure/runtime/convert.py",
    } <= names
    files = generated_files(first.model, first.plan, first.code_zip)
    ast.parse(files["function_app.py"])  # valid Python
    reqs = files["requirements.txt"].decode().splitlines()
    assert "azure-functions>=1.20,<2" in reqs
    host = json.loads(files["host.json"])
    assert host["extensionBundle"]["id"] == "Microsoft.Azure.Functions.ExtensionBundle"
