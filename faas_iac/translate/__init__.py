"""The orchestration translator: an orchestrator's Python source → a provider-neutral IR.

Pipeline, one direction: **analyze** (:mod:`.analyze`, AST → :class:`~.ir.Workflow`; refuses
what no target can mean the same way, FIAC6xx) → **check limits** (:mod:`.limits`: estimates
against a target's hard limits) → **emit** (in the providers: ``faas_iac_aws.stepfunctions``
writes ASL, ``faas_iac_gcp.workflows`` writes Workflows YAML). Nothing here names a cloud, runs
user code, or does I/O beyond reading the orchestrator's source file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, FaasError
from ..model import AppModel, Function
from ..runtime.handlers import UnresolvedHandler, resolve
from .refusals import TRANSLATOR_CODES, Refusal

if TYPE_CHECKING:  # the IR and the analyzer load when an app has an orchestrator
    from . import ir

__all__ = ["TRANSLATOR_CODES", "Refusal", "Translation", "handler_of", "translate", "translate_app"]


def handler_of(fn: Function) -> Callable[..., Any]:
    """The Python function behind a function of a loaded app, found among the modules the
    loader imported (this stage never imports user code)."""
    module_name, qualname = fn.handler.module, fn.handler.qualname
    if module_name is None or qualname is None:
        raise FaasError.one(
            "FIAC600",
            f"orchestrator {fn.name!r} is not written in Python",
            fix="only Python orchestrators are translated",
            location=fn.source,
        )
    try:
        return resolve(f"{module_name}:{qualname}", load=False)
    except UnresolvedHandler as exc:
        raise FaasError.one(
            "FIAC600",
            f"the source of orchestrator {fn.name!r} cannot be read: {exc}",
            fix="load the app first (faas_iac.load, or any faas-iac command)",
            location=fn.source,
        ) from None


def translate(app: AppModel, root: Path, name: str) -> ir.Workflow:
    """The IR of orchestrator ``name`` of ``app`` (raises a coded :class:`Refusal`)."""
    from .analyze import analyze
    from .numbers import exact_annotation

    fn = app.function(name)
    workflow = analyze(
        handler_of(fn),
        fn.name,
        activities=[f.name for f in app.by_kind("activity")],
        orchestrators=[f.name for f in app.by_kind("orchestrator")],
        root=root,
        entities=[f.name for f in app.by_kind("entity")],
    )
    exact = tuple(a for a in workflow.activities if exact_annotation(handler_of(app.function(a))))
    return replace(workflow, exact_results=exact)


@dataclass(frozen=True)
class Translation:
    """The translate stage's result, handed to every planner (``BuildContext.translation``):
    the IR of each orchestrator the translator accepts, and the refusals of the others. A
    target that runs orchestrators natively (local, Azure) ignores it; one that emits them
    (Step Functions, Workflows) counts the refusals among its own."""

    workflows: Mapping[str, ir.Workflow] = field(default_factory=dict)
    refusals: tuple[Diagnostic, ...] = ()
    #: the refusals again, by orchestrator (a planner that picks an engine per orchestrator)
    refused: Mapping[str, tuple[Diagnostic, ...]] = field(default_factory=dict)

    def require(self) -> dict[str, ir.Workflow]:
        """Every orchestrator's IR, or a :class:`Refusal` listing every refusal."""
        if self.refusals:
            raise Refusal(self.refusals)
        return dict(self.workflows)


def translate_app(app: AppModel, root: Path) -> Translation:
    """Every orchestrator of ``app`` translated once, each refusal kept."""
    found: dict[str, ir.Workflow] = {}
    refused: dict[str, tuple[Diagnostic, ...]] = {}
    for fn in app.by_kind("orchestrator"):
        try:
            found[fn.name] = translate(app, root, fn.name)
        except FaasError as exc:
            refused[fn.name] = tuple(exc.diagnostics)
    problems = tuple(d for diagnostics in refused.values() for d in diagnostics)
    return Translation(found, problems, refused)
