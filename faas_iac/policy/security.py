"""Security rules: who may call a function, what its identity may touch, where secrets live.

Resource checks read Pulumi type tokens (``aws:iam/rolePolicy:RolePolicy``...) and judge a
faas-iac plan and any Pulumi program alike (the policy pack runs them)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .rule import CLOUDS, TARGETS, Hit, Res, Rule, Scope, as_text, functions
from .secrets import CREDENTIAL, plain_secret

PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}
INVOKER_TYPES = (
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
    "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding",
    "gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember",
    "gcp:cloudfunctionsv2/functionIamBinding:FunctionIamBinding",
    "gcp:cloudfunctions/functionIamMember:FunctionIamMember",
    "gcp:cloudfunctions/functionIamBinding:FunctionIamBinding",
    "gcp:cloudrun/iamMember:IamMember",
    "gcp:cloudrun/iamBinding:IamBinding",
)
ROUTE = "aws:apigatewayv2/route:Route"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"


def _members(res: Res) -> set[str]:
    single = res.get("member")
    found = {single} if isinstance(single, str) else set()
    return found | {m for m in _listed(res.get("members", default=[])) if isinstance(m, str)}


def anonymous_functions(scope: Scope) -> Iterator[Hit]:
    for fn in functions(scope.app):
        if fn.trigger.type == "http" and fn.trigger.auth == "anonymous":
            yield Hit(
                f"HTTP function {fn.name!r} ({fn.trigger.route}) can be called by anyone",
                function=fn.name,
            )


def public_invocation(res: Res) -> Iterator[str]:
    if res.type in (ROUTE, FUNCTION_URL) and res.get("authorization_type") == "NONE":
        what = res.get("route_key") or res.get("function_name") or res.name
        yield f"{as_text(what) or res.name} takes requests with no authorization"
    elif res.type in INVOKER_TYPES and _members(res) & PUBLIC_MEMBERS:
        yield f"{sorted(_members(res) & PUBLIC_MEMBERS)} may invoke {res.name}"


IAM_DOCS = {
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/policy:Policy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",),
    "aws:iam/groupPolicy:GroupPolicy": ("policy",),
}
#: Actions AWS documents without resource-level permissions: "*" is the only resource.
NO_RESOURCE_LEVEL = {
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "logs:CreateLogGroup",
}
#: An ARN whose resource part names no resource: ``*``, ``table/*``, ``function:*`` (S3 ARNs
#: have no type: ``arn:aws:s3:::reports/*`` is the objects of one bucket).
BARE_ARN = re.compile(
    r"^arn:[^:]*:(?!s3:)[^:]*:[^:]*:[^:]*:(\*|[A-Za-z-]+[/:]\*)$|^arn:[^:]*:s3:::\*"
)


def _listed(value: Any) -> list[Any]:
    """A list (or the engine's read-only proxy of one) as a list; one value as a list of it."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [] if value is None else [value]


def _policy_docs(res: Res) -> Iterator[Any]:
    if res.type in IAM_DOCS:
        yield res.doc(*IAM_DOCS[res.type])
    elif res.type == "aws:iam/role:Role":
        for inline in _listed(res.get("inline_policies", default=[])):
            if isinstance(inline, Mapping):
                yield Res(res.type, res.name, inline).doc("policy")


def wildcard_iam(res: Res) -> Iterator[str]:
    for doc in _policy_docs(res):
        statements = doc.get("Statement", []) if isinstance(doc, Mapping) else []
        for st in _listed(statements):
            if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
                continue
            sid = f" ({st['Sid']})" if st.get("Sid") else ""
            actions = [a for a in _listed(st.get("Action", [])) if isinstance(a, str)]
            if "NotAction" in st or any("*" in a for a in actions):
                shown = st.get("NotAction") or [a for a in actions if "*" in a]
                yield f"{res.name}{sid} allows wildcard actions {shown}"
            if "NotResource" in st:
                yield f"{res.name}{sid} allows everything but {st['NotResource']}"
            for r in _listed(st.get("Resource", [])):
                text = as_text(r)
                wide = text == "*" or bool(BARE_ARN.match(text))
                if wide and not (text == "*" and actions and set(actions) <= NO_RESOURCE_LEVEL):
                    yield f"{res.name}{sid} grants {actions} on every resource ({text})"


PROJECT_IAM = (
    "gcp:projects/iAMMember:IAMMember",
    "gcp:projects/iAMBinding:IAMBinding",
    "gcp:projects/iAMPolicy:IAMPolicy",
)
#: Roles GCP grants only on a project (no resource-level IAM exists for them).
ONLY_ON_PROJECT = {
    "roles/eventarc.eventReceiver",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/cloudtrace.agent",
}
BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}


