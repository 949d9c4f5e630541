"""Triggers: what makes a function run. One per function, as on every target."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from .base import Frozen
from .resources import Name

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
HttpAuth = Literal["anonymous", "function", "iam", "jwt"]


class JwtAuth(Frozen):
    issuer: Annotated[str, Field(min_length=1)]
    audience: tuple[str, ...] = ()


class HttpTrigger(Frozen):
    type: Literal["http"] = "http"
    route: str
    methods: tuple[HttpMethod, ...] = ("GET",)
    auth: HttpAuth = "function"
    jwt: JwtAuth | None = None


class ScheduleTrigger(Frozen):
    """``cron`` is the canonical six-field form (seconds first) when the schedule has one."""

    type: Literal["schedule"] = "schedule"
    cron: str | None = None
    every: str | None = None
    tz: str = "UTC"
    run_on_startup: bool = False


class QueueTrigger(Frozen):
    type: Literal["queue"] = "queue"
    queue: Name
    batch_size: Annotated[int, Field(ge=1, le=10000)] = 1
    batch_window: Annotated[int, Field(ge=0, le=300)] = 0
    visibility_timeout: Annotated[int, Field(ge=0, le=43200)] | None = None
    max_deliveries: Annotated[int, Field(ge=1, le=1000)] | None = None
    dead_letter: Name | bool | None = None


class TopicTrigger(Frozen):
    type: Literal["topic"] = "topic"
    topic: Name
    filter: dict[str, Any] | None = None


class StorageTrigger(Frozen):
    type: Literal["storage"] = "storage"
    bucket: Name
    events: tuple[Literal["created", "deleted"], ...] = ("created",)
    prefix: str = ""
    suffix: str = ""


StartingPosition = Literal["latest", "earliest"]


class TableChangeTrigger(Frozen):
    type: Literal["table"] = "table"
    table: Name
    batch_size: Annotated[int, Field(ge=1, le=10000)] = 100
    starting_position: StartingPosition = "latest"


class StreamTrigger(Frozen):
    type: Literal["stream"] = "stream"
    stream: Name
    batch_size: Annotated[int, Field(ge=1, le=10000)] = 100
    starting_position: StartingPosition = "latest"


class EventTrigger(Frozen):
    """``pattern`` matches ``source``, ``type`` and ``detail`` of events on ``bus``."""

    type: Literal["event"] = "event"
    bus: Name = "default"
    pattern: dict[str, Any]


#: What runs an orchestrator on AWS (``@app.orchestrator(aws_engine=...)``).
AwsEngine = Literal["step_functions", "lambda_durable"]


class OrchestrationTrigger(Frozen):
    type: Literal["orchestration"] = "orchestration"
    #: None: Step Functions when the translator accepts the orchestrator, else Lambda durable.
    aws_engine: AwsEngine | None = None


class ActivityTrigger(Frozen):
    type: Literal["activity"] = "activity"


class EntityTrigger(Frozen):
    type: Literal["entity"] = "entity"


Trigger = Annotated[
    HttpTrigger
    | ScheduleTrigger
    | QueueTrigger
    | TopicTrigger
    | StorageTrigger
    | TableChangeTrigger
    | StreamTrigger
    | EventTrigger
    | OrchestrationTrigger
    | ActivityTrigger
    | EntityTrigger,
    Field(discriminator="type"),
]

TRIGGER_TYPES: dict[str, type[Frozen]] = {
    "http": HttpTrigger,
    "schedule": ScheduleTrigger,
    "queue": QueueTrigger,
    "topic": TopicTrigger,
    "storage": StorageTrigger,
    "table": TableChangeTrigger,
    "stream": StreamTrigger,
    "event": EventTrigger,
    "orchestration": OrchestrationTrigger,
    "activity": ActivityTrigger,
    "entity": EntityTrigger,
}

DURABLE_TRIGGERS = frozenset({"orchestration", "activity", "entity"})
