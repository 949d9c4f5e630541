"""Every app of the repository that compiles for AWS, deployed through
``faas_iac.pulumi.deploy(app, "aws")`` under Pulumi mocks: the real pulumi_aws resource classes
and input types, asserted on the inputs the engine gets. Every role's policy names exactly the
ARNs its function's trigger, bindings and durable calls allow (``tests/aws/iam_check.py``), and
every Lambda permission names its trigger's source."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pulumi
import pytest

from tests.aws.iam_check import DURABLE_HANDLER, Stack, check_permissions, check_roles
from tests.aws.pulumi_mocks import Recorder
from tests.pulumi_programs import fresh_event_loop

ROOT = Path(__file__).resolve().parents[2]
#: Every app of the repository: each ``app.py`` and each module of an ``apps`` folder that
#: defines one (the invalid corpora are judged in tests/test_invalid_corpus.py).
APPS = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("examples", "tests", "benchmarks")
    for p in (ROOT / folder).rglob("*.py")
    if (p.name == "app.py" or "apps" in p.parts)
    and re.search(r"^\w+ = App\(", p.read_text(), re.MULTILINE)
)
#: Apps AWS cannot express: the provider must refuse each with exactly these coded errors
#: (and no plan), never drop a part silently (an orchestrator the translator refuses runs on
#: Lambda durable functions instead, so none is refused for that); FIAC201: an every-second
#: schedule (EventBridge has no seconds); FIAC302: a queue hiding messages for less time than
#: its consumer runs.
REFUSED_ON_AWS = {
    "examples/local_only/app.py": {"FIAC201"},
    "tests/apps/features/app.py": {"FIAC301", "FIAC302"},  # FIAC301: HTTP timeout 60 s > 30 s
    "tests/azure/apps/everything/app.py": {"FIAC301", "FIAC302"},
    "tests/local/apps/faults/app.py": {"FIAC302"},
}


def compiled(example: str) -> Any:
    from faas_iac.pulumi import compiled_for

    return compiled_for(str(ROOT / example), "aws")


def deploy(example: str, tmp_path: Path) -> tuple[Recorder, dict[str, Any], Stack]:
    from faas_iac_aws.pulumi_emit import deploy as emit

    recorder = Recorder()
    fresh_event_loop()
    pulumi.runtime.set_mocks(recorder, preview=False)
    app = compiled(example)
    created = emit(app, tmp_path)
    return recorder, created, Stack(recorder, app.model.name, app.model)


@pytest.mark.parametrize("example", sorted(REFUSED_ON_AWS))
def test_untranslatable_examples_are_refused_with_codes(example: str) -> None:
    from faas_iac.errors import CODES, FaasError

    with pytest.raises(FaasError) as err:
        compiled(example)
    assert set(err.value.codes) == REFUSED_ON_AWS[example]
    assert all(code in CODES for code in err.value.codes)
    assert all(d.location and d.fix for d in err.value.diagnostics)


def settle(created: dict[str, Any]) -> Any:
    return pulumi.Output.all(*[r.urn for r in created.values()])


def test_every_app_is_judged() -> None:
    assert set(REFUSED_ON_AWS) < set(APPS)
    assert len(APPS) - len(REFUSED_ON_AWS) >= 6


#: Lambda durable functions' configuration: execution timeout (seconds) and retention (days)
DURABLE_CONFIG = {"executionTimeout": 365 * 24 * 3600, "retentionPeriod": 30}


@pytest.mark.parametrize("example", [e for e in APPS if e not in REFUSED_ON_AWS])
@pulumi.runtime.test
def test_example_under_pulumi_mocks(example: str, tmp_path: Path) -> Any:
    recorder, created, stack = deploy(example, tmp_path)

    def check(_: Any) -> None:
        res = recorder.resources
        by_type: dict[str, list[dict[str, Any]]] = {}
        for typ, inputs in res.values():
            by_type.setdefault(typ, []).append(inputs)
        lambdas = by_type["aws:lambda/function:Function"]
        roles = by_type["aws:iam/role:Role"]
        for fn in lambdas:
            assert fn["runtime"].startswith(("python3.", "nodejs", "java", "dotnet", "provided"))
            assert fn["timeout"] <= 900 and 128 <= fn["memorySize"] <= 10240
            assert fn["role"].startswith("arn:aws:iam:")
            assert fn["loggingConfig"]["logGroup"] == f"/aws/lambda/{fn['name']}"
            env = fn["environment"]["variables"]
            assert all("secret" not in k.lower() or k == "FAAS_IAC_SECRETS" for k in env)
            if fn["handler"] == DURABLE_HANDLER:  # an orchestrator on Lambda durable functions
                # the longest execution the service allows (one year) and a month of history
                assert fn["durableConfig"] == DURABLE_CONFIG, fn["durableConfig"]
                # a published version (what its alias names), on a runtime whose boto3 knows
                # the checkpoint API
                assert fn["publish"] is True and fn["runtime"] == "python3.13"
            else:
                assert "durableConfig" not in fn
        # one role per function, each assumed only by Lambda
        lambda_roles = [r for r in roles if "lambda.amazonaws.com" in r["assumeRolePolicy"]]
        assert len(lambda_roles) == len(lambdas)
        assert len({r["name"] for r in roles}) == len(roles)
        check_roles(stack)
        check_permissions(stack)
        for group in by_type["aws:cloudwatch/logGroup:LogGroup"]:
            assert group["retentionInDays"] >= 1
        for route in by_type.get("aws:apigatewayv2/route:Route", []):
            assert route["authorizationType"] in ("NONE", "AWS_IAM", "JWT")
        for mapping in by_type.get("aws:lambda/eventSourceMapping:EventSourceMapping", []):
            assert mapping["functionResponseTypes"] == ["ReportBatchItemFailures"]
        for bucket in by_type.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", []):
            assert bucket["blockPublicAcls"] and bucket["restrictPublicBuckets"]
        for machine in by_type.get("aws:sfn/stateMachine:StateMachine", []):
            definition = json.loads(machine["definition"])
            assert definition["States"] and definition["StartAt"] in definition["States"]

    return settle(created).apply(check)
