"""What every role and every Lambda permission of a stack may touch, derived from the app model
(triggers, bindings, durable client) and from the state machines' own Task states, compared
exactly with what Pulumi receives.

Nothing here reads the planner's tables: the expected grants come from the model and the
documented IAM of each integration, the access level of each action from parliament's copy of
AWS's Service Authorization Reference, and parliament (Duo Labs' IAM linter) checks that each
action fits the type of the resource it is granted on.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from faas_iac.model import AppModel, Function
from tests.aws.pulumi_mocks import ACCOUNT, REGION, Recorder

Access = str  # "read" | "write" | "readwrite"
TABLE = "aws:dynamodb/table:Table"
ROLE = "aws:iam/role:Role"

#: The forms of ARN a grant may take besides a resource's own ARN, each named for what it is.
SUB_RESOURCES = {
    "log streams of a function's own log group": "{log_group}:log-stream:*",
    "objects of a bucket": "{bucket}/*",
    "executions of a state machine": "arn:aws:states:{region}:{account}:execution:{machine}:*",
    "the default event bus": "arn:aws:events:{region}:{account}:event-bus/default",
    # Lambda authorizes durable execution actions on the execution's ARN, which extends the
    # function's with a version qualifier: `:*` names every version's (the documented form).
    "durable executions of a function": "arn:aws:lambda:{region}:{account}:function:{function}:*",
    # Documented for startExecution.sync: Step Functions manages this rule in the account.
    "the rule Step Functions uses to follow .sync executions": (
        "arn:aws:events:{region}:{account}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"
    ),
}
#: Consuming a queue deletes what it received: AWS classes both as Write, a reader needs them.
CONSUMING = {"sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}
#: AWS documents no resource-level permissions for these actions (the only allowed "*").
NO_RESOURCE_LEVEL = {"xray:PutTelemetryRecords", "xray:PutTraceSegments"}
NEVER = {"Permissions management", "Tagging"}
#: Lambda durable function actions (December 2025), newer than parliament's copy of the Service
#: Authorization Reference: their access levels as that reference lists them.
DURABLE_ACTIONS = {
    "lambda:CheckpointDurableExecution": "Write",
    "lambda:GetDurableExecutionState": "Read",
    "lambda:GetDurableExecution": "Read",
    "lambda:ListDurableExecutionsByFunction": "List",
    "lambda:StopDurableExecution": "Write",
    "lambda:DeleteDurableExecution": "Write",
    "lambda:SendDurableExecutionCallbackSuccess": "Write",
}
DURABLE_HANDLER = "faas_iac_aws.lambda_durable.entry.handler"
ALIAS = "aws:lambda/alias:Alias"
#: What an orchestrator's source calls, read here by pattern (the planner reads its syntax
#: tree): the kind, and the target as a quoted literal or a module constant's name.
CALL = re.compile(
    r"\.call_(activity|sub_orchestrator)(?:_with_retry)?\(\s*(?:name\s*=\s*)?"
    r"(?:([\"'])(\w+)\2|([A-Za-z_]\w*))"
)
ENTITY_CALL = re.compile(r"\.(?:call|signal)_entity\(")
#: parliament findings that mean a policy is wrong rather than a style remark.
FATAL_FINDINGS = {
    "RESOURCE_MISMATCH",
    "UNKNOWN_ACTION",
    "UNKNOWN_PREFIX",
    "RESOURCE_STAR",
    "MALFORMED",
    "INVALID_ARN",
}

#: parliament findings accepted, each named with the reason.
ACCEPTED_FINDINGS = {
    # The Service Authorization Reference lists no resource type for SendTaskSuccess, but AWS
    # enforces it against the state machine's ARN for Lambda callback tasks (tested by the
    # AWS CDK maintainers when adding grant APIs, aws-cdk PR 8486): the narrower grant works.
    ("RESOURCE_MISMATCH", "states:SendTaskSuccess"),
    # Listed with two required types, execution* and express*; parliament asks for both, AWS
    # for either: executions of a standard machine are of the first.
    ("RESOURCE_MISMATCH", "states:DescribeExecution"),
    # A stream's label is a timestamp with colons (``.../stream/2024-01-01T00:00:00.000``) and
    # parliament splits ARNs at every colon; the exact comparison above still judges these.
    ("RESOURCE_MISMATCH", "dynamodb:DescribeStream"),
    ("RESOURCE_MISMATCH", "dynamodb:GetRecords"),
    ("RESOURCE_MISMATCH", "dynamodb:GetShardIterator"),
    # parliament's copy predates Lambda durable functions; DURABLE_ACTIONS gives their levels.
    *(("UNKNOWN_ACTION", action) for action in DURABLE_ACTIONS),
}


def form(name: str, **parts: str) -> str:
    return SUB_RESOURCES[name].format(region=REGION, account=ACCOUNT, **parts)


def merge(into: dict[str, Access], arn: str, access: Access) -> None:
    old = into.get(arn)
    into[arn] = access if old in (None, access) else "readwrite"


@dataclass
class Stack:
    """The recorded resources of one deploy, addressed by their logical plan names."""

    rec: Recorder
    prefix: str
    model: AppModel

    def key(self, logical: str) -> str:
        return f"{self.prefix}-{logical}"

    def arn(self, logical: str, attr: str = "arn") -> str:
        return str(self.rec.outputs[self.key(logical)][attr])

    def of_type(self, typ: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for name, (t, inputs) in self.rec.resources.items():
            if t == typ:
                yield name, inputs

    def resource(self, kind: str, name: str, attr: str = "arn") -> str:
        """A model resource (``queue:orders``...) by the plan's naming, ``<kind>-<name>``."""
        return self.arn(f"{kind}-{name}", attr)

    def durable_function_logicals(self) -> list[tuple[str, str]]:
        """(logical name, physical name) of every function on Lambda durable functions."""
        return [
            (n.removeprefix(self.prefix + "-"), i["name"])
            for n, i in self.of_type("aws:lambda/function:Function")
            if i["handler"] == DURABLE_HANDLER
        ]

    def alias_arn(self, logical: str) -> str:
        """The ARN of the one alias of a durable function, which must point at its published
        version: what other orchestrators invoke it by (never unqualified, never $LATEST)."""
        function = self.rec.outputs[self.key(logical)]
        (alias,) = [i for _, i in self.of_type(ALIAS) if i["functionName"] == function["name"]]
        assert alias["functionVersion"] == function["version"], alias
        assert alias["name"] != "$LATEST"
        return f"{function['arn']}:{alias['name']}"

    def durable_functions(self) -> list[str]:
        return [name for _, name in self.durable_function_logicals()]

    def machines(self) -> list[tuple[str, dict[str, Any]]]:
        return list(self.of_type("aws:sfn/stateMachine:StateMachine"))

    def log_streams(self, function_inputs: dict[str, Any]) -> str:
        group = function_inputs["loggingConfig"]["logGroup"]
        (arn,) = [
            self.rec.outputs[n]["arn"]
            for n, i in self.of_type("aws:cloudwatch/logGroup:LogGroup")
            if i["name"] == group
        ]
        return form("log streams of a function's own log group", log_group=arn)


