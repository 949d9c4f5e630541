"""Every kind of resource the SDK engine creates, deleted behind its back on a real
``moto_server``, is created again by the next deploy, and the app works again.

One deploy of the widest app (every trigger and binding) per module; each test deletes one
family by hand with boto3 (an API's route, integration, stage, authorizer and permission; a
queue's event source mapping; a topic's subscription; a rule's target; a bucket's settings),
deploys again and checks that exactly those were created again and that the reads AWS offers
see them wired as before.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from faas_iac_aws import types as T
from faas_iac_aws.deploy.adopt import FINDERS, code_sha256, find
from faas_iac_aws.deploy.base import Env
from faas_iac_aws.deploy.engine import HANDLERS, resolved_props
from faas_iac_aws.deploy.probe import PROBES, still_there
from faas_iac_aws.deploy.session import connect
from faas_iac_aws.provider import provider
from faas_iac_aws.runtime import entry

from faas_iac.api import load
from faas_iac.plan import Compiled, DeployOptions, DeployReport, compile_app
from tests.aws import test_sdk_deploy
from tests.aws.moto_server import fake_credentials

HERE = Path(__file__).parent
endpoint = test_sdk_deploy.endpoint  # a moto_server per module


@pytest.fixture(scope="module")
def deployed(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Compiled]:
    with fake_credentials():
        app_dir = tmp_path_factory.mktemp("recover") / "all_triggers"
        shutil.copytree(HERE / "apps" / "all_triggers", app_dir)
        model, root = load(str(app_dir / "app.py"))
        compiled = compile_app(model, root, "aws")
        first = deploy(compiled, endpoint)
        assert len(first.created) == len(compiled.plan.resources)
        yield compiled


def deploy(compiled: Compiled, endpoint: str) -> DeployReport:
    return provider.deploy(compiled, DeployOptions(endpoint_url=endpoint, session=shared()))


def client(endpoint: str, service: str) -> Any:
    return shared().client(service, endpoint_url=endpoint)


@functools.cache
def shared() -> boto3.session.Session:
    """One session for the module: botocore loads each service's model once per session."""
    return boto3.session.Session(region_name="us-east-1")


def logical(compiled: Compiled, type_: str, name_has: str) -> set[str]:
    return {r.name for r in compiled.plan.resources if r.type == type_ and name_has in r.name}


def redeploy(compiled: Compiled, endpoint: str, replaced: set[str] | None = None) -> set[str]:
    """Deploy again: what it created; nothing may be updated or deleted, and only
    ``replaced`` replaced (a route whose authorizer was created again has a new id to use)."""
    again = deploy(compiled, endpoint)
    assert again.updated == again.deleted == ()
    assert set(again.replaced) == (replaced or set())
    return set(again.created)


def test_every_type_the_engine_creates_has_a_probe() -> None:
    assert set(PROBES) == set(HANDLERS)


