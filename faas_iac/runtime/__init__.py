"""The portable runtime shim: types every handler sees on every target. Standard library only;
copied into each deployment artifact. Importing this package imports nothing: each name loads
its module on first use (a cold start pays only for what it names)."""

from __future__ import annotations

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from typing import Any

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


#: the module of this package each public name is defined in
_MODULES = {
    **dict.fromkeys(
        ("BadRequestBody", "HttpRequest", "HttpResponse", "NotAResponse", "to_response"), "http"
    ),
    **dict.fromkeys(("CloudEvent", "Message", "TimerInfo"), "messages"),
    **dict.fromkeys(("BindingDenied", "Context"), "context"),
    **dict.fromkeys(("BucketClient", "TableClient"), "clients"),
    "Bindings": "bindings",
    "RetryOptions": "durable",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .. import _module

    value = getattr(_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
