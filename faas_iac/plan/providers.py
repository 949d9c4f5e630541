"""The provider registry. Providers are plugins found through the ``faas_iac.providers``
entry-point group, so core code never names a cloud and a third party can ship its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, get_args, runtime_checkable

from ..errors import FaasError, closest
from ..model import AppModel
from ..translate import Translation
from .diff import Deployed
from .model import Artifact, Plan

if TYPE_CHECKING:
    from .pipeline import Compiled

GROUP = "faas_iac.providers"
T = TypeVar("T")


@dataclass(frozen=True)
class BuildContext:
    """What a planner may know besides the model: the code artifact already packaged, the
    compile options, the app's source root, and every orchestrator translated once (the IR, or
    why not: a planner never reads or translates source itself)."""

    #: The code artifact; the zip may still be building beside the planner (its bytecode is
    #: compiled by another process), so the first reader of ``code`` waits for it.
    package: Callable[[], Artifact]
    options: dict[str, str] = field(default_factory=dict)
    root: Path | None = None
    translation: Translation = field(default_factory=Translation)

    @property
    def code(self) -> Artifact:
        return self.package()


Planned = Literal[
    "http",
    "schedule",
    "queue",
    "topic",
    "storage",
    "table_changes",
    "stream",
    "event",
    "orchestrator",
    "activity",
    "entity",
]
#: Every decorator: what a provider that plans them all declares.
EVERYTHING: tuple[Planned, ...] = get_args(Planned)
Deploys = Literal["dev", "pulumi", "sdk", "eject", "status"]


@dataclass(frozen=True)
class Capabilities:
    """What a provider does today, declared once (``provider.capabilities``). The README's
    provider table is rendered from these records, and ``tests/docs`` holds each claim to the
    code: a decorator listed in ``plans`` compiles, one left out is refused with a code; each
    way in ``deploys`` is implemented (``dev``: the local host; ``pulumi``: ``stacks/<name>``
    and ``faas_iac.pulumi.deploy``; ``sdk``: ``faas-iac deploy --engine sdk``; ``eject``: a
    plain Pulumi program; ``status``: ``faas-iac status``); each name in ``tested`` is a real
    judge (emulator, checker, runtime) that the test suite runs against this provider's
    output."""

    plans: tuple[Planned, ...]
    deploys: tuple[Deploys, ...]
    tested: tuple[str, ...]
    #: the compile options (``-O key=value``) the provider reads; ``stage`` is everyone's
    options: tuple[str, ...] = ()


@runtime_checkable
class Provider(Protocol):
    """A target. ``plan`` is pure: no cloud calls, no files written, no Pulumi imports."""

    name: str

    def plan(self, app: AppModel, build: BuildContext) -> Plan: ...


@runtime_checkable
class BytecodeProvider(Provider, Protocol):
    """A provider whose functions import the code zip as it is (AWS Lambda): the zip then
    carries each module's bytecode when the build interpreter is one of the runtimes that
    :meth:`python_runtimes` names (:mod:`faas_iac.bytecode`), so cold starts do not compile it."""

    def python_runtimes(self, app: AppModel) -> set[str]: ...


@runtime_checkable
class EmittingProvider(Provider, Protocol):
    """A provider that also writes generated files next to ``plan.json`` (state machines, a
    generated function app) from what compiled: it refuses nothing the plan accepted. Returns
    the written paths relative to ``out``."""

    def emit(self, compiled: Compiled, out: Path) -> list[str]: ...


@runtime_checkable
class PulumiProvider(Provider, Protocol):
    """A provider whose plan a Pulumi program can create (``stacks/<provider>``,
    ``faas_iac.pulumi.deploy``) and eject as a plain Pulumi program (``faas-iac eject``)."""

    def pulumi_deploy(self, compiled: Compiled, build_dir: Path) -> dict[str, Any]:
        """Inside a running Pulumi program: create every plan resource with the provider's
        Pulumi SDK, writing the files they deploy under ``build_dir``; return the Pulumi
        resources by logical name."""
        ...

    def eject(self, compiled: Compiled) -> dict[str, str | bytes]:
        """The files (relative path → text, or bytes for the zips it deploys) of a plain,
        readable Pulumi program that creates the same resources without faas-iac."""
        ...


@dataclass(frozen=True)
class FunctionState:
    """One deployed function as its provider reports it."""

    name: str
    trigger: str
    state: str


@dataclass(frozen=True)
class AppStatus:
    """A deployed app: its state, URL, functions, and the *names* of its settings (values are
    never read into this record, so they cannot be printed)."""

    app: str
    provider: str
    state: str
    url: str
    functions: tuple[FunctionState, ...] = ()
    settings: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class StatusProvider(Provider, Protocol):
    """A provider that can describe the deployed app (``faas-iac status``). ``client`` is the
    provider's own management client (a test passes one with a fake transport); ``None``
    means build the real one from the environment's credentials."""

    def status(self, compiled: Compiled, client: Any = None) -> AppStatus: ...


