"""Finding a function's handler: ``Function.handler.module`` + ``.qualname``, resolved by
:mod:`faas_iac.runtime.handlers` (the loader has put the app's source root on ``sys.path`` and
registered the app file as module ``<stem>``), with a coded error when it cannot be.

Shared by the local host, ``faas-iac invoke`` and the durable engine.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from ..errors import FaasError
from ..model import Function
from ..runtime import handlers


def resolve(fn: Function) -> Callable[..., Any]:
    """The handler object of ``fn``. Raises a coded error if it cannot be imported."""
    ref = fn.handler
    if not ref.python or not ref.module or not ref.qualname:
        raise FaasError.one(
            "FIAC801",
            f"function {fn.name!r} runs {fn.runtime}, which the local host does not run",
            fix="test it on a cloud target, or write it in Python",
            location=fn.source,
        )
    try:
        return handlers.resolve(f"{ref.module}:{ref.qualname}")
    except handlers.UnresolvedHandler as exc:
        raise FaasError.one(
            "FIAC801",
            f"the handler of {fn.name!r} cannot be used: {exc}",
            fix="keep the handler a top-level function of a module under the app's folder",
            location=fn.source,
        ) from None


class _FromSource(importlib.machinery.SourceFileLoader):
    """Compiles the module's source at each import, never reading its ``.pyc``: that is checked
    against the source's size and modification time in whole seconds, so a save of the same
    size within the second it was written (one digit edited) would run the old code."""

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        return self.source_to_code(self.get_data(path), path)


class _AppSources(importlib.abc.MetaPathFinder):
    """Modules under the app's folder load through :class:`_FromSource` (a reloading host)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if (
            spec is None
            or spec.origin is None
            or not isinstance(spec.loader, importlib.machinery.SourceFileLoader)
            or not str(Path(spec.origin).resolve()).startswith(self.base)
        ):
            return None
        spec.loader = _FromSource(fullname, spec.origin)
        return spec


def forget_modules(root: Path) -> None:
    """Drop every imported module whose file is under ``root`` (before a reload); from then on
    they are imported from their sources as they are now (:class:`_FromSource`)."""
    base = str(root.resolve())
    if not any(isinstance(f, _AppSources) and f.base == base for f in sys.meta_path):
        sys.meta_path.insert(0, _AppSources(base))
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if name == "faas_iac" or name.startswith("faas_iac.") or "site-packages" in file:
            continue
        if file and str(Path(file).resolve()).startswith(base):
            del sys.modules[name]
