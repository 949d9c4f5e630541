"""Signing in for the SDK engine: the boto3 session, its region, the account; and what a new
user's machine often lacks (a region, credentials, a profile, a reachable endpoint), said as a
coded error with the fix, before any call changes anything.

An emulator (``--endpoint-url``) needs no real region: ``us-east-1`` is used when none is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faas_iac.errors import FaasError
from faas_iac.plan.providers import DeployOptions

from ..plan.layer import provider_blobs
from .base import Env

if TYPE_CHECKING:
    from faas_iac.plan import Compiled

EMULATOR_REGION = "us-east-1"
_CREDENTIALS_FIX = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile from "
    "`aws configure` (or `aws sso login`); for an emulator (--endpoint-url), any values work"
)


def _session(options: DeployOptions) -> Any:
    import boto3  # type: ignore[import-untyped]
    from botocore.exceptions import ProfileNotFound  # type: ignore[import-untyped]

    try:
        session = boto3.session.Session(region_name=options.region or None)
    except ProfileNotFound as exc:
        raise FaasError.one(
            "FIAC308",
            f"AWS profile {exc.kwargs.get('profile')!r} is not configured",
            fix="create it with `aws configure --profile NAME`, or unset AWS_PROFILE; "
            + _CREDENTIALS_FIX,
        ) from None
    return session


def _region(session: Any, endpoint: str | None) -> str:
    if not session.region_name and endpoint:
        return EMULATOR_REGION
    if not session.region_name:
        raise FaasError.one(
            "FIAC307",
            "no AWS region is set, so there is nowhere to deploy",
            fix="pass --region eu-west-1 (any region), or set AWS_REGION, or give the profile "
            "a region with `aws configure`",
        )
    return str(session.region_name)


def _account(session: Any, endpoint: str | None, region: str) -> str:
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    if session.get_credentials() is None:
        raise FaasError.one("FIAC308", "no AWS credentials found", fix=_CREDENTIALS_FIX)
    try:
        sts = session.client("sts", endpoint_url=endpoint, region_name=region)
        identity = sts.get_caller_identity()
    except (NoCredentialsError, PartialCredentialsError) as exc:
        raise FaasError.one(
            "FIAC308", f"AWS credentials unusable: {exc}", fix=_CREDENTIALS_FIX
        ) from None
    except ClientError as exc:
        raise FaasError.one(
            "FIAC308",
            f"AWS refused the credentials: {exc.response.get('Error', {}).get('Code', exc)}",
            fix="check that the keys are current (an expired session token needs a new "
            "`aws sso login`) and belong to the account you mean; " + _CREDENTIALS_FIX,
        ) from None
    except EndpointConnectionError:
        where = endpoint or f"its {region} endpoints"
        raise FaasError.one(
            "FIAC309",
            f"cannot reach AWS at {where}",
            fix="start the emulator (e.g. moto_server -H 127.0.0.1 -p 5000) and pass its URL "
            "with --endpoint-url"
            if endpoint
            else "check the network connection and the region name",
        ) from None
    except BotoCoreError as exc:
        raise FaasError.one(
            "FIAC309", f"cannot sign in to AWS: {exc}", fix="check the AWS configuration"
        ) from None
    return str(identity["Account"])


def connect(compiled: Compiled, options: DeployOptions) -> Env:
    """The engine's clients, region, account and artifacts; a coded error when the machine
    cannot deploy (no region, no credentials, no answer)."""
    session = options.session or _session(options)
    endpoint = options.endpoint_url
    region = _region(session, endpoint)
    account = _account(session, endpoint, region)
    artifacts = {"code": compiled.code_zip, **provider_blobs(compiled.plan)}
    return Env(session, endpoint, region, account, artifacts)
