"""Every example (and the GCP test apps) deployed under Pulumi mocks: the real ``pulumi_gcp``
classes build the graph; the assertions read the inputs they received.

The IAM a function must get is derived here from the model with GCP's documented predefined
roles (written out below, independently of the provider's tables): exactly those grants, each
on the bound resource; ``allUsers`` only for anonymous HTTP functions; a project-wide role only
where GCP has no resource to grant it on, and then with a condition where one applies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from faas_iac_gcp.plan.durable import CALLBACKS

from faas_iac.model import AppModel
from tests.gcp.support import APPS, ROOT, app_id, compiled
from tests.pulumi_programs import deploy_under_mocks

BINDINGS = ROOT / "tests" / "gcp" / "apps" / "bindings" / "gcp_bindings.py"

PROJECT, NUMBER = "proj-1", "123456789"
#: cloud.google.com/iam/docs/understanding-roles: the narrowest role for each use.
PUBLISHER = "roles/pubsub.publisher"
OBJECT_VIEWER = "roles/storage.objectViewer"
OBJECT_USER = "roles/storage.objectUser"  # read, create, overwrite, delete objects
DATASTORE_VIEWER = "roles/datastore.viewer"
DATASTORE_USER = "roles/datastore.user"
SECRET_ACCESSOR = "roles/secretmanager.secretAccessor"
RUN_INVOKER = "roles/run.invoker"
#: the only roles GCP grants on projects for what an app needs, with why
PROJECT_ONLY = {
    DATASTORE_VIEWER: "condition",
    DATASTORE_USER: "condition",
    "roles/workflows.invoker": "condition",
    "roles/workflows.viewer": "condition",
    "roles/eventarc.eventReceiver": "none exists",
}


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, tuple[str, dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = (args.typ, dict(args.inputs))
        name = args.inputs.get("name") or args.name
        outputs: dict[str, Any] = {**args.inputs, "name": name}
        if args.typ == "gcp:serviceaccount/account:Account":
            outputs["email"] = f"{args.inputs['accountId']}@{PROJECT}.iam.gserviceaccount.com"
        if args.typ == "gcp:cloudfunctionsv2/function:Function":
            outputs["url"] = f"https://{name}-abc.a.run.app"
        ident = {
            "gcp:pubsub/topic:Topic": f"projects/{PROJECT}/topics/{name}",
            "gcp:logging/projectBucketConfig:ProjectBucketConfig": (
                f"projects/{PROJECT}/locations/global/buckets/{args.inputs.get('bucketId')}"
            ),
        }.get(args.typ, f"{args.name}-id")
        return ident, {**outputs, "id": ident}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        if args.token == "gcp:organizations/getProject:getProject":
            return {"projectId": PROJECT, "number": NUMBER, "name": PROJECT, "id": PROJECT}
        return {}


def deployed(path: Path) -> tuple[Recorder, AppModel, Any]:
    from faas_iac_gcp.pulumi_emit import deploy

    rec = Recorder()
    c = compiled(path)
    deploy_under_mocks(deploy, c, rec)
    return rec, c.model, c.plan


def expected_grants(rec: Recorder, model: AppModel) -> set[tuple[str, str, str]]:
    """(member's account id, role, resource) every function's bindings need."""
    accounts = {
        inputs["displayName"].rsplit(" ", 1)[-1]: inputs["accountId"]
        for typ, inputs in rec.resources.values()
        if typ == "gcp:serviceaccount/account:Account" and " function " in inputs["displayName"]
    }
    out = set()
    database = f"projects/{PROJECT}/databases/{model.name}-db".replace("_", "-")  # the app's own
    for fn in model.functions:
        if fn.kind == "orchestrator":
            continue
        for b in fn.bindings:
            access = {"read", "write"} if b.access == "readwrite" else {b.access}
            role = None
            if b.kind in ("queue", "topic", "stream", "bus"):
                role = PUBLISHER if "write" in access else None
                where = f"{model.name}-" + (f"bus-{b.name}" if b.kind == "bus" else b.name)
            elif b.kind == "bucket":
                role = OBJECT_USER if "write" in access else OBJECT_VIEWER
                where = f"{PROJECT}-{model.name}-{b.name}"
            elif b.kind == "table":
                role = DATASTORE_USER if "write" in access else DATASTORE_VIEWER
                where = database
            else:
                role = SECRET_ACCESSOR
                where = f"{model.name}-{b.name}"
            if role is not None:
                out.add((accounts[fn.name], role, where.replace("_", "-")))
        if fn.kind == "entity":  # its state documents
            out.add((accounts[fn.name], DATASTORE_USER, database))
        if fn.durable_client:  # start, read and cancel the app's executions; the registry
            workflows = f"projects/{PROJECT}/locations/us-central1/workflows/{model.name}-"
            out |= {
                (accounts[fn.name], "roles/workflows.invoker", workflows),
                (accounts[fn.name], "roles/workflows.viewer", workflows),
                (accounts[fn.name], DATASTORE_USER, database),
            }
    return out


@pytest.mark.parametrize("path", APPS, ids=app_id)
def test_resources_properties_and_every_iam_binding(path: Path) -> None:
    rec, model, plan = deployed(path)
    prefix = f"{model.name}-"
    # every plan resource, with its plan type, reached the real pulumi_gcp classes
    assert {n.removeprefix(prefix): t for n, (t, _) in rec.resources.items()} == {
        r.name: r.type for r in plan.resources
    }
    functions = {i["name"]: i for t, i in rec.resources.values() if t.endswith("function:Function")}
    for fn in model.functions:
        if fn.kind == "orchestrator":
            continue
        got = functions[f"{model.name}-{fn.name}".replace("_", "-").lower()]
        service = got["serviceConfig"]
        assert service["availableMemory"] == f"{fn.memory}M"
        assert service["timeoutSeconds"] == fn.timeout
        assert service["minInstanceCount"] == fn.scaling.min_instances
        assert service["maxInstanceRequestConcurrency"] == fn.scaling.concurrency
        assert service["serviceAccountEmail"].endswith(f"@{PROJECT}.iam.gserviceaccount.com")
        assert got["buildConfig"]["source"]["storageSource"]["object"].endswith(".zip")
    # IAM: exactly the grants the bindings need, each on its resource
    found: set[tuple[str, str, str]] = set()
    for typ, inputs in rec.resources.values():
        member = inputs.get("member", "")
        if typ in ("gcp:cloudrunv2/serviceIamMember:ServiceIamMember",):
            assert inputs["role"] == RUN_INVOKER
            continue
        if "role" not in inputs or not member.startswith("serviceAccount:"):
            continue
        account = member.split(":", 1)[1].split("@", 1)[0]
        if account.startswith("service-"):  # Pub/Sub's agent, dead-lettering
            continue
        if typ == "gcp:projects/iAMMember:IAMMember":
            assert inputs["role"] in PROJECT_ONLY, inputs["role"]
            if PROJECT_ONLY[inputs["role"]] == "condition":
                expression = inputs["condition"]["expression"]
                assert expression.startswith(
                    (
                        'resource.name == "projects/proj-1/',
                        'resource.name.startsWith("projects/proj-1/',
                    )
                ), expression
                where = expression.split('"')[1]
            else:
                where = PROJECT
        else:
            where = inputs.get("topic") or inputs.get("bucket") or inputs.get("secretId")
        found.add((account, inputs["role"], where))
    wanted = expected_grants(rec, model)
    assert wanted <= found
    durable = {  # workflows' and the registry's accounts (a long id is shortened: by name)
        inputs["accountId"]
        for typ, inputs in rec.resources.values()
        if typ == "gcp:serviceaccount/account:Account"
        and (": workflow " in inputs["displayName"] or inputs["displayName"].endswith(CALLBACKS))
    }
    extra = {
        g
        for g in found - wanted
        if g[0] not in durable and "-wf-" not in g[0] and "durable-callbacks" not in g[0]
    }
    assert {g[1] for g in extra} <= {"roles/eventarc.eventReceiver"}, extra


@pytest.mark.parametrize("path", APPS, ids=app_id)
def test_allusers_only_for_anonymous_http_functions(path: Path) -> None:
    rec, model, _ = deployed(path)
    public = {
        inputs["name"]
        for typ, inputs in rec.resources.values()
        if inputs.get("member") == "allUsers"
    }
    anonymous = {
        f"{model.name}-{fn.name}".replace("_", "-").lower()
        for fn in model.functions
        if fn.trigger.type == "http" and fn.trigger.auth == "anonymous"
    }
    assert public == anonymous


def test_env_and_secrets_reach_the_function_by_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAAS_SECRET_API_TOKEN", "s3cr3t-value")  # what `faas-iac dev` would read
    rec, _, _ = deployed(BINDINGS)
    assert "s3cr3t-value" not in json.dumps(rec.resources, default=repr)
    send = next(i for t, i in rec.resources.values() if i.get("name") == "gcpbind-send")
    service = send["serviceConfig"]
    env = service["environmentVariables"]
    assert (env["GREETING"], env["MODE"]) == ("hello", "test")
    assert json.loads(env["FAAS_IAC_RESOURCES"])["secret:api-token"] == "API_TOKEN"
    assert service["secretEnvironmentVariables"] == [
        {
            "key": "API_TOKEN",
            "projectId": PROJECT,
            "secret": "gcpbind-api-token",
            "version": "latest",
        }
    ]
    secret = next(i for t, i in rec.resources.values() if t.endswith("secret:Secret"))
    assert set(secret) == {"secretId", "replication", "labels"}  # the container, no value


def test_a_workflow_may_call_exactly_what_it_calls() -> None:
    rec, _, _ = deployed(BINDINGS)
    account = "serviceAccount:gcpbind-wf-approve@proj-1.iam.gserviceaccount.com"
    grants = sorted(
        (i["role"], i.get("name") or i["condition"]["expression"])
        for t, i in rec.resources.values()
        if i.get("member") == account
    )
    assert grants == [
        ("roles/datastore.user", 'resource.name == "projects/proj-1/databases/gcpbind-db"'),
        ("roles/run.invoker", "gcpbind-check"),  # not gcpbind-unused: it never calls it
        ("roles/run.invoker", "gcpbind-durable-callbacks"),
        (
            "roles/workflows.invoker",
            'resource.name == "projects/proj-1/locations/us-central1/workflows/gcpbind-approve"',
        ),
    ]
    workflow = next(i for t, i in rec.resources.values() if i.get("name") == "gcpbind-approve")
    assert workflow["serviceAccount"] == "gcpbind-sa-wf-approve-id"  # the mock id of its account
    assert workflow["userEnvVars"] == {
        "FAAS_IAC_FN_CHECK": "https://gcpbind-check-abc.a.run.app",
        "FAAS_IAC_FN_DURABLE_CALLBACKS": "https://gcpbind-durable-callbacks-abc.a.run.app",
    }


def test_a_workflow_may_operate_on_exactly_its_entities() -> None:
    """examples/durable's aggregate_readings calls the aggregator and counter entity functions:
    their URLs are in its environment and its account may invoke those two functions only."""
    rec, _, _ = deployed(ROOT / "examples" / "durable" / "app.py")
    workflow = next(
        i
        for _, i in rec.resources.values()
        if i.get("name") == "durable-patterns-aggregate-readings"
    )
    assert workflow["userEnvVars"] == {
        "FAAS_IAC_FN_AGGREGATOR": "https://durable-patterns-aggregator-abc.a.run.app",
        "FAAS_IAC_FN_COUNTER": "https://durable-patterns-counter-abc.a.run.app",
    }
    account = next(
        i["accountId"]
        for t, i in rec.resources.values()
        if t == "gcp:serviceaccount/account:Account"
        and i["displayName"].endswith(": workflow aggregate_readings")
    )
    member = f"serviceAccount:{account}@{PROJECT}.iam.gserviceaccount.com"
    grants = sorted(
        (i["role"], i.get("name") or i["condition"]["expression"])
        for _, i in rec.resources.values()
        if i.get("member") == member
    )
    assert grants == [
        ("roles/run.invoker", "durable-patterns-aggregator"),
        ("roles/run.invoker", "durable-patterns-counter"),
    ]
