"""The source of a loaded app's functions, parsed once per check, and what a name in it means.

An orchestrator is replayed from its history, so it must compute the same thing on every
replay. The durability rules read its AST (never run it) and resolve each dotted name the way
Python would at run time: a local name is the function's own; any other is looked up in the
globals of the module that defines the function (what the loader imported), so
``from datetime import datetime as dt`` still makes ``dt.now()`` the clock.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import inspect
import os
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from ..errors import FaasError
from ..model import AppModel, Function
from ..translate import handler_of

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """One function's parsed definition, with line numbers of its file."""

    fn: Function
    file: str  # relative to the app's root when inside it
    node: ast.FunctionDef | ast.AsyncFunctionDef
    globals: dict[str, Any]

    @property
    def local_names(self) -> set[str]:
        found = {a.arg for a in ast.walk(self.node.args) if isinstance(a, ast.arg)}
        for node in ast.walk(self.node):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found.add(node.id)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                found |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node is not self.node
            ):
                found.add(node.name)
        return found - self.global_names

    @property
    def global_names(self) -> set[str]:
        return {
            n for node in ast.walk(self.node) if isinstance(node, ast.Global) for n in node.names
        }

    def local_imports(self) -> dict[str, str]:
        """Names bound by imports inside the function → the dotted name they stand for."""
        found: dict[str, str] = {}
        for node in ast.walk(self.node):
            if isinstance(node, ast.Import):
                for a in node.names:
                    found[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    found[a.asname or a.name] = f"{node.module}.{a.name}"
        return found


class Sources:
    """Parsed sources of an app's Python functions, each read once (unreadable ones skipped:
    the translator reports those)."""

    def __init__(self, app: AppModel, root: Path) -> None:
        self.app = app
        self.root = root
        self._cache: dict[str, Source | None] = {}
        self._memo: dict[tuple[str, str], Any] = {}

    def memo(self, kind: str, name: str, compute: Callable[[], T]) -> T:
        """What ``compute`` gives for function ``name``, computed once per check (several
        rules read one scan of an orchestrator)."""
        key = (kind, name)
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    def of(self, fn: Function) -> Source | None:
        if fn.name not in self._cache:
            self._cache[fn.name] = self._parse(fn)
        return self._cache[fn.name]

    def _parse(self, fn: Function) -> Source | None:
        if not fn.handler.python:
            return None
        try:
            handler = inspect.unwrap(handler_of(fn))
            lines, start = inspect.getsourcelines(handler)
            path = Path(inspect.getsourcefile(handler) or "?")
        except (FaasError, OSError, TypeError):
            return None
        file = path.as_posix()
        with contextlib.suppress(ValueError):
            file = path.resolve().relative_to(self.root.resolve()).as_posix()
        tree = ast.parse(textwrap.dedent("".join(lines)))
        ast.increment_lineno(tree, start - 1)
        node = next(
            (n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)), None
        )
        if node is None:
            return None
        return Source(fn, file, node, dict(getattr(handler, "__globals__", {})))


def dotted(node: ast.expr) -> list[str] | None:
    """``a.b.c`` → ``["a", "b", "c"]``; anything else → None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def canonical(obj: Any) -> str | None:
    """The dotted name an object is known by: a module's name, a class's or function's
    ``module.qualname``."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    if obj is os.environ:
        return "os.environ"
    owner = getattr(obj, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType):
        base = canonical(owner if isinstance(owner, type) else type(owner))
        name = getattr(obj, "__name__", None)
        return f"{base}.{name}" if base and isinstance(name, str) else None
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str):
        return f"{module}.{qualname}"
    return None


class Resolver:
    """Full dotted names of the expressions of one function's source."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.locals = source.local_names
        self.imports = source.local_imports()

    def name(self, node: ast.expr) -> str | None:
        parts = dotted(node)
        if parts is None:
            return None
        head, rest = parts[0], parts[1:]
        if head in self.imports:
            return ".".join([self.imports[head], *rest])
        if head in self.locals:
            return None
        if head in self.source.globals:
            base = canonical(self.source.globals[head])
        elif hasattr(builtins, head):
            base = f"builtins.{head}"
        else:
            return None
        return ".".join([base, *rest]) if base else None


def matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)
