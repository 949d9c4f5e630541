"""The decorator API: ``App``, ``Blueprint`` and the resource declarations.

Standard library only. This module is copied into every deployment artifact, so importing a
user's app file in a Lambda, an Azure Function or a Cloud Function costs nothing beyond it.

Decorators only *record*: each one stores the raw options it was given, with the file:line of
the decorator, and hands the user's function back unchanged. Validation happens once, for the
whole app, in :mod:`faas_iac.model.build` (pydantic), which reports every problem at once.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from types import CodeType
from typing import Any, Literal, NamedTuple, TypedDict, TypeVar, Unpack, overload

F = TypeVar("F", bound=Callable[..., Any])

ResourceKind = Literal["queue", "topic", "bucket", "table", "secret", "bus", "stream"]


class SourceLocation(NamedTuple):
    """Where a declaration was written: the file and line of its decorator or call."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def _caller(depth: int = 2) -> SourceLocation:
    frame = sys._getframe(depth)
    return SourceLocation(frame.f_code.co_filename, _line(frame.f_code, frame.f_lasti))


#: The line table of the code object asked last: ``(code, [(start, end, line), ...])``.
_table: tuple[CodeType, list[tuple[int, int, int | None]]] | None = None


def _line(code: CodeType, offset: int) -> int:
    """The line of the instruction at byte ``offset``, as ``frame.f_lineno`` gives it. That
    attribute reads the code's line table from its start each time: for the 1,000 decorators
    of one module it was a quadratic cost. The table of the last code asked stays here and
    each line is found by bisection."""
    global _table
    if _table is None or _table[0] is not code:
        _table = (code, list(code.co_lines()))
    ranges = _table[1]
    line = ranges[bisect_right(ranges, offset, key=itemgetter(0)) - 1][2]
    return code.co_firstlineno if line is None else line


class ResourceSpec(NamedTuple):
    """A declared resource (queue, topic, bucket, table, secret, event bus, stream), unvalidated."""

    kind: ResourceKind
    name: str
    options: Mapping[str, Any]
    location: SourceLocation

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.name}"


def _resource(kind: ResourceKind, name: str, options: Mapping[str, Any]) -> ResourceSpec:
    return ResourceSpec(kind, name, dict(options), _caller(3))


def Queue(name: str, **options: Any) -> ResourceSpec:
    """A message queue (``visibility_timeout``, ``max_deliveries``, ``dead_letter``, ``fifo``)."""
    return _resource("queue", name, options)


def Topic(name: str, **options: Any) -> ResourceSpec:
    """A publish/subscribe topic."""
    return _resource("topic", name, options)


def Bucket(name: str, **options: Any) -> ResourceSpec:
    """An object storage bucket (``versioning``)."""
    return _resource("bucket", name, options)


def Table(name: str, **options: Any) -> ResourceSpec:
    """A key-value table (``key``, ``sort_key``, ``change_stream``)."""
    return _resource("table", name, options)


def Secret(name: str, **options: Any) -> ResourceSpec:
    """A secret held by the target's secret store, never in plain configuration."""
    return _resource("secret", name, options)


def EventBus(name: str, **options: Any) -> ResourceSpec:
    """An event bus that routes events to functions by pattern."""
    return _resource("bus", name, options)


def Stream(name: str, **options: Any) -> ResourceSpec:
    """An ordered event stream with partitions (``partitions``, ``retention_hours``)."""
    return _resource("stream", name, options)


BindingRef = str | ResourceSpec


