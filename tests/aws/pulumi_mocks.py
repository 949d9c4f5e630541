"""Pulumi mocks that record every resource's inputs as the engine would receive them."""

from __future__ import annotations

from typing import Any

import pulumi

ACCOUNT, REGION = "123456789012", "us-east-1"


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, tuple[str, dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = (args.typ, dict(args.inputs))
        service = args.typ.split(":")[1].split("/")[0]
        physical = args.inputs.get("name") or args.inputs.get("bucket") or args.name
        arn = f"arn:aws:{service}:{REGION}:{ACCOUNT}:{args.name}"
        outputs = {
            **args.inputs,
            "arn": arn,
            "name": physical,
            "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}",
            "stream_arn": f"{arn}/stream/2024",
            "streamArn": f"{arn}/stream/2024",
            "executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{args.name}",
            "apiEndpoint": f"https://{args.name}.execute-api.{REGION}.amazonaws.com",
            "version": "1",
        }
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
