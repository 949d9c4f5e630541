"""The four-target harness: one app's orchestrators run on the local durable engine (the
meaning), through the real azure-functions-durable replay of the generated Azure app, as ASL
on moto's Step Functions executor and as Workflows YAML in workflows-emulator, each case with
the same input, instance id and events, on one scaled clock.

:meth:`Targets.run` gives, per target, what happened (``outcome.Ran`` / ``Refused`` /
``Broken``); :func:`verdict` judges a target's outcome against the local engine's:

* ``pass``: same status, output, custom status and activity calls (in order, or as a multiset
  when the orchestration runs tasks concurrently), and the same error text when it failed;
* ``refused``: a coded, located refusal that names what the target cannot express (I/O, a
  non-deterministic call; on Workflows also a general ``task_any`` race);
* ``todo``: a refusal of something the target can express (the translator's to-do list);
* ``wrong``: it ran and differs; ``broken``: a crash (an uncoded exception), a Workflows
  definition the published schema rejects, or a run that never ended.

Apps that keep state across activity calls (a flaky activity counting its attempts) define
``reset_state()`` in the module holding it; it is called before every run on every target
(including the generated Azure app's own copy of the module).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import KW_ONLY, dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import yaml
from faas_iac_aws.stepfunctions import default_names, to_asl
from faas_iac_gcp.workflows import to_yaml
from workflows_emulator.main import WORKFLOW_SCHEMA

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.model import AppModel
from faas_iac.translate import handler_of, ir, translate
from tests.aws.moto_server import fake_credentials

from .aws_exec import AwsRunner, aws_runner
from .azure_exec import AzureRunner, azure_runner
from .clock import ScaledClock, WaitingClock
from .gcp_exec import GcpRunner, gcp_runner
from .local_exec import LocalRunner, local_runner
from .outcome import Broken, Outcome, Ran, Refused, without_uuids
from .workers import Worker, worker

TARGETS = ("local", "azure", "aws", "gcp")
#: Refusals that are a target's real limits whatever the orchestrator: I/O and
#: non-deterministic calls. Others (a general task_any race on Workflows) are named per case.
CANNOT_EXPRESS = {"aws": {"FIAC603", "FIAC604"}, "gcp": {"FIAC603", "FIAC604"}}
VERDICTS = ("pass", "refused", "todo", "wrong", "broken")


@dataclass(frozen=True)
class Case:
    """One run: an orchestrator, its input, and the events raised (each once it waits)."""

    id: str  # unique within a test module; also the instance id on every target
    orchestrator: str
    input: Any = None
    _: KW_ONLY
    events: tuple[tuple[str, Any], ...] = ()
    #: the local engine's status for this case (a corpus case that ends otherwise is wrong)
    expect: str = "Completed"
    #: target → the code of a refusal that is that target's real limit for this orchestrator
    #: (e.g. ``{"gcp": "FIAC604"}``: I/O, which no target expresses)
    cannot: Mapping[str, str] = field(default_factory=dict)
    #: applied to the output on every target, for an output that depends on how long a run
    #: took (e.g. seconds waited, compared as "at least")
    normalize: Callable[[Any], Any] | None = None


def verdict(case: Case, target: str, reference: Outcome, outcome: Outcome, ordered: bool) -> str:
    match outcome:
        case Broken():
            return "broken"
        case Refused(codes=codes):
            allowed = CANNOT_EXPRESS.get(target, set()) | {case.cannot.get(target, "")}
            return "refused" if codes and set(codes) <= allowed else "todo"
        case Ran():
            if not isinstance(reference, Ran):
                return "wrong"
            return "wrong" if reference.differences(outcome, ordered) else "pass"
    raise AssertionError(outcome)


def explain(reference: Outcome, outcome: Outcome, ordered: bool) -> str:
    match outcome:
        case Broken(reason=reason):
            return reason
        case Refused(text=text):
            return text
        case Ran() if isinstance(reference, Ran):
            return "; ".join(reference.differences(outcome, ordered)) or "same"
    return repr(outcome)


class Targets:
    """The four targets, set up for one app."""

    def __init__(
        self,
        app_file: Path,
        work: Path,
        clock: ScaledClock | None = None,
        clears: tuple[str, ...] = (),
        *,
        only: tuple[str, ...] = TARGETS,
        workers: tuple[str, ...] = ("aws", "gcp"),
    ) -> None:
        """``clears``: ``"module:attribute"`` of state an app's activities keep (a dict or list
        cleared before every run), for apps that define no ``reset_state()``. ``only``: the
        targets started; ``workers``: those of them run in a worker process of their own
        (:mod:`.workers`), so that :meth:`run_all` runs a case on every target at once."""
        self.app_file = app_file
        self.clears = clears
        self.only = only
        self.workers = tuple(t for t in workers if t in only)
        self.remote: dict[str, Worker] = {}
        self.work = work
        self.clock = clock or ScaledClock()
        self.model, self.root = load(str(app_file))
        self.workflows: dict[str, ir.Workflow] = {}
        self.refusals: dict[str, dict[str, Outcome]] = {"aws": {}, "gcp": {}}
        for fn in self.model.by_kind("orchestrator"):
            try:
                self.workflows[fn.name] = translate(self.model, self.root, fn.name)
            except FaasError as exc:
                for target in self.refusals:
                    self.refusals[target][fn.name] = Refused.of(exc)
            except Exception as exc:
                for target in self.refusals:
                    self.refusals[target][fn.name] = _crash("translate", exc)
        # read now: while the generated Azure app is imported, its copies shadow the modules
        self._sources = {
            fn.name: inspect.getsource(handler_of(fn)) for fn in self.model.by_kind("orchestrator")
        }
        self._resets = _state_modules(self.root)
        self._originals = [sys.modules[c.split(":")[0]] for c in clears]
        self.local: LocalRunner
        self.azure: AzureRunner
        self.aws: AwsRunner
        self.gcp: GcpRunner
        self.yaml: dict[str, str] = {}

    def activities(self) -> dict[str, Any]:
        return {f.name: handler_of(f) for f in self.model.by_kind("activity")}

    @contextmanager
    def started(self) -> Iterator[Targets]:
        activities = self.activities()
        entities = {f.name: handler_of(f) for f in self.model.by_kind("entity")}
        with ExitStack() as stack:
            stack.enter_context(fake_credentials())
            for target in self.workers:  # they start while this process starts its own
                work = self.work / f"worker-{target}"
                self.remote[target] = stack.enter_context(
                    worker(self.app_file, work, self.clears, target)
                )
            here = [t for t in self.only if t not in self.remote]
            if "local" in here:
                state = self.work / "engine"
                state.mkdir(parents=True, exist_ok=True)
                # the engine's time moves only while it waits for a timer, as moto's does
                runner = local_runner(self.model, self.root, state, WaitingClock(self.clock.scale))
                self.local = stack.enter_context(runner)
            if "azure" in here:
                self.azure = stack.enter_context(azure_runner(self.app_file, self.work / "azure"))
            if "aws" in here:
                self._start_aws(stack, activities, entities)
            if "gcp" in here:
                self._start_gcp(stack, activities, entities)
            for target, remote in self.remote.items():
                self.refusals[target] = remote.ready()
            try:
                yield self
            finally:
                for remote in self.remote.values():  # they stop while this process stops
                    remote.stop()

    def _start_aws(
        self, stack: ExitStack, activities: dict[str, Any], entities: dict[str, Any]
    ) -> None:
        names = default_names(
            self.model.name,
            [*activities, *entities],
            [f.name for f in self._orchestrators()],
        )
        self.aws = stack.enter_context(aws_runner(names, activities, self.clock, entities))
        for name, wf in self.workflows.items():
            try:
                self.aws.deploy(name, to_asl(wf, names, self.workflows))
            except FaasError as exc:
                self.refusals["aws"][name] = Refused.of(exc)
            except Exception as exc:
                self.refusals["aws"][name] = _crash("to_asl", exc)

    def _start_gcp(
        self, stack: ExitStack, activities: dict[str, Any], entities: dict[str, Any]
    ) -> None:
        self.gcp = stack.enter_context(gcp_runner(activities, self.clock, entities))
        for name, wf in self.workflows.items():
            try:
                self.yaml[name] = to_yaml(wf, self.gcp.names, self.workflows)
                # the schema Google publishes (SchemaStore), as the emulator ships it
                jsonschema.validate(yaml.safe_load(self.yaml[name]), WORKFLOW_SCHEMA)
            except FaasError as exc:
                self.refusals["gcp"][name] = Refused.of(exc)
            except Exception as exc:
                self.refusals["gcp"][name] = _crash("to_yaml", exc)

    def _orchestrators(self) -> list[Any]:
        return list(self.model.by_kind("orchestrator"))

    def reset(self) -> None:
        for module in [*self._resets, *_state_modules(self.work / "azure")]:
            module.reset_state()
        for clear, original in zip(self.clears, self._originals, strict=True):
            name, attribute = clear.split(":")
            for module in {id(m): m for m in (original, sys.modules.get(name)) if m}.values():
                getattr(module, attribute).clear()

    def run(self, case: Case, target: str) -> Outcome:
        if target in self.remote:
            self.remote[target].send(case)
            return _normalized(case, self.remote[target].receive())
        refused = self.refusals.get(target, {})
        for name in [case.orchestrator, *sorted(self.children(case.orchestrator))]:
            if name in refused:  # a sub-orchestrator the target refuses: so is its parent
                return refused[name]
        self.reset()
        events = list(case.events)
        try:
            match target:
                case "local":
                    ran = self.local.run(case.orchestrator, case.input, events, case.id)
                case "azure":
                    ran = self.azure.run(case.orchestrator, case.input, events, case.id)
                case "aws":
                    ran = self.aws.run(case.orchestrator, case.input, events, case.id)
                case "gcp":
                    yaml_text = self.yaml[case.orchestrator]
                    ran = self.gcp.run_instance(yaml_text, case.input, case.id, events)
                case _:
                    raise AssertionError(target)
        except Exception as exc:
            return _crash(f"run on {target}", exc)
        return _normalized(case, without_uuids(ran))

    def run_all(self, case: Case) -> dict[str, Outcome]:
        """The case on every target: those in worker processes at the same time as the
        others."""
        for remote in self.remote.values():
            remote.send(case)
        found = {t: self.run(case, t) for t in self.only if t not in self.remote}
        for target, remote in self.remote.items():
            found[target] = _normalized(case, remote.receive())
        return {t: found[t] for t in TARGETS if t in found}

    def _source(self, name: str) -> str:
        return self._sources[name]

    def children(self, name: str) -> set[str]:
        """The orchestrators ``name`` calls as sub-orchestrations, directly or not (by a string
        literal name)."""
        found: set[str] = set()
        todo = [name]
        while todo:
            named = set(_SUB.findall(self._source(todo.pop())))
            new = named & _names(self.model) - found - {name}
            found |= new
            todo += new
        return found

    def concurrent(self, name: str) -> bool:
        """Whether orchestrator ``name`` (or one it calls) runs tasks concurrently, so that
        its activity calls are compared as a multiset, not in order."""
        sources = [self._source(n) for n in [name, *self.children(name)]]
        return any("task_all" in s or "task_any" in s for s in sources)


_SUB = re.compile(r"call_sub_orchestrator(?:_with_retry)?\(\s*['\"](\w+)['\"]")


def _names(model: AppModel) -> set[str]:
    return {f.name for f in model.by_kind("orchestrator")}


def _normalized(case: Case, outcome: Outcome) -> Outcome:
    """``outcome`` with the case's normalisation applied to a completed run's output."""
    if case.normalize is not None and isinstance(outcome, Ran) and outcome.status == "Completed":
        return replace(outcome, output=case.normalize(outcome.output))
    return outcome


def _crash(stage: str, exc: BaseException) -> Broken:
    return Broken(f"{stage}: {type(exc).__name__}: {exc}")


def _state_modules(folder: Path) -> list[ModuleType]:
    """Loaded modules from ``folder`` that define ``reset_state()``."""
    found = []
    base = folder.resolve()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        resets = callable(getattr(module, "reset_state", None))
        if file and resets and Path(file).resolve().is_relative_to(base):
            found.append(module)
    return found


class Session:
    """A started :class:`Targets` with the local engine's outcome of each case kept, so that
    each target is compared with one reference run."""

    def __init__(self, targets: Targets) -> None:
        self.targets = targets
        self.outcomes: dict[str, dict[str, Outcome]] = {}

    def results(self, case: Case) -> dict[str, Outcome]:
        """The case's outcome on every target (run once, all targets at the same time)."""
        if case.id not in self.outcomes:
            self.outcomes[case.id] = self.targets.run_all(case)
        return self.outcomes[case.id]

    def reference(self, case: Case) -> Ran:
        ran = self.results(case)["local"]
        assert isinstance(ran, Ran), f"the local engine did not run {case.id}: {ran}"
        assert ran.status == case.expect, f"{case.id} on the local engine: {ran}"
        return ran

    def check(self, case: Case, target: str, attempts: int | None = None) -> None:
        """Assert that ``target`` gives what the local engine gave, or skip with the coded,
        located refusal that says why it cannot run the case."""
        import pytest

        expected = self.reference(case)
        if attempts is not None:
            assert len(expected.calls) == attempts, expected.calls
        got = self.results(case)[target]
        if isinstance(got, Refused):
            assert not got.problems(), got.text
            pytest.skip(f"{target} refuses {case.orchestrator}: {got.text}")
        assert isinstance(got, Ran), f"{target}: {got}"
        ordered = not self.targets.concurrent(case.orchestrator)
        assert not expected.differences(got, ordered), explain(expected, got, ordered)
        if attempts is not None:
            assert len(got.calls) == attempts, got.calls


#: target → case id → (verdict, explanation), filled by the corpus test, printed at the end.
REPORT: dict[str, dict[str, tuple[str, str]]] = {}


def summary() -> list[str]:
    """Pass / refused / to-do counts per target, and each case not passing, for the log."""
    lines = []
    for target in TARGETS:
        judged = REPORT.get(target, {})
        if not judged:
            continue
        counts = {v: sum(1 for j, _ in judged.values() if j == v) for v in VERDICTS}
        shown = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        lines.append(f"{target:>6}: {len(judged)} cases: {shown}")
    for target in TARGETS:
        for case, (judged, why) in sorted(REPORT.get(target, {}).items()):
            if judged != "pass":
                lines.append(f"  {target} {case}: {judged}: {why.splitlines()[0][:160]}")
    return lines
