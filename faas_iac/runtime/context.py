"""The context of one invocation (:class:`Context`). Standard library only, off ``typing``:
every function's cold path imports it (its bucket and table clients are :mod:`.clients`,
loaded when first used)."""

from __future__ import annotations

import time

from ._records import EMPTY, to_bytes

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Mapping
    from typing import Any

    from .bindings import Bindings
    from .clients import BucketClient, TableClient


class BindingDenied(PermissionError):
    """A function used a resource it did not declare (``reads=`` / ``writes=``)."""


#: The durable client's methods a function with ``durable_client=True`` may also call on its
#: context, so an Azure Durable Functions HTTP starter runs unchanged: its second parameter,
#: the client there, is the context here (``await client.start_new(...)``).
DURABLE_CLIENT_METHODS = frozenset({
    "start_new", "get_status", "get_status_all", "get_status_by", "raise_event", "terminate",
    "suspend", "resume", "rewind", "restart", "purge_instance_history",
    "purge_instance_history_by", "signal_entity", "read_entity_state",
    "create_check_status_response", "create_http_management_payload",
    "get_client_response_links", "wait_for_completion_or_create_check_status_response",
})  # fmt: skip


class Lazy:
    """Stands for what ``build()`` returns: the first attribute read calls ``build`` (once;
    it imports the client's libraries there) and every read is answered by the built object.
    Each cloud adapter hands its ``bindings`` and ``durable`` to a :class:`Context` so, and a
    cold start loads no SDK until a function uses one. (Here, not in a module of its own: the
    cold path imports this one anyway.)"""

    __slots__ = ("_build", "_real")

    def __init__(self, build: Callable[[], object]) -> None:
        self._build = build
        self._real: object = None

    def __getattr__(self, name: str) -> Any:
        real = self._real
        if real is None:
            real = self._real = self._build()
        return getattr(real, name)


class Context:
    """One invocation: its id, function, deadline, logger and output bindings.

    ``allowed`` maps ``"kind:name"`` to the access the function declared (``read``, ``write``
    or ``readwrite``); using anything else raises :class:`BindingDenied`, on every target.
    The durable client's methods (:data:`DURABLE_CLIENT_METHODS`) are answered by
    ``ctx.durable``."""

    __slots__ = (
        "_logger", "allowed", "bindings", "deadline", "durable", "function_name", "invocation_id",
    )  # fmt: skip

    def __init__(
        self,
        invocation_id: str,
        function_name: str,
        bindings: Bindings,
        allowed: Mapping[str, str] = EMPTY,
        deadline: float = 0.0,
        logger: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None,
        durable: Any = None,
    ) -> None:
        self.invocation_id = invocation_id
        self.function_name = function_name
        self.bindings = bindings
        self.allowed = allowed
        self.deadline = deadline
        self._logger = logger
        self.durable = durable

    @property
    def logger(self) -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
        """The invocation's logger (``logging`` loads when a handler first logs)."""
        if self._logger is None:
            import logging

            self._logger = logging.getLogger("faas_iac.function")
        return self._logger

    @logger.setter
    def logger(self, value: logging.Logger | logging.LoggerAdapter[logging.Logger]) -> None:
        self._logger = value

    def __repr__(self) -> str:
        return f"Context(invocation_id={self.invocation_id!r}, function={self.function_name!r})"

    def __getattr__(self, name: str) -> Any:
        if name not in DURABLE_CLIENT_METHODS:
            raise AttributeError(f"'Context' object has no attribute {name!r}")
        if self.durable is None:
            raise AttributeError(
                f"{self.function_name} has no durable client, so no {name}: declare "
                "durable_client=True on it"
            )
        return getattr(self.durable, name)

    def check(self, kind: str, name: str, access: str) -> None:
        granted = self.allowed.get(f"{kind}:{name}", "")
        if access not in granted:  # "read" in "readwrite" and "write" in "readwrite"
            raise BindingDenied(
                f"{self.function_name} may not {access} {kind} {name!r}: declare "
                f'{"writes" if access == "write" else "reads"}=["{kind}:{name}"] on it'
            )

    def remaining_ms(self) -> int:
        return max(0, int((self.deadline - time.time()) * 1000)) if self.deadline else 0

    def send(self, queue: str, body: Any, **attributes: str) -> str:
        self.check("queue", queue, "write")
        return self.bindings.send(queue, to_bytes(body), attributes)

    def publish(self, topic: str, body: Any, **attributes: str) -> str:
        self.check("topic", topic, "write")
        return self.bindings.publish(topic, to_bytes(body), attributes)

    def emit(self, type: str, detail: Any, *, source: str = "app", bus: str = "default") -> str:
        self.check("bus", bus, "write")
        return self.bindings.emit(bus, source, type, detail)

    def put_record(self, stream: str, data: Any, partition_key: str) -> str:
        self.check("stream", stream, "write")
        return self.bindings.stream_put(stream, to_bytes(data), partition_key)

    def bucket(self, name: str) -> BucketClient:
        from .clients import BucketClient  # (only functions that use a bucket need it)

        return BucketClient(self, name)

    def table(self, name: str) -> TableClient:
        from .clients import TableClient

        return TableClient(self, name)

    def secret(self, name: str) -> str:
        """The secret's value; from now on it is masked in every log line of this process."""
        self.check("secret", name, "read")
        value = self.bindings.secret(name)
        from . import redact  # (imports logging: only once a secret is read)

        redact.add((value,))
        return value
