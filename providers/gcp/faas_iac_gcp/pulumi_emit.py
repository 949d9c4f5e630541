"""The Pulumi emitter: every plan record becomes the ``pulumi_gcp`` resource of its type token,
its references (:mod:`faas_iac.plan.refs`) becoming ``Output``s of the resources they name and
``${gcp:project}`` / ``${gcp:project_number}`` the project Pulumi deploys to. The source bucket
object uploads the runnable package (:func:`faas_iac_gcp.emit.package`). Runs inside a Pulumi
program (``stacks/gcp``, ``faas_iac.pulumi.deploy``) or under ``set_mocks`` in tests; decides
nothing the planner did not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_gcp as gcp

from faas_iac.plan.refs import Kind, interpret, target
from faas_iac.pulumi import build_folder

from . import types as T
from .emit import package
from .plan.orchestrations import definitions

if TYPE_CHECKING:
    from faas_iac.plan import Compiled

#: Type token → the pulumi_gcp class that creates it.
CLASSES: dict[str, Any] = {
    T.SERVICE_ACCOUNT: gcp.serviceaccount.Account,
    T.FUNCTION: gcp.cloudfunctionsv2.Function,
    T.SERVICE_INVOKER: gcp.cloudrunv2.ServiceIamMember,
    T.BUCKET: gcp.storage.Bucket,
    T.BUCKET_OBJECT: gcp.storage.BucketObject,
    T.BUCKET_IAM: gcp.storage.BucketIAMMember,
    T.TOPIC: gcp.pubsub.Topic,
    T.TOPIC_IAM: gcp.pubsub.TopicIAMMember,
    T.SUBSCRIPTION: gcp.pubsub.Subscription,
    T.SUBSCRIPTION_IAM: gcp.pubsub.SubscriptionIAMMember,
    T.SCHEDULER_JOB: gcp.cloudscheduler.Job,
    T.EVENTARC_TRIGGER: gcp.eventarc.Trigger,
    T.FIRESTORE_DATABASE: gcp.firestore.Database,
    T.SECRET: gcp.secretmanager.Secret,
    T.SECRET_IAM: gcp.secretmanager.SecretIamMember,
    T.PROJECT_IAM: gcp.projects.IAMMember,
    T.ALERT_POLICY: gcp.monitoring.AlertPolicy,
    T.LOG_BUCKET: gcp.logging.ProjectBucketConfig,
    T.LOG_SINK: gcp.logging.ProjectSink,
    T.WORKFLOW: gcp.workflows.Workflow,
}
#: context token → attribute of ``gcp.organizations.get_project_output()``
CONTEXT = {"gcp:project": "project_id", "gcp:project_number": "number"}


class _Resolver:
    def __init__(self) -> None:
        self.created: dict[str, pulumi.CustomResource] = {}
        self._project: Any = None

    def token(self, kind: Kind, text: str) -> Any:
        if kind == "context":
            if self._project is None:
                self._project = gcp.organizations.get_project_output()
            return getattr(self._project, CONTEXT[text])
        name, attr = target(text)
        found: Any = self.created[name]
        for part in attr.split("."):
            found = getattr(found, part)
        return found

    def value(self, value: Any) -> Any:
        return interpret(
            value,
            self.token,
            lambda pieces: pulumi.Output.concat(*pieces),
            lambda inner: pulumi.Output.json_dumps(inner, sort_keys=True, separators=(",", ":")),
        )


def write_package(compiled: Compiled, build_dir: Path) -> Path:
    """The runnable source zip as a file (Pulumi assets are paths), rewritten only on change."""
    data = package(compiled.model, compiled.code_zip, compiled.translation)
    artifact = next(a for a in compiled.plan.artifacts if a.name == "code")
    path = build_dir / artifact.path.replace("code-", "gcp-source-")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def deploy(compiled: Compiled, build_dir: Path | None = None) -> dict[str, Any]:
    source = write_package(compiled, build_dir or build_folder("gcp"))
    resolve = _Resolver()
    prefix = compiled.plan.app
    texts = definitions(compiled.model, compiled.translation)[0]
    for res in compiled.plan.resources:
        props = resolve.value(res.properties)
        if res.type == T.WORKFLOW and res.artifact is not None:
            props["source_contents"] = texts[res.artifact.removeprefix("workflow-")]
        elif res.artifact is not None:
            props["source"] = pulumi.FileAsset(str(source))
        options = pulumi.ResourceOptions(depends_on=[resolve.created[d] for d in res.depends_on])
        resolve.created[res.name] = CLASSES[res.type](f"{prefix}-{res.name}", opts=options, **props)
    for key, value in compiled.plan.outputs.items():
        pulumi.export(key.replace(":", "_"), resolve.value(value))
    return resolve.created
