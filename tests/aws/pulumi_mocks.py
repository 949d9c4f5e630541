"""Pulumi mocks that record every resource's inputs as the engine would receive them."""

from __future__ import annotations

from typing import Any

import pulumi

ACCOUNT, REGION = "123456789012", "us-east-1"


#: ARN formats (after ``arn:aws:``) from AWS's Service Authorization Reference, so that the
#: checks of a policy (and parliament's resource-type matching) see the ARNs AWS would give.
ARN_FORMS = {
    "aws:sqs/queue:Queue": "sqs:{region}:{account}:{name}",
    "aws:sns/topic:Topic": "sns:{region}:{account}:{name}",
    "aws:dynamodb/table:Table": "dynamodb:{region}:{account}:table/{name}",
    "aws:s3/bucket:Bucket": "s3:::{name}",
    "aws:secretsmanager/secret:Secret": "secretsmanager:{region}:{account}:secret:{name}-AbCdEf",
    "aws:cloudwatch/eventBus:EventBus": "events:{region}:{account}:event-bus/{name}",
    "aws:cloudwatch/eventRule:EventRule": "events:{region}:{account}:rule/{bus}{name}",
    "aws:kinesis/stream:Stream": "kinesis:{region}:{account}:stream/{name}",
    "aws:cloudwatch/logGroup:LogGroup": "logs:{region}:{account}:log-group:{name}",
    "aws:lambda/function:Function": "lambda:{region}:{account}:function:{name}",
    "aws:lambda/alias:Alias": "lambda:{region}:{account}:function:{function}:{name}",
    "aws:lambda/layerVersion:LayerVersion": "lambda:{region}:{account}:layer:{name}:1",
    "aws:iam/role:Role": "iam::{account}:role/{name}",
    "aws:sfn/stateMachine:StateMachine": "states:{region}:{account}:stateMachine:{name}",
    "aws:scheduler/schedule:Schedule": "scheduler:{region}:{account}:schedule/default/{name}",
    "aws:apigatewayv2/api:Api": "apigateway:{region}::/apis/{id}",
}


def arn_of(typ: str, logical: str, inputs: dict[str, Any]) -> str:
    name = inputs.get("name") or inputs.get("bucket") or inputs.get("layerName") or logical
    bus = inputs.get("eventBusName")
    form = ARN_FORMS.get(typ, "{service}:{region}:{account}:{logical}")
    return "arn:aws:" + form.format(
        region=REGION,
        account=ACCOUNT,
        name=name,
        id=f"{logical}-id",
        logical=logical,
        service=typ.split(":")[1].split("/")[0],
        bus=f"{bus}/" if bus and bus != "default" else "",
        function=inputs.get("functionName"),
    )


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, tuple[str, dict[str, Any]]] = {}
        self.outputs: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = (args.typ, dict(args.inputs))
        physical = args.inputs.get("name") or args.inputs.get("bucket") or args.name
        arn = arn_of(args.typ, args.name, args.inputs)
        outputs = {
            **args.inputs,
            "arn": arn,
            "name": physical,
            "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}",
            "stream_arn": f"{arn}/stream/2024-01-01T00:00:00.000",
            "streamArn": f"{arn}/stream/2024-01-01T00:00:00.000",
            "executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{args.name}-id",
            "apiEndpoint": f"https://{args.name}.execute-api.{REGION}.amazonaws.com",
            "version": "1",
            "qualifiedArn": f"{arn}:1",
        }
        self.outputs[args.name] = outputs
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        if args.token == "aws:index/getRegion:getRegion":
            return {"name": REGION, "region": REGION, "id": REGION}
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/t",
                "id": "t",
                "userId": "t",
            }
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        return {}
