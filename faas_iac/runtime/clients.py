"""The bucket and table clients a :class:`~.context.Context` hands out (``ctx.bucket(name)``,
``ctx.table(name)``): each use is checked against what the function declared. Standard library
only, off ``typing`` (:mod:`._records`)."""

from __future__ import annotations

from ._records import NamedTuple, to_bytes

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from .context import Context


class BucketClient(NamedTuple):
    ctx: Context
    name: str

    def put(self, key: str, data: bytes | str, content_type: str = "") -> None:
        self.ctx.check("bucket", self.name, "write")
        self.ctx.bindings.put_object(self.name, key, to_bytes(data), content_type)

    def get(self, key: str) -> bytes | None:
        self.ctx.check("bucket", self.name, "read")
        return self.ctx.bindings.get_object(self.name, key)

    def delete(self, key: str) -> None:
        self.ctx.check("bucket", self.name, "write")
        self.ctx.bindings.delete_object(self.name, key)

    def list(self, prefix: str = "") -> list[str]:
        self.ctx.check("bucket", self.name, "read")
        return self.ctx.bindings.list_objects(self.name, prefix)


class TableClient(NamedTuple):
    ctx: Context
    name: str

    def get(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        self.ctx.check("table", self.name, "read")
        return self.ctx.bindings.table_get(self.name, key)

    def put(self, item: Mapping[str, Any]) -> None:
        self.ctx.check("table", self.name, "write")
        self.ctx.bindings.table_put(self.name, item)

    def delete(self, key: Mapping[str, Any]) -> None:
        self.ctx.check("table", self.name, "write")
        self.ctx.bindings.table_delete(self.name, key)