def test_an_http_route_and_its_wiring_are_created_again(
    deployed: Compiled, endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    apigw, lam = client(endpoint, "apigatewayv2"), client(endpoint, "lambda")
    api = next(a for a in apigw.get_apis()["Items"] if a["Name"] == "allt")
    api_id = api["ApiId"]
    assert through_the_api(endpoint, deployed.root, api_id, "GET", "/admin", monkeypatch) == (
        200,
        "ok",
    )
    routes = {r["RouteKey"]: r for r in apigw.get_routes(ApiId=api_id)["Items"]}
    admin, files = routes["GET /admin"], routes["GET /files/{rest+}"]
    # By hand: the route, its integration, the stage, the JWT authorizer, the permission.
    apigw.delete_route(ApiId=api_id, RouteId=admin["RouteId"])
    apigw.delete_integration(ApiId=api_id, IntegrationId=target(admin))
    apigw.delete_stage(ApiId=api_id, StageName="$default")
    apigw.delete_route(ApiId=api_id, RouteId=files["RouteId"])
    apigw.delete_authorizer(ApiId=api_id, AuthorizerId=files["AuthorizerId"])
    for sid in sids(lam, "allt-admin"):
        lam.remove_permission(FunctionName="allt-admin", StatementId=sid)
    with pytest.raises(KeyError):
        through_the_api(endpoint, deployed.root, api_id, "GET", "/admin", monkeypatch)

    (get_files,) = {n for n in logical(deployed, T.ROUTE, "files") if "get" in n}
    other_files = logical(deployed, T.ROUTE, "files") - {get_files}  # DELETE /files/{rest+}
    created = redeploy(deployed, endpoint, replaced=other_files)
    assert created == (
        logical(deployed, T.ROUTE, "admin")
        | logical(deployed, T.INTEGRATION, "admin")
        | logical(deployed, T.STAGE, "")
        | {get_files}
        | logical(deployed, T.AUTHORIZER, "files")
        | logical(deployed, T.PERMISSION, "admin")
    )
    assert through_the_api(endpoint, deployed.root, api_id, "GET", "/admin", monkeypatch) == (
        200,
        "ok",
    )
    routes = {r["RouteKey"]: r for r in apigw.get_routes(ApiId=api_id)["Items"]}
    jwt = apigw.get_authorizer(
        ApiId=api_id, AuthorizerId=routes["GET /files/{rest+}"]["AuthorizerId"]
    )
    assert jwt["JwtConfiguration"]["Issuer"] == "https://issuer.example"
    assert redeploy(deployed, endpoint) == set()


def test_a_queue_mapping_is_created_again_and_delivers(deployed: Compiled, endpoint: str) -> None:
    lam, sqs = client(endpoint, "lambda"), client(endpoint, "sqs")
    (mapping,) = mappings(lam, "allt-take")
    lam.delete_event_source_mapping(UUID=mapping["UUID"])
    assert mappings(lam, "allt-take") == []

    assert redeploy(deployed, endpoint) == logical(deployed, T.ESM, "take")
    (again,) = mappings(lam, "allt-take")
    assert again["EventSourceArn"].endswith(":allt-orders") and again["BatchSize"] == 10
    assert again["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # Delivery: moto hands the message to (its stand-in of) the function and deletes it.
    url = sqs.get_queue_url(QueueName="allt-orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": "o-9"}))
    left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_a_topic_subscription_and_its_permission_are_created_again(
    deployed: Compiled, endpoint: str
) -> None:
    sns, lam = client(endpoint, "sns"), client(endpoint, "lambda")
    topic = next(
        t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":allt-news")
    )
    (sub,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
    # Another tool adds a statement of its own, then ours is removed: the policy is still there.
    (ours,) = sids(lam, "allt-on_news")
    lam.add_permission(
        FunctionName="allt-on_news",
        StatementId="someone-else",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
    )
    lam.remove_permission(FunctionName="allt-on_news", StatementId=ours)
    assert sids(lam, "allt-on_news") == ["someone-else"]

    created = redeploy(deployed, endpoint)
    assert created == logical(deployed, T.SUBSCRIPTION, "on_news") | logical(
        deployed, T.PERMISSION, "on_news"
    )
    (again,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert again["Protocol"] == "lambda" and again["Endpoint"].endswith(":allt-on_news")
    attrs = sns.get_subscription_attributes(SubscriptionArn=again["SubscriptionArn"])
    assert json.loads(attrs["Attributes"]["FilterPolicy"]) == {"kind": ["big"]}
    assert allows(lam, "allt-on_news", "sns.amazonaws.com", topic)


def test_a_rule_target_is_created_again(deployed: Compiled, endpoint: str) -> None:
    events = client(endpoint, "events")
    (rule,) = events.list_rules(EventBusName="allt-audit")["Rules"]
    (target_,) = events.list_targets_by_rule(Rule=rule["Name"], EventBusName="allt-audit")[
        "Targets"
    ]
    events.remove_targets(Rule=rule["Name"], EventBusName="allt-audit", Ids=[target_["Id"]])

    assert redeploy(deployed, endpoint) == logical(deployed, T.TARGET, "on_event")
    (again,) = events.list_targets_by_rule(Rule=rule["Name"], EventBusName="allt-audit")["Targets"]
    assert again["Arn"].endswith(":function:allt-on_event")


def test_a_buckets_settings_are_applied_again(deployed: Compiled, endpoint: str) -> None:
    s3 = client(endpoint, "s3")
    bucket = next(b["Name"] for b in s3.list_buckets()["Buckets"] if "reports" in b["Name"])
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})

    assert redeploy(deployed, endpoint) == (
        logical(deployed, T.BUCKET_PAB, "")
        | logical(deployed, T.BUCKET_VERSIONING, "")
        | logical(deployed, T.BUCKET_NOTIFICATION, "")
    )
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    config = s3.get_bucket_notification_configuration(Bucket=bucket)
    (notify,) = config["LambdaFunctionConfigurations"]
    assert notify["LambdaFunctionArn"].endswith(":allt-on_file")