def function_grants(stack: Stack, fn: Function | None, inputs: dict[str, Any]) -> dict[str, str]:
    """What the role of a Lambda may touch: ``fn`` is None for the durable token registrar."""
    out: dict[str, Access] = {stack.log_streams(inputs): "write"}
    if fn is None:  # the registrar: it records tokens and completes any machine's wait
        merge(out, stack.arn("durable-registry"), "write")
        for name, _ in stack.machines():
            merge(out, stack.rec.outputs[name]["arn"], "write")
        return out
    t = fn.trigger
    if t.type == "queue":
        merge(out, stack.resource("queue", t.queue), "read")
    elif t.type == "table":
        merge(out, stack.resource("table", t.table, "stream_arn"), "read")
    elif t.type == "stream":
        merge(out, stack.resource("stream", t.stream), "read")
    for b in fn.bindings:
        accesses = ("read", "write") if b.access == "readwrite" else (b.access,)
        for access in accesses:
            if b.kind == "bucket":
                bucket = stack.resource("bucket", b.name)
                if access == "read":
                    merge(out, bucket, "read")  # listing
                merge(out, form("objects of a bucket", bucket=bucket), access)
            elif b.kind == "bus" and b.name == "default":
                merge(out, form("the default event bus"), access)
            else:
                merge(out, stack.resource(b.kind, b.name), access)
    if fn.kind == "entity":
        merge(out, stack.arn("durable-entities"), "readwrite")
    if fn.kind == "orchestrator":  # on Lambda durable functions: exactly what it calls
        merge(out, form("durable executions of a function", function=inputs["name"]), "write")
        activities, orchestrators, entities = orchestrator_calls(stack, fn)
        # the adapter starts every durable orchestrator by its alias, never unqualified
        config = json.loads(inputs["environment"]["variables"]["FAAS_IAC_DURABLE_FUNCTION"])
        prefix = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
        for name, target in config["orchestrators"].items():
            assert prefix + target == stack.alias_arn(f"fn-{name}"), (name, target)
        for activity in activities:
            merge(out, stack.arn(f"fn-{activity}"), "write")
        for name in orchestrators:
            merge(out, stack.alias_arn(f"fn-{name}"), "write")
        merge(out, stack.arn("durable-registry"), "readwrite")
        if entities and stack.model.by_kind("entity"):
            merge(out, stack.arn("durable-entities"), "readwrite")
    if fn.durable_client:
        # the portable client starts executions by the alias, as orchestrators do
        config = json.loads(inputs["environment"]["variables"]["FAAS_IAC_DURABLE"])
        for logical, name in stack.durable_function_logicals():
            target = config["durable_functions"][logical.removeprefix("fn-")]
            assert target == stack.alias_arn(logical), (logical, target)
            merge(out, stack.alias_arn(logical), "write")
            merge(out, form("durable executions of a function", function=name), "write")
        if stack.durable_functions():
            merge(out, stack.arn("durable-registry"), "readwrite")
        for name, machine in stack.machines():
            merge(out, stack.rec.outputs[name]["arn"], "write")
            merge(out, form("executions of a state machine", machine=machine["name"]), "write")
        if stack.machines():
            merge(out, stack.arn("durable-registry"), "readwrite")
        for entity in stack.model.by_kind("entity"):
            merge(out, stack.arn(f"fn-{entity.name}"), "write")
    return out