def project_roles(res: Res) -> Iterator[str]:
    if res.type == "gcp:projects/iAMPolicy:IAMPolicy":
        yield f"{res.name} replaces the project's whole IAM policy"
        return
    role = res.text("role")
    if role in BASIC_ROLES:
        yield f"{res.name} grants the basic role {role} on the project"
    elif role not in ONLY_ON_PROJECT and not res.get("condition"):
        yield f"{res.name} grants {role or 'a role'} on the whole project, with no condition"


ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"


def scope_kind(res: Res, text: str) -> str | None:
    """'subscription', 'resource group' or 'management group' when a scope is that wide."""
    target = res.refers_to("scope")
    if target is not None:
        return (
            "resource group" if target == ("azure-native:resources:ResourceGroup", "id") else None
        )
    path = re.sub(r"\$\{[^}]*\}", "x", text).strip("/").split("/")
    lowered = [p.lower() for p in path]
    if lowered[:3] == ["providers", "microsoft.management", "managementgroups"] and len(path) == 4:
        return "management group"
    if lowered[:1] == ["subscriptions"] and len(path) == 2:
        return "subscription"
    if lowered[:1] == ["subscriptions"] and len(path) == 4 and lowered[2] == "resourcegroups":
        return "resource group"
    return None


def wide_role_assignments(res: Res) -> Iterator[str]:
    text = res.text("scope")
    kind = scope_kind(res, text)
    if kind:
        yield f"{res.name} assigns a role on a whole {kind} ({text})"


def env_secrets(scope: Scope) -> Iterator[Hit]:
    for fn in functions(scope.app):
        for name, value in sorted(fn.env.items()):
            why = plain_secret(name, value)
            if why:
                yield Hit(
                    f"env {name} of {fn.name!r} is written in plain text and {why}",
                    function=fn.name,
                    subject=f"{fn.name}:{name}",
                )


def _settings(res: Res) -> Iterator[tuple[str, Any]]:
    """Name and value of every plain environment variable or app setting of a resource."""
    if res.type == "aws:lambda/function:Function":
        variables = res.get("environment", "variables", default={})
        yield from (variables.items() if isinstance(variables, Mapping) else ())
    elif res.type == "gcp:cloudfunctionsv2/function:Function":
        for path in (
            ("service_config", "environment_variables"),
            ("build_config", "environment_variables"),
        ):
            variables = res.get(*path, default={})
            yield from (variables.items() if isinstance(variables, Mapping) else ())
    elif res.type == "gcp:cloudfunctions/function:Function":
        variables = res.get("environment_variables", default={})
        yield from (variables.items() if isinstance(variables, Mapping) else ())
    elif res.type == "azure-native:web:WebApp":
        for item in _listed(res.get("site_config", "app_settings", default=[])):
            if isinstance(item, Mapping):
                yield str(item.get("name", "")), item.get("value")
    elif res.type == "azure-native:web:WebAppApplicationSettings":
        props = res.get("properties", default={})
        yield from (props.items() if isinstance(props, Mapping) else ())


ENV_TYPES = (
    "aws:lambda/function:Function",
    "gcp:cloudfunctionsv2/function:Function",
    "gcp:cloudfunctions/function:Function",
    "azure-native:web:WebApp",
    "azure-native:web:WebAppApplicationSettings",
)


def plain_env(res: Res) -> Iterator[str]:
    for name, value in _settings(res):
        if isinstance(value, str):
            why = plain_secret(name, value)
            if why:
                yield f"{res.name}: setting {name} is plain text and {why}"


#: Attributes of other resources that hold keys: an app setting referring to one holds a key.
KEY_ATTRIBUTE = re.compile(r"(key|connection_?string|password|secret|sas)", re.IGNORECASE)
#: Application Insights' connection string is an ingestion address, not a credential (with
#: local auth disabled, as faas-iac plans it, it grants nothing).
NOT_A_KEY = {("azure-native:applicationinsights:Component", "connection_string")}


def azure_keys(res: Res) -> Iterator[str]:
    for name, value in _settings(res):
        if not res.type.startswith("azure-native:"):
            continue
        text = as_text(value)
        if CREDENTIAL.search(text):
            yield f"{res.name}: app setting {name} holds a key or password"
            continue
        for ref, attr in re.findall(r"\$\{([^}.:]+)\.([^}]+)\}", text):
            typ = res.types.get(ref, "")
            if KEY_ATTRIBUTE.search(attr) and (typ, attr) not in NOT_A_KEY:
                yield f"{res.name}: app setting {name} holds {ref}'s {attr}"


PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
PAB_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


def public_buckets(res: Res) -> Iterator[str]:
    if (
        res.type in (*BUCKET_TYPES, "aws:s3/bucketAclV2:BucketAclV2")
        and res.get("acl") in PUBLIC_ACLS
    ):
        yield f"{res.name} has the public ACL {res.get('acl')}"
    elif res.type == PAB:
        off = [flag for flag in PAB_FLAGS if res.get(flag) is not True]
        if off:
            yield f"{res.name} leaves public access open: {', '.join(off)} not set"
    elif res.type == "aws:s3/bucketPolicy:BucketPolicy":
        doc = res.doc("policy")
        for st in _listed(doc.get("Statement", []) if isinstance(doc, Mapping) else []):
            principal = st.get("Principal") if isinstance(st, Mapping) else None
            everyone = principal == "*" or (
                isinstance(principal, Mapping) and principal.get("AWS") == "*"
            )
            if everyone and st.get("Effect") == "Allow" and not st.get("Condition"):
                yield f"{res.name} allows anyone ({st.get('Action')})"
    elif (
        res.type
        in (
            "gcp:storage/bucketIAMMember:BucketIAMMember",
            "gcp:storage/bucketIAMBinding:BucketIAMBinding",
        )
        and _members(res) & PUBLIC_MEMBERS
    ):
        yield f"{res.name} grants {res.text('role')} to {sorted(_members(res) & PUBLIC_MEMBERS)}"
    elif (
        res.type == "azure-native:storage:StorageAccount"
        and res.get("allow_blob_public_access") is True
    ):
        yield f"{res.name} allows public blob access"
    elif res.type == "azure-native:storage:BlobContainer" and res.get("public_access") in (
        "Blob",
        "Container",
    ):
        yield f"{res.name} is readable by anyone (public_access={res.get('public_access')})"


def unblocked_buckets(resources: Sequence[Res]) -> Iterator[tuple[Res, str]]:
    """AWS buckets with no public access block naming them."""
    blocked: set[str] = set()
    for res in resources:
        if res.type == PAB:
            text = res.text("bucket")
            match = re.fullmatch(r"\$\{([^}.]+)\.[^}]+\}", text)
            blocked.add(match.group(1) if match else text)
    for res in resources:
        if res.type in BUCKET_TYPES and not {res.name, res.text("bucket")} & blocked:
            yield res, f"{res.name} has no public access block"


CORS = {
    "aws:apigatewayv2/api:Api": ("cors_configuration", "allow_origins", "allow_credentials"),
    FUNCTION_URL: ("cors", "allow_origins", "allow_credentials"),
    "azure-native:web:WebApp": ("site_config.cors", "allowed_origins", "support_credentials"),
}


def cors_with_credentials(res: Res) -> Iterator[str]:
    if res.type not in CORS:
        return
    where, origins, credentials = CORS[res.type]
    cors = res.get(*where.split("."), default={})
    if not isinstance(cors, Mapping):
        return
    sub = Res(res.type, res.name, cors)
    if "*" in _listed(sub.get(origins, default=[])) and sub.get(credentials) is True:
        yield f"{res.name} allows credentials from any origin (CORS '*')"


