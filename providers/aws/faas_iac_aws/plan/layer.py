"""The Lambda layer that carries the adapter (``faas_iac_aws.runtime``): a deterministic zip
built from this installed package, so its SHA-256 changes only when the adapter does."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from faas_iac.bytecode import runs_here
from faas_iac.model import AppModel
from faas_iac.plan import Artifact, PlanResource, sha256
from faas_iac.plan.artifacts import layer_zip_of
from faas_iac.plan.deps import recipe
from faas_iac.plan.model import Bundle, Plan
from faas_iac.plan.refs import ref

from .. import types as T

if TYPE_CHECKING:
    from faas_iac.plan import Compiled

LAYER_ARTIFACT = "aws-adapter"
#: The runtimes the adapter layer is for (its ``compatible_runtimes``).
LAYER_RUNTIMES = ("python3.11", "python3.12", "python3.13")
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
    # the adapter is most of a cold start: ship its bytecode
    return layer_zip_of(files, bytecode=runs_here(LAYER_RUNTIMES))


def layer_artifact() -> Artifact:
    data = layer_zip()
    digest = sha256(data)
    return Artifact(
        name=LAYER_ARTIFACT,
        path=f"artifacts/aws-adapter-{digest[:16]}.zip",
        sha256=digest,
        size=len(data),
    )


#: Lambda's x86_64 Python runtimes run on glibc 2.26 (AL2) or newer: manylinux2014 wheels
#: (glibc 2.17) and the older manylinux tags pip derives from it, as SAM build uses.
DEPS_PLATFORMS = ("manylinux2014_x86_64",)


def deps_layer(runtime: str) -> str:
    """The logical name of the dependencies layer for a Python runtime (``python3.12``)."""
    return f"deps-layer-{runtime.replace('python', 'py').replace('.', '')}"


def plan_deps(app: AppModel, runtimes: set[str]) -> tuple[list[PlanResource], list[Bundle]]:
    """Per Python runtime the app's functions use: a layer with ``App(requirements=...)``
    installed for that Python version and Lambda's platform, under ``python/``."""
    if not app.requirements:
        return [], []
    layers, bundles = [], []
    for runtime in sorted(runtimes):
        name = deps_layer(runtime)
        spec = recipe(
            f"aws-{name}",
            app.requirements,
            DEPS_PLATFORMS,
            runtime.removeprefix("python"),
            "python/",
        )
        bundles.append(spec)
        layers.append(
            PlanResource(
                type=T.LAYER,
                name=name,
                properties={
                    "layer_name": f"{app.name}-{name}",
                    "compatible_runtimes": [runtime],
                    "description": "the app's requirements: " + ", ".join(spec.requirements),
                },
                artifact=spec.name,
            )
        )
    return layers, bundles


def function_layers(app: AppModel, runtime: str, *others: str) -> list[dict[str, str]]:
    """The ``layers`` of a Python Lambda: ``others`` (the adapter first), then the app's
    dependencies layer for its runtime when the app has requirements."""
    names = [*others, *((deps_layer(runtime),) if app.requirements else ())]
    return [ref(name, "arn") for name in names]


def provider_blobs(plan: Plan) -> dict[str, bytes]:
    """The bytes of every artifact the provider builds itself (the adapter layer, the
    durable SDK layer when an orchestrator runs on Lambda durable functions, the dependency
    bundles), by name."""
    from faas_iac.plan.deps import bundle

    from .lambda_durable import SDK_ARTIFACT, sdk_layer_zip

    blobs = {LAYER_ARTIFACT: layer_zip()}
    if any(a.name == SDK_ARTIFACT for a in plan.artifacts):
        blobs[SDK_ARTIFACT] = sdk_layer_zip()
    for spec in plan.bundles:
        blobs[spec.name] = bundle(spec)
    return blobs


def artifact_paths(plan: Plan) -> dict[str, str]:
    """Every artifact's and bundle's path in the output folder, by name."""
    return {a.name: a.path for a in plan.artifacts} | {b.name: b.path for b in plan.bundles}


def artifact_files(compiled: Compiled) -> dict[str, bytes]:
    """Every zip a program of the plan deploys (the code, the layers, the dependency
    bundles), by its path in the output folder."""
    blobs = {"code": compiled.code_zip, **provider_blobs(compiled.plan)}
    return {rel: blobs[name] for name, rel in artifact_paths(compiled.plan).items()}
