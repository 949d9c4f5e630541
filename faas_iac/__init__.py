"""faas-iac: serverless apps written once in Python, run locally, compiled to any cloud.

Importing this package imports nothing: each name loads its module on first use, so a deployed
function pays only for what its code names (``App`` and the runtime types, on a cold start), and
never for the compiler (``compile``, ``load``, ``validate``, the model and plan types). A
deployment artifact does not carry the compiler's ``_app`` module: there ``App`` and the
resource declarations come from :mod:`faas_iac.runtime.app`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from typing import Any

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
    from .api import compile, load, validate
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

#: the module of this package each public name is defined in
_MODULES = {
    **dict.fromkeys(
        ("App", "Blueprint", "Bucket", "EventBus", "FunctionSpec", "Queue", "ResourceSpec",
         "Secret", "SourceLocation", "Stream", "Table", "Topic"),
        "_app",
    ),
    **dict.fromkeys(("Diagnostic", "FaasError", "ValidationFailed"), "errors"),
    **dict.fromkeys(("HttpRequest", "HttpResponse"), "runtime.http"),
    **dict.fromkeys(("CloudEvent", "Message", "TimerInfo"), "runtime.messages"),
    **dict.fromkeys(("BindingDenied", "Context"), "runtime.context"),
    "RetryOptions": "runtime.durable",
    **dict.fromkeys(("compile", "load", "validate"), "api"),
}  # fmt: skip


#: In a deployment artifact, which carries the runtime shim and not the compiler, the decorator
#: API is :mod:`faas_iac.runtime.app`: decorators that hand each function back, nothing more.
_DEPLOYED = {"_app": "runtime.app"}


def _module(name: str) -> Any:
    """``importlib.import_module(name)``, without importing ``importlib`` on a cold start."""
    __import__(name)
    return sys.modules[name]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        found = _module(f"{__name__}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{module}" or module not in _DEPLOYED:
            raise
        found = _module(f"{__name__}.{_DEPLOYED[module]}")
    value = getattr(found, name)
    globals()[name] = value
    return value
