"""The orchestration translator: an orchestrator's Python source → a provider-neutral IR.

Pipeline, one direction: **analyze** (:mod:`.analyze`, AST → :class:`~.ir.Workflow`; refuses
what no target can mean the same way, FIAC6xx) → **check limits** (:mod:`.limits`: estimates
against a target's hard limits) → **emit** (in the providers: ``faas_iac_aws.stepfunctions``
writes ASL, ``faas_iac_gcp.workflows`` writes Workflows YAML). Nothing here names a cloud, runs
user code, or does I/O beyond reading the orchestrator's source file.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, FaasError
from ..model import AppModel, Function
from . import ir
from .analyze import analyze
from .refusals import TRANSLATOR_CODES, Refusal

__all__ = [
    "TRANSLATOR_CODES",
    "Refusal",
    "analyze",
    "handler_of",
    "ir",
    "translate",
    "translate_all",
]


def handler_of(fn: Function, root: Path) -> Callable[..., Any]:
    """The Python function behind an orchestrator of a loaded app."""
    module_name, qualname = fn.handler.module, fn.handler.qualname
    if module_name is None or qualname is None:
        raise FaasError.one(
            "FIAC600",
            f"orchestrator {fn.name!r} is not written in Python",
            fix="only Python orchestrators are translated",
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    obj: Any = sys.modules.get(module_name) or importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    handler: Callable[..., Any] = obj
    return handler


def translate(app: AppModel, root: Path, name: str) -> ir.Workflow:
    """The IR of orchestrator ``name`` of ``app`` (raises a coded :class:`Refusal`)."""
    fn = app.function(name)
    return analyze(
        handler_of(fn, root),
        fn.name,
        activities=[f.name for f in app.by_kind("activity")],
        orchestrators=[f.name for f in app.by_kind("orchestrator")],
        root=root,
    )


def translate_all(app: AppModel, root: Path) -> dict[str, ir.Workflow]:
    """Every orchestrator of ``app``, translated; all refusals reported at once."""
    found: dict[str, ir.Workflow] = {}
    problems: list[Diagnostic] = []
    for fn in app.by_kind("orchestrator"):
        try:
            found[fn.name] = translate(app, root, fn.name)
        except FaasError as exc:
            problems += exc.diagnostics
    if problems:
        raise Refusal(problems)
    return found
