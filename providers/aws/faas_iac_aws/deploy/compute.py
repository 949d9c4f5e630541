"""SDK handlers for IAM, logs, alarms, Lambda, API Gateway and EventBridge Scheduler."""

from __future__ import annotations

from typing import Any

from .. import types as T
from .base import Env, Handler, Outputs, tag_list


def _role(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    role = env.client("iam").create_role(
        RoleName=p["name"],
        AssumeRolePolicyDocument=p["assume_role_policy"],
        Tags=tag_list(p.get("tags")),
    )["Role"]
    return role_outputs(role, p["name"])


def role_outputs(role: dict[str, Any], name: str) -> Outputs:
    return {"arn": role["Arn"], "id": name, "name": name}


def _role_delete(env: Env, o: Outputs) -> None:
    iam = env.client("iam")
    for name in iam.list_role_policies(RoleName=o["name"])["PolicyNames"]:
        iam.delete_role_policy(RoleName=o["name"], PolicyName=name)
    iam.delete_role(RoleName=o["name"])


def _role_policy(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("iam").put_role_policy(
        RoleName=p["role"], PolicyName=p["name"], PolicyDocument=p["policy"]
    )
    return {"id": f"{p['role']}:{p['name']}", "role": p["role"], "name": p["name"]}


def _role_policy_delete(env: Env, o: Outputs) -> None:
    iam = env.client("iam")
    if o["name"] in iam.list_role_policies(RoleName=o["role"])["PolicyNames"]:
        iam.delete_role_policy(RoleName=o["role"], PolicyName=o["name"])


def _log_group(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    logs = env.client("logs")
    logs.create_log_group(logGroupName=p["name"], tags=p.get("tags", {}))
    settle_log_group(env, p)
    return log_group_outputs(env, p["name"])


def settle_log_group(env: Env, p: dict[str, Any]) -> None:
    """What a log group's create sets after creating it (again on a take-over)."""
    env.client("logs").put_retention_policy(
        logGroupName=p["name"], retentionInDays=p["retention_in_days"]
    )


def log_group_outputs(env: Env, name: str) -> Outputs:
    arn = f"arn:aws:logs:{env.region}:{env.account}:log-group:{name}"
    return {"arn": arn, "id": name, "name": name}


def _alarm(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("cloudwatch").put_metric_alarm(
        AlarmName=p["name"],
        Namespace=p["namespace"],
        MetricName=p["metric_name"],
        Dimensions=tag_list(p["dimensions"], "Name", "Value"),
        Statistic=p["statistic"],
        Period=p["period"],
        EvaluationPeriods=p["evaluation_periods"],
        Threshold=float(p["threshold"]),
        ComparisonOperator=p["comparison_operator"],
        TreatMissingData=p["treat_missing_data"],
        Tags=tag_list(p.get("tags")),
    )
    arn = f"arn:aws:cloudwatch:{env.region}:{env.account}:alarm:{p['name']}"
    return {"arn": arn, "id": p["name"], "name": p["name"]}


def _layer(env: Env, p: dict[str, Any], code: bytes | None) -> Outputs:
    made = env.client("lambda").publish_layer_version(
        LayerName=p["layer_name"],
        Content={"ZipFile": code},
        Description=p["description"],
        CompatibleRuntimes=p["compatible_runtimes"],
    )
    return layer_outputs(made, p["layer_name"])


def layer_outputs(made: dict[str, Any], name: str) -> Outputs:
    return {
        "arn": made["LayerVersionArn"],
        "id": made["LayerVersionArn"],
        "layer_name": name,
        "version": made["Version"],
    }


def _function_config(p: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "Role": p["role"],
        "Runtime": p["runtime"],
        "Handler": p["handler"],
        "MemorySize": p["memory_size"],
        "Timeout": p["timeout"],
        "Environment": {"Variables": p["environment"]["variables"]},
        "TracingConfig": {"Mode": p["tracing_config"]["mode"]},
        "LoggingConfig": {
            "LogFormat": p["logging_config"]["log_format"],
            "LogGroup": p["logging_config"]["log_group"],
        },
        "Layers": p.get("layers", []),
        "Description": p.get("description", ""),
    }
    return config


def _function(env: Env, p: dict[str, Any], code: bytes | None) -> Outputs:
    lam = env.client("lambda")
    made = lam.create_function(
        FunctionName=p["name"],
        Code={"ZipFile": code},
        Publish=bool(p.get("publish")),
        Tags=p.get("tags", {}),
        **_function_config(p),
    )
    env.wait("lambda", "function_active_v2", FunctionName=p["name"])
    if "reserved_concurrent_executions" in p:
        lam.put_function_concurrency(
            FunctionName=p["name"],
            ReservedConcurrentExecutions=p["reserved_concurrent_executions"],
        )
    return function_outputs(env, made)


def function_outputs(env: Env, made: dict[str, Any]) -> Outputs:
    arn = made["FunctionArn"]
    return {
        "arn": arn,
        "id": made["FunctionName"],
        "name": made["FunctionName"],
        "version": made.get("Version", "$LATEST"),
        "invoke_arn": f"arn:aws:apigateway:{env.region}:lambda:path/2015-03-31/functions/"
        f"{arn}/invocations",
    }


def _function_update(env: Env, o: Outputs, p: dict[str, Any], code: bytes | None) -> Outputs:
    lam = env.client("lambda")
    lam.update_function_code(FunctionName=o["name"], ZipFile=code, Publish=bool(p.get("publish")))
    env.wait("lambda", "function_updated_v2", FunctionName=o["name"])
    made = lam.update_function_configuration(FunctionName=o["name"], **_function_config(p))
    env.wait("lambda", "function_updated_v2", FunctionName=o["name"])
    if "reserved_concurrent_executions" in p:
        lam.put_function_concurrency(
            FunctionName=o["name"],
            ReservedConcurrentExecutions=p["reserved_concurrent_executions"],
        )
    return function_outputs(env, made)


def _provisioned(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("lambda").put_provisioned_concurrency_config(
        FunctionName=p["function_name"],
        Qualifier=p["qualifier"],
        ProvisionedConcurrentExecutions=p["provisioned_concurrent_executions"],
    )
    return {"id": f"{p['function_name']}:{p['qualifier']}", **p}


def _alias(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    made = env.client("lambda").create_alias(
        FunctionName=p["function_name"],
        Name=p["name"],
        FunctionVersion=p["function_version"],
        Description=p.get("description", ""),
    )
    return alias_outputs(made["AliasArn"], p)


def _alias_update(env: Env, o: Outputs, p: dict[str, Any], _: bytes | None) -> Outputs:
    made = env.client("lambda").update_alias(
        FunctionName=p["function_name"], Name=p["name"], FunctionVersion=p["function_version"]
    )
    return alias_outputs(made["AliasArn"], p)


def alias_outputs(arn: str, p: dict[str, Any]) -> Outputs:
    return {"arn": arn, "id": arn, **p}


def _permission(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    sid = p["_logical"]
    env.client("lambda").add_permission(
        FunctionName=p["function"],
        StatementId=sid,
        Action=p["action"],
        Principal=p["principal"],
        SourceArn=p["source_arn"],
    )
    return {"id": sid, "function": p["function"]}


def _api(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    made = env.client("apigatewayv2").create_api(
        Name=p["name"], ProtocolType=p["protocol_type"], Tags=p.get("tags", {})
    )
    return api_outputs(env, made)


def api_outputs(env: Env, made: dict[str, Any]) -> Outputs:
    return {
        "id": made["ApiId"],
        "api_endpoint": made["ApiEndpoint"],
        "arn": f"arn:aws:apigateway:{env.region}::/apis/{made['ApiId']}",
        "execution_arn": f"arn:aws:execute-api:{env.region}:{env.account}:{made['ApiId']}",
    }


def _stage(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("apigatewayv2").create_stage(
        ApiId=p["api_id"], StageName=p["name"], AutoDeploy=p["auto_deploy"]
    )
    return {"id": p["name"], "api_id": p["api_id"]}


def _integration(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    made = env.client("apigatewayv2").create_integration(
        ApiId=p["api_id"],
        IntegrationType=p["integration_type"],
        IntegrationMethod=p["integration_method"],
        IntegrationUri=p["integration_uri"],
        PayloadFormatVersion=p["payload_format_version"],
    )
    return {"id": made["IntegrationId"], "api_id": p["api_id"]}


def _route(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    args = {
        "ApiId": p["api_id"],
        "RouteKey": p["route_key"],
        "Target": p["target"],
        "AuthorizationType": p["authorization_type"],
    }
    if "authorizer_id" in p:
        args["AuthorizerId"] = p["authorizer_id"]
    made = env.client("apigatewayv2").create_route(**args)
    return {"id": made["RouteId"], "api_id": p["api_id"]}


def _authorizer(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    jwt = p["jwt_configuration"]
    made = env.client("apigatewayv2").create_authorizer(
        ApiId=p["api_id"],
        AuthorizerType=p["authorizer_type"],
        Name=p["name"],
        IdentitySource=p["identity_sources"],
        JwtConfiguration={"Issuer": jwt["issuer"], "Audience": jwt["audiences"]},
    )
    return {"id": made["AuthorizerId"], "api_id": p["api_id"]}


def _api_child(kind: str) -> Any:
    def delete(env: Env, o: Outputs) -> None:
        api = env.client("apigatewayv2")
        if kind == "stage":
            api.delete_stage(ApiId=o["api_id"], StageName=o["id"])
        elif kind == "integration":
            api.delete_integration(ApiId=o["api_id"], IntegrationId=o["id"])
        elif kind == "route":
            api.delete_route(ApiId=o["api_id"], RouteId=o["id"])
        else:
            api.delete_authorizer(ApiId=o["api_id"], AuthorizerId=o["id"])

    return delete


def _schedule(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    target = p["target"]
    made = env.client("scheduler").create_schedule(
        Name=p["name"],
        ScheduleExpression=p["schedule_expression"],
        ScheduleExpressionTimezone=p["schedule_expression_timezone"],
        FlexibleTimeWindow={"Mode": p["flexible_time_window"]["mode"]},
        Target={"Arn": target["arn"], "RoleArn": target["role_arn"], "Input": target["input"]},
    )
    return {"arn": made["ScheduleArn"], "id": p["name"], "name": p["name"]}


HANDLERS: dict[str, Handler] = {
    T.ROLE: Handler(_role, _role_delete),
    T.ROLE_POLICY: Handler(
        _role_policy, _role_policy_delete, lambda e, o, p, c: _role_policy(e, p, c)
    ),
    T.LOG_GROUP: Handler(
        _log_group, lambda e, o: e.client("logs").delete_log_group(logGroupName=o["name"])
    ),
    T.ALARM: Handler(
        _alarm, lambda e, o: e.client("cloudwatch").delete_alarms(AlarmNames=[o["name"]])
    ),
    T.LAYER: Handler(
        _layer,
        lambda e, o: e.client("lambda").delete_layer_version(
            LayerName=o["layer_name"], VersionNumber=o["version"]
        ),
    ),
    T.LAMBDA: Handler(
        _function,
        lambda e, o: e.client("lambda").delete_function(FunctionName=o["name"]),
        _function_update,
    ),
    T.ALIAS: Handler(
        _alias,
        lambda e, o: e.client("lambda").delete_alias(
            FunctionName=o["function_name"], Name=o["name"]
        ),
        _alias_update,
    ),
    T.PROVISIONED: Handler(
        _provisioned,
        lambda e, o: e.client("lambda").delete_provisioned_concurrency_config(
            FunctionName=o["function_name"], Qualifier=o["qualifier"]
        ),
    ),
    T.PERMISSION: Handler(
        _permission,
        lambda e, o: e.client("lambda").remove_permission(
            FunctionName=o["function"], StatementId=o["id"]
        ),
    ),
    T.HTTP_API: Handler(_api, lambda e, o: e.client("apigatewayv2").delete_api(ApiId=o["id"])),
    T.STAGE: Handler(_stage, _api_child("stage")),
    T.INTEGRATION: Handler(_integration, _api_child("integration")),
    T.ROUTE: Handler(_route, _api_child("route")),
    T.AUTHORIZER: Handler(_authorizer, _api_child("authorizer")),
    T.SCHEDULE: Handler(
        _schedule, lambda e, o: e.client("scheduler").delete_schedule(Name=o["name"])
    ),
}
