"""Message attributes are text on every target; a binary one is its base64 text. The same
attributes (a String, a Number and a Binary) through each adapter that can carry them: SQS and
SNS records (the ``sam local generate-event`` samples with the attributes as Lambda delivers
them) and Service Bus messages (built by ``azure.functions``' own constructor). The local host
and Azure Storage queues carry only text attributes (``ctx.send(..., **attributes: str)``)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from azure.functions.servicebus import ServiceBusMessage
from faas_iac_aws.runtime import events
from faas_iac_azure.runtime import convert

AWS_FIXTURES = Path(__file__).parents[1] / "aws" / "fixtures"
THUMB = b"\x89PNG\x00\xff"
EXPECTED = {"kind": "order", "count": "3", "thumb": base64.b64encode(THUMB).decode()}


def _fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((AWS_FIXTURES / name).read_text()))


def sqs() -> dict[str, str]:
    record = _fixture("sqs_attributes.json")["Records"][0]
    return dict(events.sqs_message(record).attributes)


def sns() -> dict[str, str]:
    record = _fixture("sns.json")["Records"][0]
    record["Sns"]["MessageAttributes"] = {
        "kind": {"Type": "String", "Value": "order"},
        "count": {"Type": "Number", "Value": "3"},
        "thumb": {"Type": "Binary", "Value": base64.b64encode(THUMB).decode()},
    }
    return dict(events.sns_message(record).attributes)


def servicebus() -> dict[str, str]:
    props = {"kind": "order", "count": 3, "thumb": THUMB}
    native = ServiceBusMessage(
        body=b"x", message_id="m-1", application_properties=props, user_properties=props
    )
    return dict(convert.to_servicebus_message(native, "orders").attributes)


@pytest.mark.parametrize("target", [sqs, sns, servicebus], ids=lambda t: t.__name__)
def test_attributes_are_text_and_binary_is_base64(target: Any) -> None:
    attributes = target()
    assert attributes == EXPECTED
    assert base64.b64decode(attributes["thumb"]) == THUMB
