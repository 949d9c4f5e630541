"""The portable runtime shim: types every handler sees on every target. Standard library only;
copied into each deployment artifact."""

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
