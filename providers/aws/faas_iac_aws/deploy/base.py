"""What every resource handler of the SDK engine gets: clients, region, account, artifacts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Outputs = dict[str, Any]


@dataclass
class Env:
    session: Any
    endpoint_url: str | None
    region: str
    account: str
    artifacts: dict[str, bytes]
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, endpoint_url=self.endpoint_url, region_name=self.region
            )
        return self._clients[service]


@dataclass(frozen=True)
class Handler:
    """``create(env, props, artifact) → outputs``; ``update`` returns outputs or None (replace);
    ``delete(env, outputs)``."""

    create: Callable[[Env, dict[str, Any], bytes | None], Outputs]
    delete: Callable[[Env, Outputs], None]
    update: Callable[[Env, Outputs, dict[str, Any], bytes | None], Outputs] | None = None


def tag_list(tags: dict[str, str] | None, key: str = "Key", value: str = "Value") -> list[Any]:
    return [{key: k, value: v} for k, v in sorted((tags or {}).items())]
