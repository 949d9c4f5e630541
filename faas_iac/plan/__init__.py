"""Model → plan: the pipeline, the plan records, artifacts and the provider registry."""

from .artifacts import build_code_zip, deterministic_zip, sha256
from .model import Artifact, Plan, PlanResource, ordered
from .pipeline import Compiled, compile_app, write_output
from .providers import (
    ApplyingProvider,
    BuildContext,
    Capabilities,
    DeployOptions,
    DeployReport,
    EmittingProvider,
    Provider,
    PulumiProvider,
    available,
    get_provider,
)

__all__ = [
    "ApplyingProvider",
    "Artifact",
    "BuildContext",
    "Capabilities",
    "Compiled",
    "DeployOptions",
    "DeployReport",
    "EmittingProvider",
    "Plan",
    "PlanResource",
    "Provider",
    "PulumiProvider",
    "available",
    "build_code_zip",
    "compile_app",
    "deterministic_zip",
    "get_provider",
    "ordered",
    "sha256",
    "write_output",
]
