"""The Pulumi emitter: every plan record becomes the ``pulumi_aws`` resource of its type token,
its ``$sub``/``$json`` references becoming ``Output``s of the resources they name. Runs inside a
Pulumi program (``stacks/aws``, ``faas_iac.pulumi.deploy``) or under ``set_mocks`` in tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from faas_iac.plan.refs import Kind, interpret, target
from faas_iac.pulumi import build_folder

from . import types as T
from .plan.layer import artifact_files, artifact_paths

if TYPE_CHECKING:
    from faas_iac.plan import Compiled

#: Type token → the pulumi_aws class that creates it.
CLASSES: dict[str, Any] = {
    T.LAMBDA: aws.lambda_.Function,
    T.PERMISSION: aws.lambda_.Permission,
    T.ESM: aws.lambda_.EventSourceMapping,
    T.LAYER: aws.lambda_.LayerVersion,
    T.ALIAS: aws.lambda_.Alias,
    T.PROVISIONED: aws.lambda_.ProvisionedConcurrencyConfig,
    T.ROLE: aws.iam.Role,
    T.ROLE_POLICY: aws.iam.RolePolicy,
    T.LOG_GROUP: aws.cloudwatch.LogGroup,
    T.ALARM: aws.cloudwatch.MetricAlarm,
    T.HTTP_API: aws.apigatewayv2.Api,
    T.STAGE: aws.apigatewayv2.Stage,
    T.INTEGRATION: aws.apigatewayv2.Integration,
    T.ROUTE: aws.apigatewayv2.Route,
    T.AUTHORIZER: aws.apigatewayv2.Authorizer,
    T.SCHEDULE: aws.scheduler.Schedule,
    T.QUEUE: aws.sqs.Queue,
    T.TOPIC: aws.sns.Topic,
    T.SUBSCRIPTION: aws.sns.TopicSubscription,
    T.BUCKET: aws.s3.Bucket,
    T.BUCKET_PAB: aws.s3.BucketPublicAccessBlock,
    T.BUCKET_VERSIONING: aws.s3.BucketVersioning,
    T.BUCKET_NOTIFICATION: aws.s3.BucketNotification,
    T.TABLE: aws.dynamodb.Table,
    T.STREAM: aws.kinesis.Stream,
    T.BUS: aws.cloudwatch.EventBus,
    T.RULE: aws.cloudwatch.EventRule,
    T.TARGET: aws.cloudwatch.EventTarget,
    T.SECRET: aws.secretsmanager.Secret,
    T.STATE_MACHINE: aws.sfn.StateMachine,
}


class _Resolver:
    def __init__(self, created: dict[str, pulumi.CustomResource]) -> None:
        self.created = created
        self._pseudo: dict[str, Any] = {}

    def context(self, token: str) -> Any:
        if token not in self._pseudo:
            if token == "aws:region":
                self._pseudo[token] = aws.get_region_output().region
            elif token == "aws:account":
                self._pseudo[token] = aws.get_caller_identity_output().account_id
            else:
                self._pseudo[token] = aws.get_partition_output().partition
        return self._pseudo[token]

    def token(self, kind: Kind, text: str) -> Any:
        if kind == "context":
            return self.context(text)
        name, attr = target(text)
        return getattr(self.created[name], attr)

    def value(self, value: Any) -> Any:
        return interpret(
            value,
            self.token,
            lambda pieces: pulumi.Output.concat(*pieces),
            lambda inner: pulumi.Output.json_dumps(inner, sort_keys=True, separators=(",", ":")),
        )


def write_artifacts(compiled: Compiled, build_dir: Path) -> dict[str, Path]:
    """The code, layer and dependency zips as files (Pulumi archives are paths)."""
    files = artifact_files(compiled)
    paths: dict[str, Path] = {}
    for name, rel in artifact_paths(compiled.plan).items():
        path = build_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != files[rel]:
            path.write_bytes(files[rel])
        paths[name] = path
    return paths


def deploy(compiled: Compiled, build_dir: Path | None = None) -> dict[str, Any]:
    archives = write_artifacts(compiled, build_dir or build_folder("aws"))
    created: dict[str, pulumi.CustomResource] = {}
    resolve = _Resolver(created)
    prefix = compiled.plan.app
    for res in compiled.plan.resources:
        props = resolve.value(res.properties)
        if res.artifact is not None:
            props["code"] = pulumi.FileArchive(str(archives[res.artifact]))
        options = pulumi.ResourceOptions(depends_on=[created[d] for d in res.depends_on])
        created[res.name] = CLASSES[res.type](f"{prefix}-{res.name}", opts=options, **props)
    for key, value in compiled.plan.outputs.items():
        pulumi.export(key.replace(":", "_"), resolve.value(value))
    return created
