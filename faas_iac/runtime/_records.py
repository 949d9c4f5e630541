"""What the runtime types share, kept off ``typing``: importing ``typing`` costs a cold start
several milliseconds (more than the rest of a Lambda's first invocation), so the records of
the cold path are written in ``typing.NamedTuple``'s class syntax over :class:`NamedTuple`
below, which builds the same ``collections.namedtuple`` class ``typing`` does (mypy reads them
as ``typing.NamedTuple``). ``tests/runtime/test_records.py`` judges each record against the one
``typing.NamedTuple`` makes of the same class body.
"""

from __future__ import annotations

from collections import namedtuple
from types import MappingProxyType

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, NamedTuple
else:
    #: What a class body may set besides its fields and methods (as ``typing`` skips them).
    _SPECIAL = frozenset({"__module__", "__annotations__", "__orig_bases__"})

    class _Meta(type):
        def __new__(mcls, name, bases, namespace):
            if not bases:  # NamedTuple itself
                return super().__new__(mcls, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            defaults = [namespace[f] for f in fields if f in namespace]
            made = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            made.__annotations__ = dict(namespace.get("__annotations__", {}))
            for key, value in namespace.items():
                if key not in _SPECIAL and key not in fields:
                    setattr(made, key, value)
            return made

    class NamedTuple(metaclass=_Meta):
        """``typing.NamedTuple``'s class syntax: the class made is a plain namedtuple."""


__all__ = ["EMPTY", "NO_LISTS", "NamedTuple", "loads", "to_bytes"]

EMPTY: Mapping[str, str] = MappingProxyType({})
NO_LISTS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


def to_bytes(body: Any) -> bytes:
    """A body as bytes: text UTF-8 encoded, any other value as compact JSON."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    import json

    return json.dumps(body, separators=(",", ":"), default=str).encode()


def loads(data: bytes) -> Any:
    import json

    return json.loads(data or b"null")
