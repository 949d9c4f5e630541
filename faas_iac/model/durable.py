"""Durable settings of an app, and the retry policy the translator and providers understand."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Frozen


class RetryPolicy(Frozen):
    """Attempts (first try included), first interval, backoff coefficient, max interval."""

    max_attempts: Annotated[int, Field(ge=1, le=100)]
    first_interval_ms: Annotated[int, Field(ge=1)]
    backoff_coefficient: Annotated[float, Field(ge=1.0, le=100.0)] = 1.0
    max_interval_ms: Annotated[int, Field(ge=1)] | None = None
    timeout_ms: Annotated[int, Field(ge=1)] | None = None


class DurableSettings(Frozen):
    task_hub: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]{2,44}$")] | None = None
    max_concurrent_activities: Annotated[int, Field(ge=1, le=10000)] = 64
    max_concurrent_orchestrations: Annotated[int, Field(ge=1, le=10000)] = 64
    durability: Literal["full", "normal"] = "full"