class FunctionOptions(TypedDict, total=False):
    """Options every function accepts, whatever its trigger (``App(...)`` sets app-wide
    defaults). The model checks each value; a target that cannot honour one refuses it with a
    coded error, never drops it."""

    #: The function's name (default: the handler's): a letter, then letters, digits, ``_``, ``-``.
    name: str
    #: Free text, shown in the plan and the cloud's console.
    description: str
    #: ``python3.11`` (default), ``python3.12``, ``python3.13``; other languages for
    #: ``app.external`` functions only.
    runtime: str
    #: Memory in MB (128 to 32768); a target refuses more than it offers (Lambda: 10240).
    memory: int
    #: Longest run in seconds (1 to 3600; Lambda: 900). Past it the run is stopped: 504 for
    #: HTTP, a retry for events.
    timeout: int
    #: Plain environment variables. They are written into the plan: never put secrets here.
    env: Mapping[str, str]
    #: Environment variable → name of a declared ``Secret``: the value is read from the
    #: target's secret store at run time and never appears in a plan, artifact or log.
    secrets: Mapping[str, str]
    #: Resources the function reads (``"table:orders"``): the source of its least-privilege
    #: read permissions; ``ctx`` refuses a resource that is not declared.
    reads: Iterable[BindingRef]
    #: Resources the function writes (``"queue:emails"``): its write permissions.
    writes: Iterable[BindingRef]
    #: Give the handler ``ctx.durable``, a client that starts, queries and signals
    #: orchestrations.
    durable_client: bool
    #: The most runs of this function at once, on every target: locally its worker threads
    #: (for durable functions, running instances or activity runs); AWS reserved concurrency
    #: (unless ``reserved_concurrency`` says otherwise); GCP ``maxInstanceCount``; Azure the
    #: app's scale limit (the largest of its functions').
    max_instances: int
    #: Instances kept warm, so a request never waits for a cold start: AWS provisioned
    #: concurrency, GCP ``minInstanceCount``, Azure always-ready / pre-warmed instances.
    min_instances: int
    #: AWS only: concurrency set aside for this function from the account's pool (also its
    #: cap). Unlike ``max_instances`` it guarantees capacity; the other targets have no such
    #: reservation and ignore it.
    reserved_concurrency: int
    #: Requests one instance serves at the same time (HTTP): Azure Flex per-instance
    #: concurrency. Unlike ``max_instances`` it counts within one instance; Lambda always
    #: serves one at a time.
    concurrency: int
    #: Labels on the function's cloud resources (AWS, beside ``faas-iac:app``).
    tags: Mapping[str, str]
    #: Days the target keeps the function's logs (1 to 3653; rounded up to a value the target
    #: offers).
    log_retention_days: int
    #: Distributed tracing of each run (AWS X-Ray active tracing).
    tracing: bool
    #: An alarm when the function fails (default on; AWS: a CloudWatch alarm on Errors).
    error_alert: bool


class FunctionSpec(NamedTuple):
    """One recorded function: its trigger, its options and its handler, not yet validated."""

    name: str
    trigger: str
    trigger_options: Mapping[str, Any]
    options: Mapping[str, Any]
    handler: Callable[..., Any] | None
    location: SourceLocation
    external: Mapping[str, Any] | None = None


class BlueprintUse(NamedTuple):
    blueprint: Blueprint
    prefix: str
    location: SourceLocation


_UNSET: Any = object()


def _given(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not _UNSET}


def _is_function(value: Any) -> bool:
    """True when a trigger decorator got the function itself: ``@app.http`` without ``(...)``."""
    return not isinstance(value, str | dict) and callable(value)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    """A list option as a tuple: one text is one item (not its characters)."""
    if value is _UNSET:
        return ()
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(value)
    return (value,)


