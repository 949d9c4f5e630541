"""A function: its handler, runtime, limits, scaling, monitoring, trigger and bindings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Frozen
from .resources import Binding
from .triggers import Trigger

Runtime = Literal[
    "python3.11",
    "python3.12",
    "python3.13",
    "nodejs20",
    "nodejs22",
    "java21",
    "dotnet8",
    "go1",
    "provided",
]
PYTHON_RUNTIMES = frozenset({"python3.11", "python3.12", "python3.13"})

#: The longest timeout any serverless target allows (GCP gen2 HTTP: 3,600 s).
MAX_TIMEOUT_S = 3600
FunctionName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")]
EnvName = Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")]


class HandlerRef(Frozen):
    """Where the handler lives: a Python ``module:qualname`` in the app's source root, or, for
    other languages, a handler string and a code folder deployed as-is."""

    module: str | None = None
    qualname: str | None = None
    handler: str | None = None
    code: str | None = None

    @property
    def python(self) -> bool:
        return self.module is not None


class Scaling(Frozen):
    max_instances: Annotated[int, Field(ge=1, le=10000)] | None = None
    min_instances: Annotated[int, Field(ge=0, le=1000)] = 0
    reserved_concurrency: Annotated[int, Field(ge=0, le=10000)] | None = None
    concurrency: Annotated[int, Field(ge=1, le=1000)] = 1


class Monitoring(Frozen):
    log_retention_days: Annotated[int, Field(ge=1, le=3653)] = 30
    tracing: bool = False
    error_alert: bool = True


Kind = Literal["function", "orchestrator", "activity", "entity"]


class Function(Frozen):
    name: FunctionName
    kind: Kind = "function"
    description: str = ""
    handler: HandlerRef
    runtime: Runtime = "python3.11"
    memory: Annotated[int, Field(ge=128, le=32768)] = 256
    timeout: Annotated[int, Field(ge=1, le=MAX_TIMEOUT_S)] = 30
    env: dict[EnvName, str] = Field(default_factory=dict)
    secrets: dict[EnvName, str] = Field(default_factory=dict)
    scaling: Scaling = Scaling()
    monitoring: Monitoring = Monitoring()
    tags: dict[str, str] = Field(default_factory=dict)
    trigger: Trigger
    bindings: tuple[Binding, ...] = ()
    durable_client: bool = False
    source: str = ""
