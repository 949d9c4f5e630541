"""The validated, frozen model of an app (pydantic v2). Built from the decorators by
:func:`build_model`; the input of every provider's planner."""

from .app import AppModel, Packaging, json_schema
from .build import build_model
from .durable import DurableSettings, RetryPolicy
from .function import MAX_TIMEOUT_S, PYTHON_RUNTIMES, Function, HandlerRef, Monitoring, Scaling
from .resources import (
    Binding,
    BucketResource,
    BusResource,
    QueueResource,
    Resource,
    SecretResource,
    StreamResource,
    TableResource,
    TopicResource,
)
from .routes import check_route, route_shape
from .triggers import (
    DURABLE_TRIGGERS,
    ActivityTrigger,
    EntityTrigger,
    EventTrigger,
    HttpTrigger,
    JwtAuth,
    OrchestrationTrigger,
    QueueTrigger,
    ScheduleTrigger,
    StorageTrigger,
    StreamTrigger,
    TableChangeTrigger,
    TopicTrigger,
    Trigger,
)

__all__ = [
    "DURABLE_TRIGGERS",
    "MAX_TIMEOUT_S",
    "PYTHON_RUNTIMES",
    "ActivityTrigger",
    "AppModel",
    "Binding",
    "BucketResource",
    "BusResource",
    "DurableSettings",
    "EntityTrigger",
    "EventTrigger",
    "Function",
    "HandlerRef",
    "HttpTrigger",
    "JwtAuth",
    "Monitoring",
    "OrchestrationTrigger",
    "Packaging",
    "QueueResource",
    "QueueTrigger",
    "Resource",
    "RetryPolicy",
    "Scaling",
    "ScheduleTrigger",
    "SecretResource",
    "StorageTrigger",
    "StreamResource",
    "StreamTrigger",
    "TableChangeTrigger",
    "TableResource",
    "TopicResource",
    "TopicTrigger",
    "Trigger",
    "build_model",
    "check_route",
    "json_schema",
    "route_shape",
]
