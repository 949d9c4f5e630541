"""The idioms app (tests/translate/apps/idioms_app.py) executed on the local durable engine, as
ASL on moto's Step Functions executor and as YAML in workflows-emulator: equal outputs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faas_iac_aws.stepfunctions import custom_status, default_names, to_asl
from faas_iac_gcp.workflows import to_yaml

from tests.translate.aws_exec import AwsRunner, aws_runner
from tests.translate.gcp_exec import GcpRunner, gcp_runner
from tests.translate.local_exec import LocalRunner, local_runner
from tests.translate.targets import HERE, Loaded, load_app

ITEMS = ["2x3.5", "1x0", "4x2.25"]
CASES: list[tuple[str, str, Any]] = [
    ("totals", "totals", {"items": ITEMS}),
    ("totals-one", "totals", {"items": ["1x7"]}),
    ("sorted", "sorted_labels", ["pear", "fig", "apple", "fig"]),
    ("sorted-none", "sorted_labels", []),
    ("loops", "loops", ["ann", "skip", "bob", "cy"]),
    ("loops-no-match", "loops", ["skip", "cy"]),
    ("count-up", "count_up", None),
    ("status-text", "status_text", "ok"),
]


@pytest.fixture(scope="module")
def app() -> Loaded:
    loaded = load_app(HERE / "apps" / "idioms_app.py")
    assert loaded.refused == {}
    return loaded


@pytest.fixture(scope="module")
def runners(
    app: Loaded, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LocalRunner, AwsRunner, GcpRunner]]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    acts = [f.name for f in app.model.by_kind("activity")]
    names = default_names(app.model.name, acts, list(app.workflows))
    state = tmp_path_factory.mktemp("engine")
    with (
        local_runner(app.model, app.root, state) as local,
        aws_runner(names, app.activities()) as aws,
        gcp_runner(app.activities()) as gcp,
    ):
        for name, wf in app.workflows.items():
            aws.deploy(name, to_asl(wf, names))
        yield local, aws, gcp


@pytest.mark.parametrize(("case", "name", "value"), CASES, ids=[c[0] for c in CASES])
def test_same_outputs_everywhere(
    case: str,
    name: str,
    value: Any,
    app: Loaded,
    runners: tuple[LocalRunner, AwsRunner, GcpRunner],
    tmp_path: Path,
) -> None:
    local, aws, gcp = runners
    expected = local.run(name, value, [])
    assert expected.status == "Completed", expected
    on_aws = aws.run(name, value, [])
    assert (on_aws.status, on_aws.output) == ("SUCCEEDED", expected.output)
    if name == "status_text":  # the portable client decodes the stored JSON text
        stored = custom_status(aws.ddb, aws.names.registry_table, f"{name}-{aws.runs}")
        assert stored == expected.custom_status == "done: ok"
        return  # Workflows writes the status through the Firestore connector (not emulated)
    definition = to_yaml(app.workflows[name], gcp.names, app.workflows)
    on_gcp = gcp.run(definition, value, f"{case}-1", [])
    assert (on_gcp.status, on_gcp.output) == ("SUCCEEDED", expected.output), on_gcp.error