def orchestrator_calls(stack: Stack, fn: Function) -> tuple[set[str], set[str], bool]:
    """The activities and durable orchestrators ``fn``'s source calls (every one of a kind
    when a target of that kind is computed at run time), and whether it uses entities."""
    module = sys.modules[str(fn.handler.module)]
    handler: Any = module
    for part in str(fn.handler.qualname).split("."):
        handler = getattr(handler, part)
    source = inspect.getsource(handler)
    every = {
        "activity": {a.name for a in stack.model.by_kind("activity")},
        "sub_orchestrator": {n.removeprefix("fn-") for n, _ in stack.durable_function_logicals()},
    }
    found: dict[str, set[str]] = {"activity": set(), "sub_orchestrator": set()}
    for kind, _, literal, constant in CALL.findall(source):
        target = literal or getattr(module, constant, None)
        found[kind] |= {target} if isinstance(target, str) else every[kind]
    return (
        found["activity"] & every["activity"],
        found["sub_orchestrator"] & every["sub_orchestrator"],
        bool(ENTITY_CALL.search(source)),
    )


def machine_grants(stack: Stack, machine: dict[str, Any], own_arn: str) -> dict[str, str]:
    """What a state machine's role may touch: exactly what its Task states call, with the IAM
    that AWS documents for each service integration."""
    out: dict[str, Access] = {}
    tables = {i["name"]: stack.rec.outputs[n]["arn"] for n, i in stack.of_type(TABLE)}
    for task in tasks(json.loads(machine["definition"])["States"]):
        resource, args = task["Resource"], task.get("Arguments", {})
        match resource.removeprefix("arn:aws:states:::"):
            case "lambda:invoke" | "lambda:invoke.waitForTaskToken":
                for function in _targets(args["FunctionName"], "lambda"):
                    merge(out, function, "write")
            case "states:startExecution.sync:2":
                for child in _targets(args["StateMachineArn"], "states"):
                    merge(out, child, "write")
                    name = child.rsplit(":", 1)[1]
                    merge(out, form("executions of a state machine", machine=name), "write")
                merge(out, form("the rule Step Functions uses to follow .sync executions"), "write")
            case "states:startExecution":
                assert args["StateMachineArn"] == "{% $states.context.StateMachine.Id %}", task
                merge(out, own_arn, "write")
            case "dynamodb:putItem":
                merge(out, tables[args["TableName"]], "write")
            case other:
                raise AssertionError(f"no documented IAM for the integration {other}")
    return out


