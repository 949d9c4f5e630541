"""Each provider's ``capabilities`` record against the code, and the README's provider table
against the records: the README promises nothing the code does not do."""

from __future__ import annotations

from pathlib import Path

import pytest

import faas_iac
from faas_iac.errors import FaasError
from faas_iac.plan.providers import (
    ApplyingProvider,
    Capabilities,
    PulumiProvider,
    StatusProvider,
    available,
    get_provider,
)
from tests.docs.probes import PROBES, probe

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PROVIDERS = sorted(available(), key=lambda name: (name != "local", name))
#: Where the test suite shows it runs each judge a record names (a string its tests contain).
JUDGES = {
    "moto_server": "moto_server(",
    "moto Step Functions executor": '"execute_state_machine": True',
    "Pulumi mocks": "pulumi.runtime.set_mocks(",
    "cfn-lint": "import cfnlint",
    "asl-validator": "asl-validator",
    "SAM events": "sam local generate-event",
    "azure-functions metadata": "get_function_json(",
    "azure-functions-durable replay": "import azure.durable_functions",
    "moto event patterns": "from moto.events.models import EventPattern",
    "workflows-emulator": "from workflows_emulator",
    "Workflows JSON Schema": "jsonschema.validate(",
    "functions-framework": "functions_framework.create_app(",
    "google-events payloads": "from google.events.cloud",
    "google-cloud-functions transport": "FunctionServiceRestTransport(",
    "google-cloud-workflows transport": "ExecutionsGrpcTransport(",
}
DEPLOYS = {
    "dev": "`faas-iac dev`",
    "pulumi": "Pulumi (`stacks/{name}`)",
    "sdk": "`faas-iac deploy --engine sdk`",
    "eject": "`faas-iac eject`",
    "status": "`faas-iac status`",
}


def capabilities(name: str) -> Capabilities:
    record = getattr(get_provider(name), "capabilities", None)
    assert isinstance(record, Capabilities), f"provider {name!r} declares no capabilities record"
    return record


def _plans(record: Capabilities) -> str:
    if set(record.plans) == set(PROBES):
        return "every trigger; orchestrators, activities, entities"
    return ", ".join(f"`{p}`" for p in record.plans) + "; the others are refused, with a code"


def table() -> str:
    """The README's provider table, rendered from the records."""
    rows = ["| provider | plans | deploys with | tested against |", "|---|---|---|---|"]
    for name in PROVIDERS:
        record = capabilities(name)
        deploys = ", ".join(DEPLOYS[d].format(name=name) for d in record.deploys)
        deploys = deploys or "nothing yet (`faas-iac compile` writes the plan)"
        rows.append(f"| `{name}` | {_plans(record)} | {deploys} | {', '.join(record.tested)} |")
    return "\n".join(rows)


def test_the_readme_table_is_the_records() -> None:
    assert table() in README.read_text(encoding="utf-8"), "README's provider table is stale:\n" + (
        table()
    )


@pytest.mark.parametrize("decorator", PROBES)
@pytest.mark.parametrize("name", PROVIDERS)
def test_a_provider_plans_exactly_what_its_record_says(name: str, decorator: str) -> None:
    if decorator in capabilities(name).plans:
        faas_iac.compile(probe(decorator), name)
        return
    with pytest.raises(FaasError) as refused:
        faas_iac.compile(probe(decorator), name)
    assert all(d.code.startswith("FIAC") and d.fix for d in refused.value.diagnostics)


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_provider_deploys_the_ways_its_record_says(name: str) -> None:
    impl = get_provider(name)
    stack = ROOT / "stacks" / name / "__main__.py"
    actual = {
        "dev": name == "local",
        "pulumi": isinstance(impl, PulumiProvider) and stack.exists(),
        "sdk": isinstance(impl, ApplyingProvider),
        "eject": isinstance(impl, PulumiProvider),
        "status": isinstance(impl, StatusProvider),
    }
    assert set(capabilities(name).deploys) == {way for way, done in actual.items() if done}


def test_every_judge_a_record_names_is_run_by_the_tests() -> None:
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in (ROOT / "tests").rglob("*.py")
        if "docs" not in p.relative_to(ROOT / "tests").parts
    ]
    named = {judge for name in PROVIDERS for judge in capabilities(name).tested}
    unknown = named - set(JUDGES)
    assert not unknown, f"say in JUDGES where the tests run {sorted(unknown)}"
    unused = [j for j in sorted(named) if not any(JUDGES[j] in text for text in texts)]
    assert not unused, f"no test runs {unused}"
