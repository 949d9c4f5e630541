"""Binding references (``reads=`` / ``writes=``): ``"kind:name"`` or a declared resource,
merged per resource into one read, write or read-write binding."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._app import ResourceSpec, SourceLocation
from .report import Collector
from .resources import Binding

REF = re.compile(r"^(queue|topic|bucket|table|secret|bus|stream):([a-z][a-z0-9-]{0,62})$")


def binding_refs(
    value: Any, access: str, path: str, loc: SourceLocation, out: Collector
) -> list[tuple[str, str, str]]:
    if value is None:
        return []
    if isinstance(value, str | ResourceSpec):
        items: list[Any] = [value]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        key = path.rsplit(".", 1)[-1]
        out.add(
            "FIAC132",
            f"{key}= is {type(value).__name__}, not a list of resources",
            f'give a list: {key}=["queue:orders", Table("items")]',
            loc,
            path,
        )
        return []
    refs: list[tuple[str, str, str]] = []
    for item in items:
        text = item.ref if isinstance(item, ResourceSpec) else str(item)
        m = REF.match(text)
        if not m:
            out.add(
                "FIAC132",
                f"binding {text!r} is not a resource reference",
                'write "kind:name" with kind one of queue, topic, bucket, table, secret, bus, '
                'stream (e.g. "queue:orders"), or pass the declared resource object',
                loc,
                path,
            )
            continue
        if m.group(1) == "secret" and access == "write":
            out.add(
                "FIAC132",
                f"{text!r} is under writes=, but a function only reads secrets",
                f"read it instead: reads=[{text!r}], or secrets={{'NAME': {m.group(2)!r}}}",
                loc,
                path,
            )
            continue
        refs.append((m.group(1), m.group(2), access))
    return refs


def as_mapping(
    value: Any, key: str, loc: SourceLocation, path: str, out: Collector
) -> dict[Any, Any]:
    """``env=``, ``tags=``, ``secrets=`` as a dict; anything else is reported and read as empty."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    out.add(
        "FIAC100",
        f"{key}= is {type(value).__name__}, not a dict",
        f'give a dict: {key}={{"NAME": "value"}}',
        loc,
        path,
    )
    return {}


def merge_bindings(refs: list[tuple[str, str, str]]) -> tuple[Binding, ...]:
    merged: dict[tuple[str, str], set[str]] = {}
    for kind, name, access in refs:
        merged.setdefault((kind, name), set()).update(
            {"read", "write"} if access == "readwrite" else {access}
        )
    out = []
    for (kind, name), acc in sorted(merged.items()):
        access = "readwrite" if acc == {"read", "write"} else next(iter(acc))
        out.append(Binding.model_validate({"kind": kind, "name": name, "access": access}))
    return tuple(out)
