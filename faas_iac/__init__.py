"""faas-iac: serverless apps written once in Python, run locally, compiled to any cloud.

Importing this package loads only the standard-library pieces (the decorator API and the
runtime shim), so a deployed function pays nothing for the compiler. The compile-time API
(``compile``, ``load_app``, ``build_model``, the model and plan types) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._app import (
    App,
    Blueprint,
    Bucket,
    EventBus,
    FunctionSpec,
    Queue,
    ResourceSpec,
    Secret,
    SourceLocation,
    Stream,
    Table,
    Topic,
)
from .errors import Diagnostic, FaasError, ValidationFailed
from .runtime import (
    BindingDenied,
    CloudEvent,
    Context,
    HttpRequest,
    HttpResponse,
    Message,
    RetryOptions,
    TimerInfo,
)

if TYPE_CHECKING:
    from .api import compile, load, validate

__version__ = "0.1.0"

__all__ = [
    "App",
    "BindingDenied",
    "Blueprint",
    "Bucket",
    "CloudEvent",
    "Context",
    "Diagnostic",
    "EventBus",
    "FaasError",
    "FunctionSpec",
    "HttpRequest",
    "HttpResponse",
    "Message",
    "Queue",
    "ResourceSpec",
    "RetryOptions",
    "Secret",
    "SourceLocation",
    "Stream",
    "Table",
    "TimerInfo",
    "Topic",
    "ValidationFailed",
    "compile",
    "load",
    "validate",
]

_LAZY = {"compile", "load", "validate"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'faas_iac' has no attribute {name!r}")
