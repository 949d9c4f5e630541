"""The pipeline, one direction: load → model → translate → package → plan → emit.

* load (``faas_iac.loader``): the only stage that imports user code;
* model (``faas_iac.model.build_model``): validates, reports every problem at once, including
  what every target refuses in an orchestrator (unknown activities, invalid retry options);
* translate (``faas_iac.translate.translate_app``): every orchestrator's source → IR, once, for
  every provider; refusals are kept, and count only for the planners that need the IR;
* package (``sources`` picks the app's files, ``artifacts`` zips them with the shim): the code
  zip, byte-identical for the same input, never holding dev state or secrets files;
* plan (the provider's ``plan``): pure, no cloud calls, no files, no Pulumi;
* emit (``write_output`` and a provider's ``emit``): the only stage that writes files; it
  refuses nothing the plan accepted, so ``plan`` and ``compile`` refuse alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..bytecode import runs_here
from ..errors import Diagnostic, FaasError, closest
from ..model import AppModel
from ..translate import Translation, translate_app
from .artifacts import CODE_ARTIFACT, Packaging
from .model import Plan
from .providers import (
    BuildContext,
    BytecodeProvider,
    Capabilities,
    EmittingProvider,
    Provider,
    get_provider,
)
from .sources import app_files


@dataclass(frozen=True)
class Compiled:
    model: AppModel
    plan: Plan
    code_zip: bytes
    root: Path
    provider: Provider
    #: The app's files in the code zip (the shim aside), as ``faas-iac compile`` lists them.
    code_files: tuple[str, ...] = ()
    translation: Translation = field(default_factory=Translation)


#: Compile options every provider takes: ``stage`` names every resource with the stage.
CORE_OPTIONS = ("stage",)
_STAGE = re.compile(r"^[a-z][a-z0-9]{0,11}$")


def staged(model: AppModel, stage: str) -> AppModel:
    """The app named ``<app>-<stage>``: every provider derives each resource's name from the
    app's name, so two stages of one app share an account, subscription or project."""
    if not _STAGE.match(stage):
        raise FaasError.one(
            "FIAC006",
            f"stage {stage!r} is not a stage name",
            fix="use 1 to 12 lower-case letters or digits, starting with a letter (dev, prod, "
            "pr42): it becomes part of every resource name",
            path="options.stage",
        )
    return model.model_copy(update={"name": f"{model.name}-{stage}"})


def checked_options(impl: Provider, options: dict[str, str]) -> dict[str, str]:
    """The options without ``stage``; an unknown option is FIAC005 with a did-you-mean."""
    caps = getattr(impl, "capabilities", None)
    known = [*CORE_OPTIONS, *(caps.options if isinstance(caps, Capabilities) else ())]
    problems = []
    for key in sorted(set(options) - set(known)):
        close = closest(key, known)
        hint = f"did you mean -O {close}=...? " if close else ""
        problems.append(
            Diagnostic(
                "FIAC005",
                f"unknown compile option {key!r} for provider {impl.name!r}",
                f"{hint}{impl.name} takes: {', '.join(known)}",
                path=f"options.{key}",
            )
        )
    if problems:
        raise FaasError(problems)
    return {k: v for k, v in options.items() if k not in CORE_OPTIONS}


def compile_app(
    model: AppModel, root: Path, provider: str | Provider, options: dict[str, str] | None = None
) -> Compiled:
    impl = get_provider(provider) if isinstance(provider, str) else provider
    options = dict(options or {})
    rest = checked_options(impl, options)
    if options.get("stage"):
        model = staged(model, options["stage"])
    files = app_files(model, root)
    bytecode = isinstance(impl, BytecodeProvider) and runs_here(impl.python_runtimes(model))
    packaging = Packaging(files, bytecode=bytecode)
    translation = translate_app(model, root)
    plan = impl.plan(model, BuildContext(packaging.artifact, rest, root, translation))
    return Compiled(model, plan, packaging.zip(), root, impl, files.names, translation)


def write_output(compiled: Compiled, out: Path) -> list[str]:
    """Write ``plan.json``, the artifacts and any provider files; return the written paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = ["plan.json"]
    (out / "plan.json").write_bytes(compiled.plan.to_json_bytes())
    for artifact in compiled.plan.artifacts:
        target = out / artifact.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if artifact.name == CODE_ARTIFACT:
            target.write_bytes(compiled.code_zip)
            written.append(artifact.path)
    if isinstance(compiled.provider, EmittingProvider):
        written += compiled.provider.emit(compiled, out)
    return sorted(written)
