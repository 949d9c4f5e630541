"""The decorator API as a deployed function runs it: what ``from faas_iac import App`` gives
inside a deployment artifact, which carries the runtime shim and not :mod:`faas_iac._app`.

In the cloud nothing reads what the decorators record (the planner already wrote, into each
function's configuration, the ``module:qualname`` its adapter runs), so here every decorator
hands the function back unchanged and records nothing, the resource declarations are plain
records, and the module is small and off ``typing``: importing the user's app is most of a
cold start. The names and methods are those of :mod:`faas_iac._app`
(``tests/runtime/test_deployed_app.py`` checks both, and that every example's functions
resolve through it to the functions the model found).
"""

from __future__ import annotations

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: What this module does not define, though :mod:`faas_iac._app` does: the compiler's records.
COMPILER_ONLY = frozenset({"FunctionSpec", "SourceLocation"})


class ResourceSpec:
    """A declared resource: its kind, name and options."""

    __slots__ = ("kind", "name", "options")

    def __init__(self, kind: str, name: str, options: dict[str, Any]) -> None:
        self.kind, self.name, self.options = kind, name, options

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.name}"

    def __repr__(self) -> str:
        return f"ResourceSpec({self.kind!r}, {self.name!r})"


def _declaration(kind: str) -> Callable[..., ResourceSpec]:
    def declare(name: str, **options: Any) -> ResourceSpec:
        return ResourceSpec(kind, name, options)

    return declare


Queue, Topic, Bucket, Table = map(_declaration, ("queue", "topic", "bucket", "table"))
Secret, EventBus, Stream = map(_declaration, ("secret", "bus", "stream"))


def _unchanged(fn: Any) -> Any:
    return fn


def _trigger(self: Any, first: Any = None, /, **options: Any) -> Any:
    """Every decorator: over a function (``@app.activity``) that function, else a decorator
    giving its function back (``@app.http("/x")``, ``@app.orchestrator()``)."""
    if first is not None and callable(first) and not isinstance(first, str | dict):
        return first
    return _unchanged


def _nothing(self: Any, *args: Any, **options: Any) -> None:
    return None


class _Registry:
    def __init__(self, name: str, **options: Any) -> None:
        self.name = name

    http = schedule = queue = topic = storage = table_changes = stream = event = _trigger
    orchestrator = activity = entity = _trigger
    declare = external = _nothing


class Blueprint(_Registry):
    """A group of functions registered into an ``App``."""


class App(_Registry):
    """A serverless app, as its deployed functions import it."""

    register = _nothing


def __getattr__(name: str) -> Any:
    if name in COMPILER_ONLY:
        raise ImportError(
            f"faas_iac.{name} is not in a deployed function: its artifact carries the runtime "
            "shim, not the compiler's records (use it at compile time only)"
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