class _Registry:
    """What ``App`` and ``Blueprint`` share: the trigger decorators and the records they fill."""

    def __init__(self) -> None:
        self._functions: list[FunctionSpec] = []
        self._resources: list[ResourceSpec] = []
        #: What ``declare`` got that is not a resource, and where (the model reports it).
        self._misdeclared: list[tuple[Any, SourceLocation]] = []

    # -- recording ----------------------------------------------------------------------------
    def _record(
        self,
        trigger: str,
        trigger_options: Mapping[str, Any],
        options: Mapping[str, Any],
        location: SourceLocation,
    ) -> Callable[[F], F]:
        def decorate(fn: F) -> F:
            name = str(options.get("name") or getattr(fn, "__name__", "function"))
            self._functions.append(
                FunctionSpec(name, trigger, dict(trigger_options), dict(options), fn, location)
            )
            return fn

        return decorate

    def _bare(self, trigger: str, fn: Any) -> Any:
        """A trigger decorator used without its arguments (``@app.queue`` over a function):
        record the function with no trigger options (the model reports what is missing) and
        give it back unchanged."""
        return self._record(trigger, {}, {}, _caller(3))(fn)

    def declare(self, *resources: ResourceSpec) -> None:
        """Declare resources that functions bind to (``reads=`` / ``writes=``)."""
        where = _caller()
        for res in resources:
            if isinstance(res, ResourceSpec):
                self._resources.append(res)
            elif isinstance(res, list | tuple) and all(isinstance(r, ResourceSpec) for r in res):
                self._resources.extend(res)
            else:
                self._misdeclared.append((res, where))

    @property
    def functions(self) -> tuple[FunctionSpec, ...]:
        return tuple(self._functions)

    @property
    def resources(self) -> tuple[ResourceSpec, ...]:
        return tuple(self._resources)

    @property
    def misdeclared(self) -> tuple[tuple[Any, SourceLocation], ...]:
        return tuple(self._misdeclared)

    # -- triggers -----------------------------------------------------------------------------
    def http(
        self,
        route: str,
        *,
        methods: Iterable[str] = _UNSET,
        auth: str = _UNSET,
        jwt: Mapping[str, Any] = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """An HTTP function served under ``/api`` + ``route`` (``{param}`` segments allowed).

        ``auth`` is ``"function"`` (a key; the default), ``"anonymous"``, ``"iam"`` or ``"jwt"``.
        """
        if _is_function(route):
            return self._bare("http", route)  # type: ignore[no-any-return]
        topts = _given(route=route, methods=methods, auth=auth, jwt=jwt)
        return self._record("http", topts, options, _caller())

    def schedule(
        self,
        cron: str = _UNSET,
        *,
        every: str = _UNSET,
        tz: str = _UNSET,
        run_on_startup: bool = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """A function fired by a portable cron (5 fields, or 6 with seconds first) or a rate.

        ``every="5 minutes"`` is a rate; ``tz="Europe/Paris"`` is an IANA time zone.
        """
        if _is_function(cron):
            return self._bare("schedule", cron)  # type: ignore[no-any-return]
        topts = _given(cron=cron, every=every, tz=tz, run_on_startup=run_on_startup)
        return self._record("schedule", topts, options, _caller())

    def queue(
        self,
        queue: str,
        *,
        batch_size: int = _UNSET,
        batch_window: int = _UNSET,
        visibility_timeout: int = _UNSET,
        max_deliveries: int = _UNSET,
        dead_letter: str | bool = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """A function fed by a queue, at least once, in batches; poison messages dead-letter."""
        if _is_function(queue):
            return self._bare("queue", queue)  # type: ignore[no-any-return]
        topts = _given(
            queue=queue,
            batch_size=batch_size,
            batch_window=batch_window,
            visibility_timeout=visibility_timeout,
            max_deliveries=max_deliveries,
            dead_letter=dead_letter,
        )
        return self._record("queue", topts, options, _caller())

    def topic(
        self,
        topic: str,
        *,
        filter: Mapping[str, Any] = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """A subscriber of a topic; ``filter`` matches message attributes."""
        if _is_function(topic):
            return self._bare("topic", topic)  # type: ignore[no-any-return]
        return self._record("topic", _given(topic=topic, filter=filter), options, _caller())

    def storage(
        self,
        bucket: str,
        *,
        events: Iterable[str] = _UNSET,
        prefix: str = _UNSET,
        suffix: str = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """A function fired when objects are ``created`` and/or ``deleted`` in a bucket."""
        if _is_function(bucket):
            return self._bare("storage", bucket)  # type: ignore[no-any-return]
        topts = _given(bucket=bucket, events=events, prefix=prefix, suffix=suffix)
        return self._record("storage", topts, options, _caller())

    def table_changes(
        self,
        table: str,
        *,
        batch_size: int = _UNSET,
        starting_position: str = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """A function fed by the change stream of a key-value table."""
        if _is_function(table):
            return self._bare("table", table)  # type: ignore[no-any-return]
        topts = _given(table=table, batch_size=batch_size, starting_position=starting_position)
        return self._record("table", topts, options, _caller())

    def stream(
        self,
        stream: str,
        *,
        batch_size: int = _UNSET,
        starting_position: str = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """A function fed by an event stream, batch by batch, per partition in order."""
        if _is_function(stream):
            return self._bare("stream", stream)  # type: ignore[no-any-return]
        topts = _given(stream=stream, batch_size=batch_size, starting_position=starting_position)
        return self._record("stream", topts, options, _caller())

    def event(
        self,
        pattern: Mapping[str, Any],
        *,
        bus: str = _UNSET,
        **options: Unpack[FunctionOptions],
    ) -> Callable[[F], F]:
        """A function fired by events on a bus that match ``pattern`` (source, type, detail)."""
        if _is_function(pattern):
            return self._bare("event", pattern)  # type: ignore[no-any-return]
        return self._record("event", _given(pattern=pattern, bus=bus), options, _caller())

    # -- durable ------------------------------------------------------------------------------
    @overload
    def orchestrator(self, fn: F, /) -> F: ...
    @overload
    def orchestrator(
        self, *, aws_engine: str = ..., **options: Unpack[FunctionOptions]
    ) -> Callable[[F], F]: ...
    def orchestrator(self, fn: Any = None, /, **options: Any) -> Any:  # type: ignore[misc]
        """A durable orchestrator: a generator that yields tasks (``ctx.call_activity``).

        Args:
            aws_engine: what runs it on AWS: ``"step_functions"`` (translated to a state
                machine) or ``"lambda_durable"`` (the generator itself, on Lambda durable
                functions). Unset: Step Functions when the translator accepts the
                orchestrator, Lambda durable functions otherwise.
        """
        topts = {k: options.pop(k) for k in ("aws_engine",) if k in options}
        decorate = self._record("orchestration", topts, options, _caller())
        return decorate if fn is None else decorate(fn)

    @overload
    def activity(self, fn: F, /) -> F: ...
    @overload
    def activity(self, **options: Unpack[FunctionOptions]) -> Callable[[F], F]: ...
    def activity(self, fn: Any = None, /, **options: Any) -> Any:  # type: ignore[misc]
        """A durable activity: a plain function an orchestrator calls by name."""
        return self._durable("activity", fn, options, _caller())

    @overload
    def entity(self, fn: F, /) -> F: ...
    @overload
    def entity(self, **options: Unpack[FunctionOptions]) -> Callable[[F], F]: ...
    def entity(self, fn: Any = None, /, **options: Any) -> Any:  # type: ignore[misc]
        """A durable entity: a function of ``ctx`` whose operations on one key run one at a time."""
        return self._durable("entity", fn, options, _caller())

    def _durable(
        self, trigger: str, fn: Any, options: Mapping[str, Any], location: SourceLocation
    ) -> Any:
        decorate = self._record(trigger, {}, options, location)
        return decorate if fn is None else decorate(fn)

    # -- functions in other languages ---------------------------------------------------------
    def external(
        self,
        name: str,
        *,
        runtime: str,
        handler: str,
        code: str,
        trigger: str,
        **options: Any,
    ) -> None:
        """A function written in another language, deployed as-is from folder ``code``.

        ``trigger`` names the trigger kind (``"http"``, ``"queue"``, ...); its options and the
        function's options are given as keywords, exactly as for the decorators.
        """
        topts = {k: v for k, v in options.items() if k not in FunctionOptions.__annotations__}
        fopts = {k: v for k, v in options.items() if k in FunctionOptions.__annotations__}
        fopts.update(name=name, runtime=runtime)
        spec = FunctionSpec(
            name,
            trigger,
            topts,
            fopts,
            None,
            _caller(),
            external={"handler": handler, "code": code},
        )
        self._functions.append(spec)


class Blueprint(_Registry):
    """A group of functions defined in its own module and registered into an ``App``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.location = _caller()


class App(_Registry):
    """A serverless app: its functions, the resources they use, and app-wide defaults.

    >>> app = App("orders", memory=512)
    >>> @app.http("/orders/{id}", methods=["GET"])
    ... def get_order(req, ctx): ...
    """

    def __init__(
        self,
        name: str,
        *,
        runtime: str = _UNSET,
        memory: int = _UNSET,
        timeout: int = _UNSET,
        env: Mapping[str, str] = _UNSET,
        tags: Mapping[str, str] = _UNSET,
        http_auth: str = _UNSET,
        log_retention_days: int = _UNSET,
        tracing: bool = _UNSET,
        requirements: Iterable[str] = _UNSET,
        durable: Mapping[str, Any] = _UNSET,
        include: Iterable[str] = _UNSET,
        exclude: Iterable[str] = _UNSET,
        cors: Iterable[str] = _UNSET,
    ) -> None:
        """``include`` / ``exclude``: ``.gitignore``-style patterns, relative to the app's
        folder, of files to add to (or keep out of) the code artifact besides the app's Python
        source; ``.faasignore`` in that folder adds exclusions. Dev state, secrets files and
        VCS or virtualenv folders are never packaged. ``cors``: origins
        (``https://shop.example``, or ``"*"``) whose web pages may call the HTTP functions from
        a browser: API Gateway's CORS configuration on AWS, the function app's on Azure, the
        runtime shim on GCP, ``faas-iac dev`` locally (its ``--cors`` adds more)."""
        super().__init__()
        self.name = name
        self.location = _caller()
        self.defaults: dict[str, Any] = _given(
            runtime=runtime,
            memory=memory,
            timeout=timeout,
            env=env,
            tags=tags,
            http_auth=http_auth,
            log_retention_days=log_retention_days,
            tracing=tracing,
        )
        self.requirements: tuple[str, ...] = _as_tuple(requirements)
        self.durable: dict[str, Any] = {} if durable is _UNSET else dict(durable)
        self.packaging: dict[str, Any] = _given(include=include, exclude=exclude)
        self.cors: Any = () if cors is _UNSET else cors
        self._blueprints: list[BlueprintUse] = []

    def register(self, blueprint: Blueprint, *, prefix: str = "") -> None:
        """Add a blueprint's functions and resources; ``prefix`` is put before each name."""
        self._blueprints.append(BlueprintUse(blueprint, prefix, _caller()))

    def all_functions(self) -> tuple[FunctionSpec, ...]:
        """The app's functions and those of its blueprints, names prefixed, in declared order."""
        found = list(self._functions)
        for use in self._blueprints:
            for spec in use.blueprint.functions:
                renamed = use.prefix + spec.name
                options = {**spec.options, "name": renamed} if use.prefix else spec.options
                found.append(
                    FunctionSpec(
                        renamed,
                        spec.trigger,
                        spec.trigger_options,
                        options,
                        spec.handler,
                        spec.location,
                        spec.external,
                    )
                )
        return tuple(found)

    def all_resources(self) -> tuple[ResourceSpec, ...]:
        found = list(self._resources)
        for use in self._blueprints:
            found.extend(use.blueprint.resources)
        return tuple(found)

    def all_misdeclared(self) -> tuple[tuple[Any, SourceLocation], ...]:
        """What ``declare`` got that is not a resource, here and in the blueprints."""
        found = list(self._misdeclared)
        for use in self._blueprints:
            found.extend(use.blueprint.misdeclared)
        return tuple(found)