@dataclass(frozen=True)
class LogLine:
    """One line a deployed function wrote: when (ms since the epoch), which function, what."""

    time_ms: int
    function: str
    message: str


@dataclass(frozen=True)
class DeployOptions:
    """How an SDK apply engine reaches the cloud and where it records what it deployed."""

    #: send every API call here (an emulator, e.g. moto); ``None``: the cloud itself
    endpoint_url: str | None = None
    #: ``None``: the SDK's own configuration
    region: str | None = None
    #: the file that records what was deployed; ``None``: under the app's ``.faas/<provider>/``
    state: Path | None = None
    #: an SDK session built by the caller (tests); ``None``: one from the environment
    session: Any = None
    #: told of each change as it is made (``created``, ``fn-hello``, seconds it took)
    progress: Callable[[str, str, float], None] | None = None


@dataclass(frozen=True)
class DeployReport:
    """What a deploy or destroy did, by plan resource name, and the plan's outputs resolved."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: int = 0
    outputs: dict[str, Any] = field(default_factory=dict)
    #: the state file written (or removed, after a destroy)
    state: str = ""


@runtime_checkable
class ApplyingProvider(Provider, Protocol):
    """A provider with a direct SDK apply engine (``faas-iac deploy --engine sdk``), for
    emulators and quick loops."""

    def deploy(self, compiled: Compiled, options: DeployOptions) -> DeployReport:
        """Create, update only what changed, delete what the plan dropped."""
        ...

    def destroy(self, compiled: Compiled, options: DeployOptions) -> DeployReport:
        """Delete everything the recorded deploy created."""
        ...

    def deployed(self, compiled: Compiled, options: DeployOptions) -> dict[str, Deployed]:
        """What the engine's state records as deployed, by logical name (no cloud call)."""
        ...


def one_function(
    app: str, found: Mapping[str, T], function: str | None, where: str
) -> dict[str, T]:
    """``found`` (function name → what a provider reads for it), or only ``function``'s entry;
    FIAC211 with a did-you-mean when the app has no such function ``where`` (``on gcp``)."""
    if function is None:
        return dict(found)
    if function not in found:
        close = closest(function, list(found))
        raise FaasError.one(
            "FIAC211",
            f"app {app!r} has no function {function!r} {where}",
            fix=f"did you mean {close!r}?" if close else f"pick one of: {', '.join(found)}",
        )
    return {function: found[function]}


@runtime_checkable
class LogsProvider(Provider, Protocol):
    """A provider that reads deployed functions' logs (``faas-iac logs``)."""

    def logs(
        self, compiled: Compiled, function: str | None, start_ms: int, options: DeployOptions
    ) -> list[LogLine]:
        """One read: the lines of every function (or ``function``) from ``start_ms`` on,
        oldest first; ``options`` says where the cloud is (endpoint, region, a session or
        client built by a test)."""
        ...


def available() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=GROUP))


def _entry_point(name: str) -> EntryPoint | None:
    """Provider ``name``'s entry point. By convention it is registered by the distribution
    ``faas-iac-<name>`` (or ``faas-iac`` itself): that one's metadata is read first, every
    installed distribution's only when it has none (a scan of 200 packages takes 5 ms)."""
    for dist in (f"faas-iac-{name}", "faas-iac"):
        try:
            found = distribution(dist).entry_points.select(group=GROUP, name=name)
        except PackageNotFoundError:
            continue
        if found:
            return next(iter(found))
    return next(iter(entry_points(group=GROUP, name=name)), None)


def get_provider(name: str) -> Provider:
    ep = _entry_point(name)
    if ep is not None:
        provider = ep.load()
        if not isinstance(provider, Provider):
            raise FaasError.one("FIAC003", f"entry point {ep.value} is not a faas-iac provider")
        return provider
    known = ", ".join(available()) or "none"
    close = closest(name, available())
    raise FaasError.one(
        "FIAC003",
        f"unknown provider {name!r} (installed: {known})",
        fix=f"did you mean {close!r}?"
        if close
        else f"pick one of: {known}, or install the provider's plugin package (it registers a "
        "'faas_iac.providers' entry point)",
    )