# --- reading the wiring back -------------------------------------------------------------


def target(route: dict[str, Any]) -> str:
    return str(route["Target"]).removeprefix("integrations/")


def mappings(lam: Any, function: str) -> list[dict[str, Any]]:
    found = lam.list_event_source_mappings()["EventSourceMappings"]
    return [m for m in found if m["FunctionArn"].endswith(f":function:{function}")]


def sids(lam: Any, function: str) -> list[str]:
    policy = json.loads(lam.get_policy(FunctionName=function)["Policy"])
    return [s["Sid"] for s in policy["Statement"]]


def allows(lam: Any, function: str, principal: str, source: str) -> bool:
    """Whether the function's resource policy lets ``principal`` invoke it from ``source``
    (an ARN, or an ARN pattern with ``*`` as API Gateway's are)."""
    for st in json.loads(lam.get_policy(FunctionName=function)["Policy"])["Statement"]:
        who = st["Principal"]["Service"] if isinstance(st["Principal"], dict) else st["Principal"]
        pattern = st.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn", "")
        if who == principal and re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), source):
            return True
    return False


def through_the_api(
    endpoint: str, root: Path, api_id: str, method: str, path: str, mp: pytest.MonkeyPatch
) -> tuple[int, str]:
    """What API Gateway would do for ``method path`` on its ``$default`` stage, each step read
    from moto (which keeps HTTP APIs but does not serve them): the route, its integration,
    the function the integration names, the permission letting API Gateway invoke it; then
    the function's deployed configuration runs the request through the Lambda adapter.
    A missing link is a KeyError."""
    apigw, lam = client(endpoint, "apigatewayv2"), client(endpoint, "lambda")
    if "$default" not in {s["StageName"] for s in apigw.get_stages(ApiId=api_id)["Items"]}:
        raise KeyError("$default")
    routes = {r["RouteKey"]: r for r in apigw.get_routes(ApiId=api_id)["Items"]}
    route = routes[f"{method} {path}"]
    integrations = {i["IntegrationId"]: i for i in apigw.get_integrations(ApiId=api_id)["Items"]}
    uri = integrations[target(route)]["IntegrationUri"]
    function = re.search(r"arn:aws:lambda:[^/]*:function:[^/:]+", uri)
    assert function is not None, uri
    execution = f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/$default/{method}{path}"
    if not allows(lam, function.group(0), "apigateway.amazonaws.com", execution):
        raise KeyError("permission")
    config = lam.get_function_configuration(FunctionName=function.group(0))
    event = json.loads((HERE / "fixtures" / "apigw_v2_post.json").read_text())
    event.update(routeKey=f"{method} {path}", rawPath=path, body=None, isBase64Encoded=False)
    event["requestContext"]["http"].update(method=method, path=path)
    event["requestContext"]["routeKey"] = f"{method} {path}"
    mp.setenv("AWS_ENDPOINT_URL", endpoint)
    mp.syspath_prepend(str(root))
    entry._cache.clear()
    try:
        response = entry.dispatch(event, None, config["Environment"]["Variables"])
    finally:
        entry._cache.clear()
        sys.modules.pop("app", None)
    return int(response["statusCode"]), str(response.get("body"))


def test_the_alias_probe_sees_an_alias_deleted_by_hand(deployed: Compiled, endpoint: str) -> None:
    """Aliases come from Lambda durable plans, which this app has not: the probe itself, on an
    alias made by hand on one of the app's functions (moto has no provisioned concurrency at
    all, so that probe, GetProvisionedConcurrencyConfig, is not run here)."""
    lam = client(endpoint, "lambda")
    version = lam.publish_version(FunctionName="allt-admin")["Version"]
    lam.create_alias(FunctionName="allt-admin", Name="live", FunctionVersion=version)
    env = Env(shared(), endpoint, "us-east-1", "123456789012", {})
    alias = {"function_name": "allt-admin", "name": "live"}
    assert still_there(env, T.ALIAS, alias)
    lam.delete_alias(FunctionName="allt-admin", Name="live")
    assert not still_there(env, T.ALIAS, alias)


