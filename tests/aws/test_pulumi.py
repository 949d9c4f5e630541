"""Every example, deployed through ``faas_iac.pulumi.deploy(app, "aws")`` under Pulumi mocks:
the real pulumi_aws resource classes and input types, asserted on the inputs the engine gets.
A test fails if any IAM policy gains a wildcard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from tests.aws.pulumi_mocks import Recorder

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [*ROOT.glob("examples/*/app.py"), *ROOT.glob("tests/aws/apps/*/app.py")]
)
#: AWS documents no resource-level permissions for these actions (the only allowed "*").
NO_RESOURCE_LEVEL = {"xray:PutTelemetryRecords", "xray:PutTraceSegments"}


#: Examples AWS cannot express: the provider must refuse each with exactly these coded errors
#: (and no plan), never drop a part silently. examples/durable: orchestrators the translator
#: refuses for Step Functions; examples/triggers: an every-second schedule (EventBridge has no
#: seconds) and a queue hiding messages for less time than its consumer runs.
REFUSED_ON_AWS = {
    "examples/durable/app.py": {"FIAC601", "FIAC602", "FIAC606", "FIAC608", "FIAC609"},
    "examples/triggers/app.py": {"FIAC201", "FIAC302"},
}


def compiled(example: str) -> Any:
    from faas_iac.pulumi import compiled_for

    return compiled_for(str(ROOT / example), "aws")


def deploy(example: str, tmp_path: Path) -> tuple[Recorder, dict[str, Any]]:
    from faas_iac_aws.pulumi_emit import deploy as emit

    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, preview=False)
    created = emit(compiled(example), tmp_path)
    return recorder, created


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


def check_policy(owner: str, document: dict[str, Any], known_arns: set[str]) -> None:
    assert document["Version"] == "2012-10-17"
    for st in document["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        assert st["Effect"] == "Allow"
        assert actions and resources, f"{owner}: empty statement {st}"
        for action in actions:
            assert "*" not in action, f"{owner}: wildcard action {action}"
        for resource in resources:
            if resource == "*":
                assert set(actions) <= NO_RESOURCE_LEVEL, f"{owner}: '*' resource for {actions}"
                continue
            assert resource.startswith("arn:aws:"), f"{owner}: {resource}"
            base = resource.split("/*")[0].split(":log-stream:")[0].removesuffix(":*")
            assert any(base == arn or base.startswith(arn) for arn in known_arns), (
                f"{owner}: {resource} is not an ARN of this stack"
            )


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e not in REFUSED_ON_AWS])
@pulumi.runtime.test
def test_example_under_pulumi_mocks(example: str, tmp_path: Path) -> Any:
    recorder, created = deploy(example, tmp_path)

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
        # one role per function, each assumed only by Lambda
        lambda_roles = [r for r in roles if "lambda.amazonaws.com" in r["assumeRolePolicy"]]
        assert len(lambda_roles) == len(lambdas)
        assert len({r["name"] for r in roles}) == len(roles)
        known = {
            f"arn:aws:{t.split(':')[1].split('/')[0]}:us-east-1:123456789012:{n}"
            for n, (t, _) in res.items()
        }
        known.add("arn:aws:events:us-east-1:123456789012:event-bus/default")
        known.add(
            "arn:aws:events:us-east-1:123456789012:rule/"
            "StepFunctionsGetEventsForStepFunctionsExecutionRule"
        )
        # State machines are addressed by name (they may start themselves).
        for typ, inputs in res.values():
            if typ == "aws:sfn/stateMachine:StateMachine":
                for kind in ("stateMachine", "execution"):
                    known.add(f"arn:aws:states:us-east-1:123456789012:{kind}:{inputs['name']}")
        policies = by_type["aws:iam/rolePolicy:RolePolicy"]
        assert len(policies) >= len(lambdas)
        for policy in policies:
            check_policy(policy["role"], json.loads(policy["policy"]), known)
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


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": ["sqs:*"], "Resource": ["arn:aws:sqs:us-east-1:1:q"]},
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::elsewhere/*"]},
    ],
)
def test_the_policy_check_catches_wildcards(statement: dict[str, Any]) -> None:
    with pytest.raises(AssertionError):
        check_policy(
            "t", {"Version": "2012-10-17", "Statement": [statement]}, {"arn:aws:sqs:us-east-1:1:q"}
        )
