"""Resources, from every place that claims one: ``app.declare(...)`` and the triggers that
imply a queue, topic, bucket, table, stream or bus. Options of one resource given in two places
must agree. No user code, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .._app import ResourceSpec, SourceLocation
from .explain import FIXES
from .function import Function
from .names import name_problem
from .report import Collector, suggest
from .resources import RESOURCE_TYPES


@dataclass
class _Claim:
    options: dict[str, Any]
    location: SourceLocation
    by: str


@dataclass
class Claims:
    out: Collector
    claims: dict[tuple[str, str], list[_Claim]] = field(default_factory=dict)

    def claim(
        self, kind: str, name: str, options: Mapping[str, Any], loc: SourceLocation, by: str
    ) -> None:
        self.claims.setdefault((kind, name), []).append(_Claim(dict(options), loc, by))

    def implied(self, fn: Function, loc: SourceLocation) -> None:
        """The resource a function's trigger reads from (and its dead-letter queue)."""
        t = fn.trigger
        by = f"the trigger of {fn.name!r}"
        if t.type == "queue":
            qopts: dict[str, Any] = {}
            if t.visibility_timeout is not None:
                qopts["visibility_timeout"] = t.visibility_timeout
            if t.max_deliveries is not None:
                qopts["max_deliveries"] = t.max_deliveries
            if isinstance(t.dead_letter, str):
                qopts["dead_letter"] = t.dead_letter
                self.claim("queue", t.dead_letter, {}, loc, by)
            self.claim("queue", t.queue, qopts, loc, by)
        elif t.type == "topic":
            self.claim("topic", t.topic, {}, loc, by)
        elif t.type == "storage":
            self.claim("bucket", t.bucket, {}, loc, by)
        elif t.type == "table":
            self.claim("table", t.table, {"change_stream": True}, loc, by)
        elif t.type == "stream":
            self.claim("stream", t.stream, {}, loc, by)
        elif t.type == "event":
            self.claim("bus", t.bus, {}, loc, by)

    def resources(self, declared: Iterable[ResourceSpec]) -> list[Any]:
        """One validated resource per (kind, name), its options merged from every claim."""
        for res in declared:
            self.claim(res.kind, res.name, res.options, res.location, "a declaration")
        result = []
        for (kind, name), claims in sorted(self.claims.items()):
            merged, origin = self._merge(kind, name, claims)
            try:
                result.append(RESOURCE_TYPES[kind].model_validate({"name": name, **merged}))
            except ValidationError as exc:
                for err in exc.errors():
                    field = str(err["loc"][0]) if err["loc"] else ""
                    claim = origin.get(field, claims[0])
                    code, message, fix = _explain(kind, name, field, err)
                    where = f"resources.{kind}:{name}" + (f".{field}" if field else "")
                    self.out.add(code, message, fix, claim.location, where)
        return result

    def _merge(
        self, kind: str, name: str, claims: list[_Claim]
    ) -> tuple[dict[str, Any], dict[str, _Claim]]:
        merged: dict[str, Any] = {}
        origin: dict[str, _Claim] = {}
        for claim in claims:
            for key, value in claim.options.items():
                if key in merged and merged[key] != value:
                    first = origin[key]
                    self.out.add(
                        "FIAC131",
                        f"{kind} {name!r}: {key} is {merged[key]!r} in {first.by} "
                        f"({self.out.where(first.location)}) but {value!r} in {claim.by}",
                        f"give {kind} {name!r} one {key}",
                        claim.location,
                        f"resources.{kind}:{name}.{key}",
                    )
                    continue
                merged[key] = value
                origin[key] = claim
        return merged, origin


def _explain(kind: str, name: str, field: str, err: ErrorDetails) -> tuple[str, str, str]:
    """``(code, message, fix)`` of a pydantic error on resource ``kind:name``'s ``field``."""
    options = sorted(set(RESOURCE_TYPES[kind].model_fields) - {"kind", "name"})
    value = err.get("input")
    if field == "name":
        return ("FIAC106", *name_problem("resource", str(name), f"{kind} name"))
    if err["type"] == "extra_forbidden":
        hint = suggest(field, options)
        return (
            "FIAC101",
            f"{kind} {name!r}: unknown option {field!r}",
            f"{hint + ' ' if hint else ''}{kind} options are: {', '.join(options) or 'none'}",
        )
    if field in ("key", "sort_key") and err["type"] == "string_pattern_mismatch":
        return (
            "FIAC100",
            f"{kind} {name!r}: {field} {value!r} is not an attribute name",
            "use letters, digits and '_', not starting with a digit, e.g. 'order_id'",
        )
    return (
        "FIAC100",
        f"{kind} {name!r}: {field} = {value!r}: {err['msg']}",
        FIXES.get(err["type"], f"{kind} options are: {', '.join(options) or 'none'}"),
    )