def test_data_resources_and_their_dependents_are_created_again(
    deployed: Compiled, endpoint: str
) -> None:
    """The table (its stream's mapping follows the new stream), the topic (its subscription
    went with it), the secret, the Kinesis stream, a log group, an alarm, a schedule."""
    c = lambda service: client(endpoint, service)  # noqa: E731
    c("dynamodb").delete_table(TableName="allt-orders")
    topic = next(
        t["TopicArn"] for t in c("sns").list_topics()["Topics"] if "allt-news" in t["TopicArn"]
    )
    c("sns").delete_topic(TopicArn=topic)
    (secret,) = c("secretsmanager").list_secrets()["SecretList"]
    c("secretsmanager").delete_secret(SecretId=secret["ARN"], ForceDeleteWithoutRecovery=True)
    c("kinesis").delete_stream(StreamName="allt-clicks")
    c("logs").delete_log_group(logGroupName="/aws/lambda/allt-nightly")
    alarms = c("cloudwatch").describe_alarms()["MetricAlarms"]
    c("cloudwatch").delete_alarms(AlarmNames=[a["AlarmName"] for a in alarms][:1])
    c("scheduler").delete_schedule(Name="allt-nightly")

    again = deploy(deployed, endpoint)
    created, replaced = set(again.created), set(again.replaced)
    gone = {T.TABLE: "", T.TOPIC: "", T.SECRET: "", T.STREAM: "", T.SCHEDULE: "nightly"}
    for type_, has in gone.items():
        assert logical(deployed, type_, has) <= created, type_
    assert logical(deployed, T.SUBSCRIPTION, "") <= created
    assert logical(deployed, T.LOG_GROUP, "nightly") <= created
    assert len(created & logical(deployed, T.ALARM, "")) == 1
    # The table's stream mapping follows the new stream ARN (it carries a creation label);
    # a Kinesis stream's ARN is its name's, and moto keeps its mapping: left as it is.
    assert logical(deployed, T.ESM, "on_change") <= replaced | created
    assert not logical(deployed, T.ESM, "on_click") & (replaced | created)
    assert redeploy(deployed, endpoint) == set()  # settled: the next deploy only reads
    assert c("dynamodb").describe_table(TableName="allt-orders")["Table"]["StreamSpecification"]
    assert c("scheduler").get_schedule(Name="allt-nightly")["ScheduleExpressionTimezone"]


def test_a_secret_deleted_with_a_recovery_window_is_restored_with_its_value(
    deployed: Compiled, endpoint: str
) -> None:
    """Deleting a secret in the console or the CLI schedules it (7 to 30 days): the name is
    held, reads fail. The next deploy restores it, value included."""
    manager = client(endpoint, "secretsmanager")
    (secret,) = manager.list_secrets()["SecretList"]
    manager.put_secret_value(SecretId=secret["ARN"], SecretString="s3cr3t")
    manager.delete_secret(SecretId=secret["ARN"], RecoveryWindowInDays=7)
    assert "DeletedDate" in manager.describe_secret(SecretId=secret["ARN"])

    assert redeploy(deployed, endpoint) == logical(deployed, T.SECRET, "")
    assert "DeletedDate" not in manager.describe_secret(SecretId=secret["ARN"])
    assert manager.get_secret_value(SecretId=secret["ARN"])["SecretString"] == "s3cr3t"


def test_every_finder_finds_what_the_engine_recorded(deployed: Compiled, endpoint: str) -> None:
    """What a deploy killed after a create would look up (:mod:`faas_iac_aws.deploy.adopt`),
    for every resource of the app whose type has a finder: by name and props alone, exactly
    the outputs the engine recorded when it created it. Types without one are puts."""
    puts = {T.ALARM, T.TOPIC, T.SUBSCRIPTION, T.RULE, T.TARGET, T.ROLE_POLICY, T.PROVISIONED}
    puts |= {T.BUCKET_PAB, T.BUCKET_VERSIONING, T.BUCKET_NOTIFICATION}
    assert set(HANDLERS) - set(FINDERS) == puts
    env = connect(deployed, DeployOptions(endpoint_url=endpoint, session=shared()))
    path = deployed.root / ".faas" / "aws" / "allt.state.json"
    recorded = json.loads(path.read_text())["resources"]
    checked = set()
    for res in deployed.plan.resources:
        if res.type not in FINDERS or res.type == T.AUTHORIZER:  # moto has no GetAuthorizers
            continue
        props = resolved_props(res, recorded, env)  # as the engine resolves them
        code = env.artifacts[res.artifact] if res.artifact else None
        assert find(env, res.type, props, code_sha256(code)) == recorded[res.name]["outputs"]
        checked.add(res.type)
    assert checked == set(FINDERS) - {T.ALIAS, T.STATE_MACHINE, T.AUTHORIZER}
