"""HTTP routes: what a valid route is, and which two routes would serve the same requests."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .._app import FunctionSpec
from .function import Function
from .report import Collector

_SEGMENT = re.compile(
    r"^(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}|\{\*[A-Za-z_][A-Za-z0-9_]*\})$"
)


def check_route(route: str) -> str | None:
    """Return why ``route`` is invalid, or None."""
    if not route.startswith("/"):
        return "a route starts with '/'"
    if route != "/" and route.endswith("/"):
        return "a route does not end with '/'"
    segments = route.strip("/").split("/") if route != "/" else []
    names: list[str] = []
    for i, seg in enumerate(segments):
        if not _SEGMENT.match(seg):
            return f"segment {seg!r} is neither literal text nor a {{param}}"
        if seg.startswith("{*") and i != len(segments) - 1:
            return f"catch-all {seg} must be the last segment"
        if seg.startswith("{"):
            names.append(seg.strip("{}*"))
    if len(names) != len(set(names)):
        return "a parameter name appears twice"
    return None


def route_shape(route: str) -> str:
    """The route with parameter names erased, so that two routes matching the same paths compare
    equal: ``/orders/{id}`` and ``/orders/{oid}`` both give ``/orders/{}``."""
    return re.sub(r"\{\*[^}]+\}", "{*}", re.sub(r"\{[A-Za-z_][^}]*\}", "{}", route))


def route_conflicts(
    functions: list[Function], specs: Mapping[str, FunctionSpec], out: Collector
) -> None:
    taken: dict[tuple[str, str], Function] = {}
    for fn in functions:
        t = fn.trigger
        if t.type != "http":
            continue
        shape = route_shape(t.route)
        for method in t.methods:
            other = taken.get((method, shape))
            if other is not None:
                out.add(
                    "FIAC103",
                    f"{method} {t.route} of {fn.name!r} conflicts with "
                    f"{other.trigger.route if other.trigger.type == 'http' else ''} of "
                    f"{other.name!r} ({out.where(specs[other.name].location)})",
                    "give one of them another route or method",
                    specs[fn.name].location,
                    f"functions.{fn.name}.trigger.route",
                )
                break
            taken[(method, shape)] = fn
