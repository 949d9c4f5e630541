"""The portable runtime shim: types every handler sees on every target. Standard library only;
copied into each deployment artifact. Importing this package imports nothing: each name loads
its module on first use (a cold start pays only for what it names)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .durable import RetryOptions
    from .types import (
        BadRequestBody,
        BindingDenied,
        Bindings,
        BucketClient,
        CloudEvent,
        Context,
        HttpRequest,
        HttpResponse,
        Message,
        NotAResponse,
        TableClient,
        TimerInfo,
        to_response,
    )

__all__ = [
    "BadRequestBody",
    "BindingDenied",
    "Bindings",
    "BucketClient",
    "CloudEvent",
    "Context",
    "HttpRequest",
    "HttpResponse",
    "Message",
    "NotAResponse",
    "RetryOptions",
    "TableClient",
    "TimerInfo",
    "to_response",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module = "durable" if name == "RetryOptions" else "types"
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
