"""The route table of the HTTP functions: literal paths by dict, ``{param}`` / ``{*rest}`` by
segment matching. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Route(Generic[T]):
    pattern: str
    segments: tuple[str, ...]
    methods: frozenset[str]
    target: T


@dataclass(frozen=True)
class Match(Generic[T]):
    target: T | None
    params: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[str] = frozenset()


def _split(path: str) -> tuple[str, ...]:
    return tuple(s for s in path.strip("/").split("/") if s) if path != "/" else ()


class Router(Generic[T]):
    """Routes are tried literal-first, then by the number of literal segments."""

    def __init__(self, routes: Iterable[tuple[str, Iterable[str], T]]) -> None:
        self._static: dict[str, list[Route[T]]] = {}
        self._dynamic: list[Route[T]] = []
        for pattern, methods, target in routes:
            route = Route(pattern, _split(pattern), frozenset(methods), target)
            if "{" in pattern:
                self._dynamic.append(route)
            else:
                self._static.setdefault("/" + "/".join(route.segments), []).append(route)
        self._dynamic.sort(key=lambda r: -sum(not s.startswith("{") for s in r.segments))
        # The answer for each literal path and method, computed once (a Match is frozen; its
        # empty params are never handed out: callers copy them).
        self._answers: dict[tuple[str, str], Match[T]] = {}
        for key, found in self._static.items():
            for route in reversed(found):  # the first route that takes a method wins
                for method in route.methods | ({"HEAD"} if "GET" in route.methods else set()):
                    self._answers[key, method] = Match(route.target)

    def match(self, path: str, method: str) -> Match[T]:
        """The route for ``path`` and ``method``; ``target`` is None when nothing matches
        (``allowed`` then lists the methods of routes that match the path, for a 405)."""
        key = path.rstrip("/") or "/"
        answer = self._answers.get((key, method))
        if answer is not None:
            return answer
        allowed: set[str] = set()
        for route in self._static.get(key, ()):
            if method in route.methods or (method == "HEAD" and "GET" in route.methods):
                return Match(route.target)
            allowed |= route.methods
        parts = _split(path)
        for route in self._dynamic:
            params = _bind(route.segments, parts)
            if params is None:
                continue
            if method in route.methods or (method == "HEAD" and "GET" in route.methods):
                return Match(route.target, params)
            allowed |= route.methods
        return Match(None, {}, frozenset(allowed))


def _bind(segments: tuple[str, ...], parts: tuple[str, ...]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for i, seg in enumerate(segments):
        if seg.startswith("{*"):
            params[seg[2:-1]] = "/".join(parts[i:])
            return params
        if i >= len(parts):
            return None
        if seg.startswith("{"):
            params[seg[1:-1]] = parts[i]
        elif seg != parts[i]:
            return None
    return params if len(parts) == len(segments) else None
