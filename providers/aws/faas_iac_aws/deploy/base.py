"""What every resource handler of the SDK engine gets: clients, region, account, artifacts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Outputs = dict[str, Any]
ATTEMPTS = 5  # per call, the first one included


@dataclass
class Env:
    session: Any
    endpoint_url: str | None
    region: str
    account: str
    artifacts: dict[str, bytes]
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        """A client retrying throttled and transient errors in botocore's ``standard`` mode
        (exponential back-off with jitter, a retry quota), as the AWS CLI v2 does: 5
        attempts in all (botocore's ``max_attempts`` would count the retries only)."""
        if service not in self._clients:
            from botocore.config import Config  # type: ignore[import-untyped]

            retries = Config(retries={"mode": "standard", "total_max_attempts": ATTEMPTS})
            self._clients[service] = self.session.client(
                service, endpoint_url=self.endpoint_url, region_name=self.region, config=retries
            )
        return self._clients[service]

    def wait(self, service: str, waiter: str, **args: Any) -> None:
        """Block on one of botocore's waiters (e.g. ``function_updated_v2`` between a Lambda's
        code and configuration updates, which AWS refuses while one is in progress)."""
        self.client(service).get_waiter(waiter).wait(
            **args, WaiterConfig={"Delay": 1, "MaxAttempts": 300}
        )


@dataclass(frozen=True)
class Handler:
    """``create(env, props, artifact) → outputs``; ``update`` returns outputs or None (replace);
    ``delete(env, outputs)``."""

    create: Callable[[Env, dict[str, Any], bytes | None], Outputs]
    delete: Callable[[Env, Outputs], None]
    update: Callable[[Env, Outputs, dict[str, Any], bytes | None], Outputs] | None = None


def tag_list(tags: dict[str, str] | None, key: str = "Key", value: str = "Value") -> list[Any]:
    return [{key: k, value: v} for k, v in sorted((tags or {}).items())]