RULES: tuple[Rule, ...] = (
    Rule(
        id="FIAC701",
        title="anonymous HTTP function",
        group="security",
        severity="warning",
        targets=TARGETS,
        rationale="Anyone who finds the URL can call it and run up its cost; faas-iac asks for "
        "a function key, IAM or a JWT unless told otherwise.",
        fix='drop auth="anonymous" (a function key is the default), or use auth="iam" / "jwt"; '
        "if the endpoint is public on purpose, suppress with the reason",
        example='@app.http("/hook", auth="anonymous")\ndef hook(req, ctx): ...',
        model=anonymous_functions,
        types=(ROUTE, FUNCTION_URL, *INVOKER_TYPES),
        resource=public_invocation,
    ),
    Rule(
        id="FIAC702",
        title="wildcard action or resource in an IAM policy",
        group="security",
        severity="error",
        targets=("aws",),
        rationale="A wildcard grants far more than the function needs: a leaked credential or "
        "a bug then reaches every resource of that kind in the account.",
        fix="name the exact actions and resource ARNs (faas-iac derives them from the "
        "function's bindings: declare reads=/writes= instead of a hand-written policy)",
        example='aws:iam/rolePolicy:RolePolicy {"role": "orders-fn", "policy": {"Version": '
        '"2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}',
        example_kind="resource",
        types=(*IAM_DOCS, "aws:iam/role:Role"),
        resource=wildcard_iam,
    ),
    Rule(
        id="FIAC703",
        title="project-wide role on GCP",
        group="security",
        severity="error",
        targets=("gcp",),
        rationale="A role granted on the project reaches every bucket, topic and secret in it; "
        "most roles can be granted on the one resource used.",
        fix="grant the role on the resource (bucket, topic, subscription, secret), or add an "
        "IAM condition naming it",
        example='gcp:projects/iAMMember:IAMMember {"role": "roles/storage.admin", '
        '"member": "serviceAccount:fn@p.iam.gserviceaccount.com"}',
        example_kind="resource",
        types=PROJECT_IAM,
        resource=project_roles,
    ),
    Rule(
        id="FIAC704",
        title="subscription- or resource-group-wide role assignment on Azure",
        group="security",
        severity="error",
        targets=("azure",),
        rationale="A role assigned on a subscription or resource group reaches every resource "
        "in it, present and future.",
        fix="scope the assignment to the resource (queue, container, vault...) the identity uses",
        example='azure-native:authorization:RoleAssignment {"scope": "/subscriptions/0000/'
        'resourceGroups/rg", "role_definition_id": "...Contributor"}',
        example_kind="resource",
        types=(ROLE_ASSIGNMENT,),
        resource=wide_role_assignments,
    ),
    Rule(
        id="FIAC705",
        title="secret in a plain environment variable",
        group="security",
        severity="warning",
        targets=CLOUDS,
        rationale="Plain environment variables are written into the plan, the deployed "
        "configuration and often logs; anyone who can read the function's settings reads them.",
        fix='declare the value as a secret: secrets={"DB_PASSWORD": "db-password"} (read '
        "from the target's secret store at run time)",
        example='@app.http("/pay", env={"STRIPE_KEY": "sk_live_51HxQ2eK9fJ3mZ7pL"})\n'
        "def pay(req, ctx): ...",
        model=env_secrets,
        types=ENV_TYPES,
        resource=plain_env,
    ),
    Rule(
        id="FIAC706",
        title="public bucket",
        group="security",
        severity="error",
        targets=CLOUDS,
        rationale="A public bucket or container publishes every object put in it.",
        fix="block public access (AWS public access block, GCP no allUsers, Azure "
        "allow_blob_public_access=false); serve public files through a function or a CDN",
        example='aws:s3/bucket:Bucket {"bucket": "reports", "acl": "public-read"}',
        example_kind="resource",
        types=(
            *BUCKET_TYPES,
            PAB,
            "aws:s3/bucketAclV2:BucketAclV2",
            "aws:s3/bucketPolicy:BucketPolicy",
            "gcp:storage/bucketIAMMember:BucketIAMMember",
            "gcp:storage/bucketIAMBinding:BucketIAMBinding",
            "azure-native:storage:StorageAccount",
            "azure-native:storage:BlobContainer",
        ),
        resource=public_buckets,
        stack=unblocked_buckets,
    ),
    Rule(
        id="FIAC707",
        title="key or connection string in Azure app settings",
        group="security",
        severity="error",
        targets=("azure",),
        rationale="App settings are readable by anyone with read access to the Function App; "
        "a storage key or Service Bus connection string there grants full access to that "
        "service.",
        fix="use identity-based connections (X__fullyQualifiedNamespace, X__accountName with "
        "X__credential=managedidentity) or a Key Vault reference",
        example='azure-native:web:WebApp {"site_config": {"app_settings": [{"name": '
        '"AzureWebJobsStorage", "value": "DefaultEndpointsProtocol=https;AccountName=a;'
        'AccountKey=..."}]}}',
        example_kind="resource",
        types=("azure-native:web:WebApp", "azure-native:web:WebAppApplicationSettings"),
        resource=azure_keys,
    ),
    Rule(
        id="FIAC708",
        title="CORS '*' with credentials",
        group="security",
        severity="error",
        targets=("aws", "azure"),
        rationale="Allowing credentials from any origin lets any web page act with a "
        "signed-in user's cookies or tokens.",
        fix="list the origins that may call the API, or turn credentials off",
        example='aws:apigatewayv2/api:Api {"cors_configuration": {"allow_origins": ["*"], '
        '"allow_credentials": true}}',
        example_kind="resource",
        types=tuple(CORS),
        resource=cors_with_credentials,
    ),
)
