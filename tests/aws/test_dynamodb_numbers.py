"""DynamoDB numbers reach handlers unchanged: the adapter's ``N`` decoding (standard library
only) is judged against boto3's own ``TypeDeserializer`` over generated number strings, on the
SAM stream event, and on ``ctx.table().get()`` through moto's DynamoDB."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer
from faas_iac_aws.runtime import entry
from faas_iac_aws.runtime.bindings import AwsBindings
from faas_iac_aws.runtime.events import ddb_number
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws

from tests.aws import handlers

FIXTURES = Path(__file__).parent / "fixtures"
BOTO = TypeDeserializer()


def same_number(ours: Any, theirs: Decimal) -> None:
    """``ours`` is boto3's value in the portable form: an int when integral, a float only when
    it prints back as the same decimal, the Decimal itself otherwise."""
    if theirs == theirs.to_integral_value():
        assert type(ours) is int and ours == theirs
    elif type(ours) is float:
        assert Decimal(repr(ours)) == theirs
    else:
        assert type(ours) is Decimal and ours == theirs
        assert Decimal(repr(float(theirs))) != theirs  # a float would have changed it


# DynamoDB numbers: up to 38 significant digits, magnitudes 1E-130 to 9.99...E+125.
digits = st.text("0123456789", min_size=1, max_size=38).filter(lambda d: d.lstrip("0") != "")
numbers = st.builds(
    lambda sign, ds, point, exp, form: _spell(sign, ds, point, exp, form),
    st.sampled_from(["", "-"]),
    digits,
    st.integers(0, 38),
    st.integers(-90, 87),
    st.sampled_from(["plain", "exponent"]),
)


def _spell(sign: str, ds: str, point: int, exp: int, form: str) -> str:
    point = min(point, len(ds))
    mantissa = ds if point == 0 else f"{ds[:-point] or '0'}.{ds[-point:]}"
    return f"{sign}{mantissa}E{exp:+d}" if form == "exponent" else f"{sign}{mantissa}"


@given(numbers)
def test_numbers_decode_as_boto3_does(text: str) -> None:
    same_number(ddb_number(text), BOTO.deserialize({"N": text}))


@pytest.mark.parametrize(
    "text",
    [
        "9007199254740993",  # 2**53 + 1: a float gives ...992
        "1E+40",  # integral, far past a float's exact integers
        "-12345678901234567890123456789012345678",
        "9.9999999999999999999999999999999999999E+125",
        "1E-130",
        "0.1",
        "3.14159265358979323846264338327950288",
        "12345678901234567890.5",
        "-0",
        "2.50",
    ],
)
def test_known_hard_numbers(text: str) -> None:
    same_number(ddb_number(text), BOTO.deserialize({"N": text}))


def test_stream_event_from_sam_keeps_numbers_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    event = json.loads((FIXTURES / "dynamodb.json").read_text())
    texts = {
        "big": "9007199254740993",
        "huge": "1E+40",
        "price": "0.1",
        "pi": "3.14159265358979323846264338327950288",
    }
    image = event["Records"][0]["dynamodb"]["NewImage"]
    image.update({k: {"N": v} for k, v in texts.items()})
    image["tags"] = {"NS": ["1E+40", "0.5"]}
    image["nested"] = {"M": {"n": {"L": [{"N": "9007199254740993"}]}}}
    handlers.SEEN.clear()
    entry._cache.clear()
    monkeypatch.setenv("FAAS_IAC_HANDLER", "tests.aws.handlers:on_event")
    monkeypatch.setenv("FAAS_IAC_TRIGGER", "table")
    try:
        assert entry.handler(event, None) == {"batchItemFailures": []}
    finally:
        entry._cache.clear()
    new = handlers.SEEN[0].data["new"]
    for name, text in texts.items():
        same_number(new[name], BOTO.deserialize({"N": text}))
    assert new["tags"] == [10**40, 0.5]
    assert new["nested"] == {"n": [9007199254740993]}


@mock_aws
def test_table_get_keeps_numbers_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    ddb = boto3.resource("dynamodb")
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    stored = {
        "id": "o-1",
        "big": Decimal("9007199254740993"),
        "huge": Decimal("1E+40"),
        "price": Decimal("0.1"),
        "precise": Decimal("12345678901234567890.5"),
    }
    ddb.Table("orders").put_item(Item=stored)
    got = AwsBindings({"table:orders": "orders"}).table_get("orders", {"id": "o-1"})
    assert got is not None
    for name in ("big", "huge", "price", "precise"):
        same_number(got[name], stored[name])
