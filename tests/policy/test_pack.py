"""The policy pack, called the way the Pulumi engine calls it: each resource an
``AnalyzeRequest`` (a protobuf Struct of its inputs, camelCase, numbers as doubles, JSON
documents as text) handed to pulumi-policy's analyzer servicer, the stack an
``AnalyzeStackRequest``. The resources are what Pulumi's own SDK registers for faas-iac's AWS
plan of the shop example under mocks: the pack finds nothing there, as ``faas-iac check`` does,
and finds each violation seeded into one of them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pulumi
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.deserialize import SPECIAL_ARCHIVE_SIG, SPECIAL_ASSET_SIG, SPECIAL_SIG_KEY
from pulumi_policy.policy import _PolicyAnalyzerServicer  # the engine's seam into a pack

from faas_iac.policy import RULES
from faas_iac.policy.pack import NAME, policies, policy_name
from faas_iac.policy.rule import Res

#: logical name → (type, inputs, outputs): a resource validation reads a resource's inputs, a
#: stack validation every resource's outputs.
Resources = dict[str, tuple[str, dict[str, Any], dict[str, Any]]]


def servicer() -> _PolicyAnalyzerServicer:
    return _PolicyAnalyzerServicer(NAME, "0.1.0", policies(), EnforcementLevel.ADVISORY)


def _wire(value: Any) -> Any:
    """An asset or archive as the engine sends it: a map tagged with Pulumi's signature."""
    if isinstance(value, pulumi.FileArchive):
        return {SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG, "path": value.path}
    if isinstance(value, pulumi.FileAsset):
        return {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "path": value.path}
    raise TypeError(type(value))


def _struct(props: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(json.loads(json.dumps(props, default=_wire)), struct_pb2.Struct())


def urn(typ: str, name: str) -> str:
    return f"urn:pulumi:dev::shop::{typ}::{name}"


def analyze(resources: Resources) -> set[tuple[str, str]]:
    """(policy, resource name) of every violation, resource by resource then the stack."""
    found: set[tuple[str, str]] = set()
    pack = servicer()
    for name, (typ, props, _) in resources.items():
        request = proto.AnalyzeRequest(
            type=typ, properties=_struct(props), urn=urn(typ, name), name=name
        )
        for d in pack.Analyze(request, None).diagnostics:
            found.add((d.policyName, name))
    stack = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type=typ, properties=_struct(outputs), urn=urn(typ, name), name=name
            )
            for name, (typ, _, outputs) in resources.items()
        ]
    )
    for d in pack.AnalyzeStack(stack, None).diagnostics:
        found.add((d.policyName, d.urn.rsplit("::", 1)[-1]))
    return found


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Resources:
    """The shop example's resources as Pulumi registers them (inputs, camelCase)."""
    from tests.aws.test_pulumi import deploy, settle

    recorded: Resources = {}

    @pulumi.runtime.test  # type: ignore[misc]
    def run() -> Any:
        recorder, created, _ = deploy("examples/shop/app.py", tmp_path_factory.mktemp("pack"))
        return settle(created).apply(
            lambda _: recorded.update(
                {
                    n: (t, i, {**recorder.outputs[n], **i})
                    for n, (t, i) in recorder.resources.items()
                }
            )
        )

    run()
    assert recorded
    # S3 gives a bucket its name as id; the mocks give every resource "<logical>-id".
    ids = {
        f"{n}-id": p["bucket"] for n, (t, p, _) in recorded.items() if t == "aws:s3/bucket:Bucket"
    }
    for _, inputs, outputs in recorded.values():
        for props in (inputs, outputs):
            for key, value in props.items():
                if isinstance(value, str) and value in ids:
                    props[key] = ids[value]
    return recorded


def test_every_resource_rule_is_in_the_pack() -> None:
    names = {p.name for p in policies()}
    for rule in RULES:
        if rule.resource is not None:
            assert policy_name(rule) in names
        if rule.stack is not None:
            assert f"{policy_name(rule)}-stack" in names
    assert all(p.description and p.remediation_steps for p in policies())


def test_faas_iac_resources_pass_the_pack(shop: Resources) -> None:
    # the durable token registrar (a Lambda faas-iac adds for orchestrations) has an alarm too
    assert analyze(shop) == set()


def _first(shop: Resources, typ: str) -> str:
    return next(name for name, (t, _, _) in shop.items() if t == typ)


def _seed(policy: dict[str, Any]) -> None:
    doc = json.loads(policy["policy"])
    doc["Statement"][0]["Action"] = "dynamodb:*"
    policy["policy"] = json.dumps(doc)


SEEDS = {
    # (resource type, how to break it) → the policy that must report it
    "fiac702": ("aws:iam/rolePolicy:RolePolicy", _seed),
    "fiac740": ("aws:cloudwatch/logGroup:LogGroup", lambda p: p.pop("retentionInDays")),
    "fiac706": (
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        lambda p: p.update(blockPublicAcls=False),
    ),
    "fiac701": ("aws:apigatewayv2/route:Route", lambda p: p.update(authorizationType="NONE")),
    "fiac720": ("aws:lambda/function:Function", lambda p: p.update(timeout=1200)),
    "fiac705": (
        "aws:lambda/function:Function",
        lambda p: p["environment"]["variables"].update(DB_PASSWORD="correct horse"),
    ),
    "fiac741-stack": (
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        lambda p: p.update(metricName="Throttles"),
    ),
    "fiac743-stack": ("aws:sqs/queue:Queue", lambda p: p.update(visibilityTimeoutSeconds=1)),
}


@pytest.mark.parametrize("policy", sorted(SEEDS))
def test_a_seeded_violation_is_reported(shop: Resources, policy: str) -> None:
    typ, breaker = SEEDS[policy]
    broken = copy.deepcopy(shop)
    if policy == "fiac743-stack":  # the queue a function consumes
        name = next(n for n, (t, p, _) in shop.items() if t == typ and "dlq" not in p["name"])
    else:
        name = _first(shop, typ)
    for props in broken[name][1:]:
        breaker(props)
    found = analyze(broken)
    assert found and {p for p, _ in found} == {policy}, found
    if not policy.endswith("-stack"):
        assert found == {(policy, name)}


def test_unknown_values_during_preview_are_not_violations() -> None:
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown-string sentinel
    request = proto.AnalyzeRequest(
        type="aws:apigatewayv2/route:Route",
        properties=_struct({"authorizationType": unknown, "routeKey": "GET /x"}),
        urn=urn("aws:apigatewayv2/route:Route", "r"),
        name="r",
    )
    response = servicer().Analyze(request, None)
    assert [d.enforcementLevel for d in response.diagnostics] == [proto.ADVISORY]
    assert "can't be known during preview" in response.diagnostics[0].message


def test_plan_and_engine_shapes_judge_alike() -> None:
    plan = Res(
        "aws:iam/rolePolicy:RolePolicy",
        "p",
        {
            "policy": {
                "$json": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:*",
                            "Resource": [{"$sub": "${bucket-x.arn}"}],
                        }
                    ]
                }
            }
        },
    )
    engine = Res(
        "aws:iam/rolePolicy:RolePolicy",
        "p",
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::x"]}
                    ]
                }
            )
        },
    )
    from faas_iac.policy.security import wildcard_iam

    assert list(wildcard_iam(plan)) == list(wildcard_iam(engine))
    assert len(list(wildcard_iam(plan))) == 1
