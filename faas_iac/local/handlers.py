"""Finding a function's handler: ``Function.handler.module`` + ``.qualname``, resolved by
:mod:`faas_iac.runtime.handlers` (the loader has put the app's source root on ``sys.path`` and
registered the app file as module ``<stem>``), with a coded error when it cannot be.

Shared by the local host, ``faas-iac invoke`` and the durable engine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
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


def forget_modules(root: Path) -> None:
    """Drop every imported module whose file is under ``root`` (before a reload)."""
    base = str(root.resolve())
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if name == "faas_iac" or name.startswith("faas_iac.") or "site-packages" in file:
            continue
        if file and str(Path(file).resolve()).startswith(base):
            del sys.modules[name]
