"""Durable types that user code constructs, shared by every target. Standard library only."""

from __future__ import annotations

from typing import NamedTuple

#: field → (smallest valid value, whether it must be greater than it, the rule in words)
_RETRY_RULES: dict[str, tuple[float, bool, str]] = {
    "first_retry_interval_in_milliseconds": (0, True, "must be greater than 0"),
    "max_number_of_attempts": (1, False, "must be at least 1"),
    "backoff_coefficient": (1.0, False, "must be at least 1.0"),
}


def retry_problems(fields: dict[str, object]) -> list[str]:
    """Every invalid value among ``fields`` (RetryOptions argument name → value), each said as
    ``"<name> must be ..."``; other names, and ``None`` for an optional field, pass."""
    problems = []
    for name, value in fields.items():
        rule = _RETRY_RULES.get(name)
        if rule is None or (value is None and name not in _REQUIRED):
            continue
        low, strict, words = rule
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{name} must be a number, not {value!r}")
        elif value < low or (strict and value == low):
            problems.append(f"{name} {words}")
    return problems


_REQUIRED = ("first_retry_interval_in_milliseconds", "max_number_of_attempts")


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
        problems = retry_problems(
            {
                "first_retry_interval_in_milliseconds": first_retry_interval_in_milliseconds,
                "max_number_of_attempts": max_number_of_attempts,
                "backoff_coefficient": backoff_coefficient,
            }
        )
        if problems:
            raise ValueError(problems[0])
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