def _targets(value: str, service: str) -> list[str]:
    """A Task's target, or each ARN of the table a name computed at run time is looked up in
    (``{% $lookup({"name": "arn:...", ...}, ...) %}``)."""
    if value.startswith("{%"):
        return sorted(set(re.findall(rf'"(arn:aws:{service}:[^"]+)"', value)))
    return [value]


def tasks(states: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for state in states.values():
        if state["Type"] == "Task":
            yield state
        for branch in state.get("Branches", []):
            yield from tasks(branch["States"])
        if "ItemProcessor" in state:
            yield from tasks(state["ItemProcessor"]["States"])


def expected_grants(stack: Stack) -> dict[str, dict[str, Access]]:
    """Role ARN → the ARNs its policies must name, each with the access it stands for."""
    functions = {f"fn-{fn.name}": fn for fn in stack.model.functions}
    out: dict[str, dict[str, Access]] = {}
    for name, inputs in stack.of_type("aws:lambda/function:Function"):
        logical = name.removeprefix(stack.prefix + "-")
        assert logical in functions or logical == "fn-durable-tokens", logical
        out[inputs["role"]] = function_grants(stack, functions.get(logical), inputs)
    for name, machine in stack.machines():
        own = stack.rec.outputs[name]["arn"]
        out[machine["roleArn"]] = machine_grants(stack, machine, own)
    for _, schedule in stack.of_type("aws:scheduler/schedule:Schedule"):
        target = schedule["target"]
        out[target["roleArn"]] = {target["arn"]: "write"}
    return out


def access_level(action: str) -> str:
    from parliament import iam_definition

    if action in DURABLE_ACTIONS:
        return DURABLE_ACTIONS[action]
    prefix, name = action.split(":")
    for service in iam_definition:
        if service["prefix"] == prefix:
            for privilege in service["privileges"]:
                if privilege["privilege"].lower() == name.lower():
                    return str(privilege["access_level"])
    raise AssertionError(f"{action} is not an action AWS documents")


def _details(detail: Any) -> list[Any]:
    return detail if isinstance(detail, list) else [detail]


def _action(detail: Any) -> Any:
    """A finding names its action in a dict (most) or in its text (UNKNOWN_ACTION:
    ``Unknown action lambda:X``)."""
    return detail.get("action") if isinstance(detail, dict) else str(detail).rsplit(" ", 1)[-1]


def check_policy(owner: str, document: dict[str, Any], allowed: dict[str, Access]) -> set[str]:
    """Every (action, resource) of ``document`` against ``allowed``; returns the ARNs used."""
    from parliament import analyze_policy_string

    assert document["Version"] == "2012-10-17"
    findings = analyze_policy_string(json.dumps(document)).findings
    fatal = [
        (f.issue, f.detail)
        for f in findings
        if f.issue in FATAL_FINDINGS
        and not all((f.issue, _action(d)) in ACCEPTED_FINDINGS for d in _details(f.detail))
    ]
    assert not fatal, f"{owner}: parliament: {fatal}"
    used: set[str] = set()
    for st in document["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        assert st["Effect"] == "Allow" and actions and resources, f"{owner}: {st}"
        for action in actions:
            assert "*" not in action, f"{owner}: wildcard action {action}"
            assert access_level(action) not in NEVER, f"{owner}: {action}"
        for resource in resources:
            if resource == "*":
                assert set(actions) <= NO_RESOURCE_LEVEL, f"{owner}: '*' resource for {actions}"
                continue
            assert resource in allowed, f"{owner}: {resource} is not an ARN it may touch"
            used.add(resource)
            if allowed[resource] == "read":
                for action in actions:
                    level = access_level(action)
                    assert level in ("Read", "List") or action in CONSUMING, (
                        f"{owner}: {action} ({level}) on {resource}, which it may only read"
                    )
    return used


def check_roles(stack: Stack) -> None:
    expected = expected_grants(stack)
    role_arns = {f"{n}-id": stack.rec.outputs[n]["arn"] for n, _ in stack.of_type(ROLE)}
    used: dict[str, set[str]] = {}
    for _, policy in stack.of_type("aws:iam/rolePolicy:RolePolicy"):
        role = role_arns[policy["role"]]
        assert role in expected, f"a policy on {role}, which nothing assumes"
        document = json.loads(policy["policy"])
        used.setdefault(role, set()).update(check_policy(role, document, expected[role]))
    for role, allowed in expected.items():
        missing = set(allowed) - used.get(role, set())
        assert not missing, f"{role} lacks a grant on {sorted(missing)}"


def route_arn(route: str) -> str:
    """``/files/{path+}`` → ``files/*``: API Gateway's source ARN names a route's path with
    each parameter as ``*``."""
    return re.sub(r"\{[^}]+\}", "*", route).lstrip("/")


def check_permissions(stack: Stack) -> None:
    """Each Lambda permission lets exactly its trigger's source invoke exactly its function."""
    lambdas = {i["name"]: n for n, i in stack.of_type("aws:lambda/function:Function")}
    functions = {fn.name: fn for fn in stack.model.functions}
    seen: dict[str, set[tuple[str, str]]] = {}
    for name, perm in stack.of_type("aws:lambda/permission:Permission"):
        assert perm["action"] == "lambda:InvokeFunction", name
        assert perm.get("sourceArn"), f"{name}: a permission without a source ARN"
        fn = functions[lambdas[perm["function"]].removeprefix(stack.prefix + "-fn-")]
        seen.setdefault(fn.name, set()).add((perm["principal"], perm["sourceArn"]))
    for fn in stack.model.functions:
        t = fn.trigger
        expected: set[tuple[str, str]] = set()
        match t.type:
            case "http":
                api = stack.arn("http-api", "executionArn")
                expected = {
                    ("apigateway.amazonaws.com", f"{api}/*/{method}/{route_arn(t.route)}")
                    for method in t.methods
                }
            case "topic":
                expected = {("sns.amazonaws.com", stack.resource("topic", t.topic))}
            case "storage":
                expected = {("s3.amazonaws.com", stack.resource("bucket", t.bucket))}
            case "event":
                fn_arn = stack.arn(f"fn-{fn.name}")
                rules = {
                    stack.rec.outputs[n]["arn"]
                    for n, rule in stack.of_type("aws:cloudwatch/eventRule:EventRule")
                    for _, target in stack.of_type("aws:cloudwatch/eventTarget:EventTarget")
                    if target["arn"] == fn_arn and target["rule"] == rule["name"]
                }
                assert len(rules) == 1, (fn.name, rules)
                expected = {("events.amazonaws.com", rules.pop())}
        assert seen.get(fn.name, set()) == expected, fn.name
