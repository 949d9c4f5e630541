"""The Lambda layer that carries the adapter (``faas_iac_aws.runtime``): a deterministic zip
built from this installed package, so its SHA-256 changes only when the adapter does."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from faas_iac.plan import Artifact, deterministic_zip, sha256

LAYER_ARTIFACT = "aws-adapter"
HANDLER = "faas_iac_aws.runtime.entry.handler"
_PACKAGE = Path(__file__).resolve().parent.parent
STEPFUNCTIONS_INIT = (
    b'"""The task-token registry of faas-iac on Step Functions (Lambda layer copy)."""\n'
)


@lru_cache(maxsize=1)
def layer_zip() -> bytes:
    files = {"python/faas_iac_aws/__init__.py": (_PACKAGE / "__init__.py").read_bytes()}
    for path in sorted((_PACKAGE / "runtime").glob("*.py")):
        files[f"python/faas_iac_aws/runtime/{path.name}"] = path.read_bytes()
    # Of the Step Functions package, the layer carries only the token registry (the registrar
    # Lambda's handler and raise_event), under an __init__ that imports nothing.
    files["python/faas_iac_aws/stepfunctions/__init__.py"] = STEPFUNCTIONS_INIT
    registry = _PACKAGE / "stepfunctions" / "registry.py"
    files["python/faas_iac_aws/stepfunctions/registry.py"] = registry.read_bytes()
    return deterministic_zip(files.items())


def layer_artifact() -> Artifact:
    data = layer_zip()
    digest = sha256(data)
    return Artifact(
        name=LAYER_ARTIFACT,
        path=f"artifacts/aws-adapter-{digest[:16]}.zip",
        sha256=digest,
        size=len(data),
    )


def provider_blobs(plan_artifacts: tuple[Artifact, ...]) -> dict[str, bytes]:
    """The bytes of every artifact the provider builds itself (the adapter layer, and the
    durable SDK layer when an orchestrator runs on Lambda durable functions), by name."""
    from .lambda_durable import SDK_ARTIFACT, sdk_layer_zip

    blobs = {LAYER_ARTIFACT: layer_zip()}
    if any(a.name == SDK_ARTIFACT for a in plan_artifacts):
        blobs[SDK_ARTIFACT] = sdk_layer_zip()
    return blobs
