"""Durable types that user code constructs, shared by every target. Standard library only."""

from __future__ import annotations

from typing import NamedTuple


class _RetryFields(NamedTuple):
    first_retry_interval_in_milliseconds: int
    max_number_of_attempts: int
    backoff_coefficient: float = 1.0
    max_retry_interval_in_milliseconds: int | None = None
    retry_timeout_in_milliseconds: int | None = None


class RetryOptions(_RetryFields):
    """Retry policy for ``call_activity_with_retry`` / ``call_sub_orchestrator_with_retry``.

    The first two arguments are those of Azure Durable Functions' ``RetryOptions``;
    ``backoff_coefficient`` and ``max_retry_interval_in_milliseconds`` add exponential backoff
    (delay of retry *n* = first * coefficient^(n-1), capped by the max interval).
    ``max_number_of_attempts`` counts the first try.
    """

    __slots__ = ()

    def __new__(
        cls,
        first_retry_interval_in_milliseconds: int,
        max_number_of_attempts: int,
        backoff_coefficient: float = 1.0,
        max_retry_interval_in_milliseconds: int | None = None,
        retry_timeout_in_milliseconds: int | None = None,
    ) -> RetryOptions:
        if first_retry_interval_in_milliseconds <= 0:
            raise ValueError("first_retry_interval_in_milliseconds must be greater than 0")
        if max_number_of_attempts < 1:
            raise ValueError("max_number_of_attempts must be at least 1")
        if backoff_coefficient < 1.0:
            raise ValueError("backoff_coefficient must be at least 1.0")
        return super().__new__(
            cls,
            first_retry_interval_in_milliseconds,
            max_number_of_attempts,
            backoff_coefficient,
            max_retry_interval_in_milliseconds,
            retry_timeout_in_milliseconds,
        )

    def to_json(self) -> dict[str, int | float]:
        """The retry options as the Durable Functions extension reads them (camelCase)."""
        out: dict[str, int | float] = {
            "firstRetryIntervalInMilliseconds": self.first_retry_interval_in_milliseconds,
            "maxNumberOfAttempts": self.max_number_of_attempts,
        }
        if self.backoff_coefficient != 1.0:
            out["backoffCoefficient"] = self.backoff_coefficient
        if self.max_retry_interval_in_milliseconds is not None:
            out["maxRetryIntervalInMilliseconds"] = self.max_retry_interval_in_milliseconds
        if self.retry_timeout_in_milliseconds is not None:
            out["retryTimeoutInMilliseconds"] = self.retry_timeout_in_milliseconds
        return out

    def delay_ms(self, attempt: int) -> int:
        """The wait before retry number ``attempt`` (1 = the wait after the first failure)."""
        delay = self.first_retry_interval_in_milliseconds * self.backoff_coefficient ** (
            attempt - 1
        )
        if self.max_retry_interval_in_milliseconds is not None:
            delay = min(delay, self.max_retry_interval_in_milliseconds)
        return int(delay)
