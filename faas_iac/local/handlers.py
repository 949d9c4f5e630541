"""Finding a function's handler: ``Function.handler.module`` + ``.qualname``, imported with the
app's source root on ``sys.path`` (the loader registers the app file as module ``<stem>``).

Shared by the local host, ``faas-iac invoke`` and the durable engine.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import FaasError
from ..model import Function


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
        target: Any = sys.modules.get(ref.module) or importlib.import_module(ref.module)
        for part in ref.qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise FaasError.one(
            "FIAC801",
            f"handler {ref.module}:{ref.qualname} of {fn.name!r} cannot be imported: {exc}",
            fix="keep the handler a top-level function of a module under the app's folder",
            location=fn.source,
        ) from None
    if not callable(target):
        raise FaasError.one(
            "FIAC801", f"{ref.module}:{ref.qualname} is not callable", location=fn.source
        )
    return target  # type: ignore[no-any-return]


def wants_context(handler: Callable[..., Any]) -> bool:
    """Whether a trigger handler takes ``(payload, ctx)`` rather than ``(payload)``."""
    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return True
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    positional = [p for p in params if p.kind in kinds]
    varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    return varargs or len(positional) >= 2


def forget_modules(root: Path) -> None:
    """Drop every imported module whose file is under ``root`` (before a reload)."""
    base = str(root.resolve())
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if name == "faas_iac" or name.startswith("faas_iac.") or "site-packages" in file:
            continue
        if file and str(Path(file).resolve()).startswith(base):
            del sys.modules[name]
