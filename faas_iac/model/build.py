"""From what the decorators recorded to a validated :class:`AppModel`, reporting every problem.

Stage rule: this module reads the recorded ``App`` and the handler objects (to see whether an
orchestrator is a generator, where a handler lives); it never imports user code, touches the
network, or writes a file.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType
from typing import Any, get_args

from pydantic import ValidationError

from .._app import App, FunctionSpec
from ..errors import ValidationFailed
from ..schedule import ScheduleError, parse_schedule
from . import orchestrations
from .app import AppModel
from .claims import Claims
from .explain import explain
from .function import PYTHON_RUNTIMES, Function, Runtime
from .names import name_problem
from .refs import REF, as_mapping, binding_refs, merge_bindings
from .report import Collector, relative, suggest
from .routes import check_route, route_conflicts
from .settings import app_defaults, cors_origins, durable_settings, packaging, requirements
from .triggers import TRIGGER_TYPES

FUNCTION_OPTIONS = frozenset(
    {
        "name", "description", "runtime", "memory", "timeout", "env", "secrets", "reads",
        "writes", "durable_client", "max_instances", "min_instances", "reserved_concurrency",
        "concurrency", "tags", "log_retention_days", "tracing", "error_alert",
    }
)  # fmt: skip
_SCALING = ("max_instances", "min_instances", "reserved_concurrency", "concurrency")
_MONITORING = ("log_retention_days", "tracing", "error_alert")
_KIND_OF_TRIGGER = {"orchestration": "orchestrator", "activity": "activity", "entity": "entity"}
_ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_SEGMENT = re.compile(
    r"^(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}|\{\*[A-Za-z_][A-Za-z0-9_]*\})$"
)
_REF = re.compile(r"^(queue|topic|bucket|table|secret|bus|stream):([a-z][a-z0-9-]{0,62})$")


@dataclass
class _Builder:
    app: App
    root: Path | None
    out: Collector
    claims: Claims
    #: The valid App(...) defaults (a wrong one is reported once, at App(...)).
    defaults: dict[str, Any]

    # -- functions ------------------------------------------------------------------------------
    def function(self, spec: FunctionSpec) -> Function | None:
        path = f"functions.{spec.name}"
        loc = spec.location
        trigger_type = TRIGGER_TYPES.get(spec.trigger)
        if trigger_type is None:
            hint = suggest(spec.trigger, TRIGGER_TYPES)
            self.out.add(
                "FIAC105",
                f"unknown trigger {spec.trigger!r}",
                hint or f"use one of {', '.join(sorted(TRIGGER_TYPES))}",
                loc,
                f"{path}.trigger",
            )
            return None
        defaults = self.defaults
        opts = dict(spec.options)
        data: dict[str, Any] = {
            "name": spec.name,
            "kind": _KIND_OF_TRIGGER.get(spec.trigger, "function"),
            "source": f"{relative(loc.file, self.root)}:{loc.line}",
        }
        for key in ("runtime", "memory", "timeout"):
            if key in defaults:
                data[key] = defaults[key]
        for key in ("env", "tags"):
            given = as_mapping(opts.pop(key, None), key, loc, f"{path}.{key}", self.out)
            data[key] = {**defaults.get(key, {}), **given}
        monitoring: dict[str, Any] = {
            k: defaults[k] for k in ("log_retention_days", "tracing") if k in defaults
        }
        scaling: dict[str, Any] = {}
        refs = binding_refs(opts.pop("reads", None), "read", f"{path}.reads", loc, self.out)
        refs += binding_refs(opts.pop("writes", None), "write", f"{path}.writes", loc, self.out)
        secrets = as_mapping(opts.pop("secrets", None), "secrets", loc, f"{path}.secrets", self.out)
        data["secrets"] = secrets
        for env, secret in secrets.items():
            if isinstance(secret, str) and REF.match(f"secret:{secret}"):
                refs.append(("secret", secret, "read"))
                self.claims.claim("secret", secret, {}, loc, f"function {spec.name!r}")
            elif isinstance(secret, str):
                self._not_a_secret_name(str(env), spec, path)
        data["bindings"] = [
            {"kind": k, "name": n, "access": a}
            for k, n, a in ((b.kind, b.name, b.access) for b in merge_bindings(refs))
        ]
        for key in list(opts):
            if key in _SCALING:
                scaling[key] = opts.pop(key)
            elif key in _MONITORING:
                monitoring[key] = opts.pop(key)
        unknown = [k for k in opts if k not in FUNCTION_OPTIONS]
        for key in unknown:
            opts.pop(key)
            self._unknown(key, spec, path, TRIGGER_TYPES[spec.trigger])
        data.update(opts)
        data["scaling"] = scaling
        data["monitoring"] = monitoring
        data["handler"] = self._handler(spec, path, data)
        data["trigger"] = self._trigger(spec, path, defaults)
        if data["trigger"] is None:
            return None
        try:
            fn = Function.model_validate(data)
        except ValidationError as exc:
            self._pydantic(exc, spec, path)
            return None
        self._checks(fn, spec, path)
        self.claims.implied(fn, spec.location)
        return fn

    def _not_a_secret_name(self, env: str, spec: FunctionSpec, path: str) -> None:
        # The value is never shown: a user who wrote the secret itself here must not see it
        # copied into a terminal or a CI log.
        name = env.lower().replace("_", "-")
        self.out.add(
            "FIAC135",
            f"secrets={{{env!r}: ...}}: the value (not shown) is not a secret name; secrets= "
            "maps a variable to the name of a secret in the target's secret store, never to "
            "the secret itself",
            f"name the secret (lowercase letters, digits and '-', e.g. {name!r}), read it with "
            f"ctx.secret({name!r}), and set its value in the secret store (locally: {name}=... "
            "in the state folder's secrets.env)",
            spec.location,
            f"{path}.secrets.{env}",
        )

    def _unknown(self, key: str, spec: FunctionSpec, path: str, trigger: type[Any]) -> None:
        known = set(FUNCTION_OPTIONS) | set(trigger.model_fields) - {"type"}
        hint = suggest(key, known)
        self.out.add(
            "FIAC101",
            f"unknown option {key!r} for a {spec.trigger} function",
            f"{hint + ' ' if hint else ''}known options: {', '.join(sorted(known))}",
            spec.location,
            f"{path}.{key}",
        )

    def _handler(self, spec: FunctionSpec, path: str, data: dict[str, Any]) -> dict[str, Any]:
        if spec.external is not None:
            code = str(spec.external.get("code", ""))
            if self.root is not None and not (self.root / code).is_dir():
                self.out.add(
                    "FIAC144",
                    f"code folder {code!r} of external function {spec.name!r} does not exist",
                    "give code= as a folder relative to the app file's folder",
                    spec.location,
                    f"{path}.handler.code",
                )
            return {"handler": spec.external.get("handler"), "code": code}
        fn = spec.handler
        if not callable(fn):
            self.out.add(
                "FIAC142",
                f"handler of {spec.name!r} is not callable",
                "decorate a function defined with def",
                spec.location,
                f"{path}.handler",
            )
            return {}
        module = getattr(fn, "__module__", None) or ""
        qualname = getattr(fn, "__qualname__", "")
        if "<" in qualname or not module:
            self.out.add(
                "FIAC142",
                f"handler {qualname or fn!r} is not a top-level function, so no target can "
                "import it",
                "define the handler with def at module level (not a lambda or nested function)",
                spec.location,
                f"{path}.handler",
            )
        required = _required_arguments(fn)
        if required > 2:
            self.out.add(
                "FIAC142",
                f"handler {qualname} needs {required} arguments, but a handler is called with "
                "at most two: the payload and ctx",
                "take (payload, ctx), or give the other parameters default values",
                spec.location,
                f"{path}.handler",
            )
        runtime = data.get("runtime", "python3.11")
        if runtime not in PYTHON_RUNTIMES and runtime in get_args(Runtime):
            self.out.add(
                "FIAC143",
                f"{spec.name!r} is a Python function but its runtime is {runtime!r}",
                f"use {', '.join(sorted(PYTHON_RUNTIMES))}, or app.external(...) for code in "
                "another language",
                spec.location,
                f"{path}.runtime",
            )
        is_gen = inspect.isgeneratorfunction(fn)
        if spec.trigger == "orchestration" and not is_gen:
            self.out.add(
                "FIAC140",
                f"orchestrator {spec.name!r} is not a generator function",
                "write it as a generator: result = yield ctx.call_activity('name', input)",
                spec.location,
                f"{path}.handler",
            )
        if spec.trigger in ("activity", "entity") and is_gen:
            self.out.add(
                "FIAC141",
                f"{spec.trigger} {spec.name!r} is a generator function; only orchestrators yield",
                "return the result instead of yielding it",
                spec.location,
                f"{path}.handler",
            )
        return {"module": module, "qualname": qualname}

    def _trigger(
        self, spec: FunctionSpec, path: str, defaults: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        topts: dict[str, Any] = {"type": spec.trigger, **spec.trigger_options}
        tpath = f"{path}.trigger"
        if spec.trigger == "http":
            topts.setdefault("auth", defaults.get("http_auth", "function"))
            methods = topts.get("methods")
            if isinstance(methods, str):
                methods = [methods]
            if isinstance(methods, list | tuple | set | frozenset):
                upper = [str(m).upper() for m in methods]
                topts["methods"] = _ALL_METHODS if "*" in upper or "ANY" in upper else upper
            if not self._route(spec, topts.get("route"), tpath):
                return None
        if spec.trigger == "storage" and isinstance(topts.get("events"), str):
            topts["events"] = [topts["events"]]
        if spec.trigger == "schedule":
            try:
                sched = parse_schedule(
                    topts.get("cron"), topts.get("every"), topts.get("tz", "UTC")
                )
            except ScheduleError as exc:
                self.out.add(exc.code, exc.message, exc.fix, spec.location, tpath)
                return None
            if sched.fields is not None:
                topts["cron"] = sched.cron6
        if spec.trigger == "queue" and topts.get("dead_letter") is True:
            topts["dead_letter"] = f"{topts.get('queue')}-dlq"
        return topts

    def _route(self, spec: FunctionSpec, route: Any, tpath: str) -> bool:
        if route is None:
            self.out.add(
                "FIAC104",
                f"HTTP function {spec.name!r} has no route",
                'give it one: @app.http("/orders") (with the parentheses), or route="/orders" '
                "for app.external(...)",
                spec.location,
                f"{tpath}.route",
            )
            return False
        why = check_route(route) if isinstance(route, str) else "a route is a text"
        if why:
            self.out.add(
                "FIAC104",
                f"route {route!r} is invalid: {why}",
                'write a path like "/orders/{id}" (literal segments, {param}, and a final {*rest})',
                spec.location,
                f"{tpath}.route",
            )
        return why is None

    def _pydantic(self, exc: ValidationError, spec: FunctionSpec, path: str) -> None:
        said: set[tuple[str, ...]] = set()
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            if len(loc) >= 2 and loc[0] == "trigger" and loc[1] == spec.trigger:
                del loc[1]
            if loc[:2] == ["trigger", "dead_letter"]:
                # a union (queue name or True): one error per value, not one per member
                if tuple(loc[:2]) in said:
                    continue
                said.add(tuple(loc[:2]))
                loc = loc[:2]
            field_path = ".".join([path, *(p for p in loc if p != "[key]")])
            if err["type"] == "extra_forbidden":
                self._unknown(loc[-1] if loc else "", spec, path, TRIGGER_TYPES[spec.trigger])
                continue
            code, message, fix = explain(loc, err)
            self.out.add(code, message, fix, spec.location, field_path)

    def _checks(self, fn: Function, spec: FunctionSpec, path: str) -> None:
        s = fn.scaling
        if s.max_instances is not None and s.min_instances > s.max_instances:
            self.out.add(
                "FIAC122",
                f"min_instances {s.min_instances} is above max_instances {s.max_instances}",
                "make min_instances at most max_instances",
                spec.location,
                f"{path}.scaling",
            )
        t = fn.trigger
        if t.type == "queue" and isinstance(t.dead_letter, str) and t.dead_letter == t.queue:
            self.out.add(
                "FIAC133",
                f"queue {t.queue!r} dead-letters into itself",
                "name another queue, or dead_letter=True for '<queue>-dlq'",
                spec.location,
                f"{path}.trigger.dead_letter",
            )
        if t.type == "http" and t.auth == "jwt" and t.jwt is None:
            self.out.add(
                "FIAC100",
                "auth='jwt' needs jwt={'issuer': ..., 'audience': [...]}",
                "give the token issuer URL and the accepted audiences",
                spec.location,
                f"{path}.trigger.jwt",
            )


def build_model(app: App, root: Path | None = None) -> AppModel:
    """Validate a recorded app. Raises :class:`ValidationFailed` listing every problem."""
    out = Collector(root)
    builder = _Builder(app, root, out, Claims(out), app_defaults(app, out))
    functions: list[Function] = []
    seen: dict[str, FunctionSpec] = {}
    for spec in app.all_functions():
        if spec.name in seen:
            _duplicate(spec, seen[spec.name], out)
            continue
        seen[spec.name] = spec
        fn = builder.function(spec)
        if fn is not None:
            functions.append(fn)
    route_conflicts(functions, seen, out)
    resources = builder.claims.resources(app.all_resources())
    for value, where in app.all_misdeclared():
        out.add(
            "FIAC136",
            f"app.declare() got {value!r} ({type(value).__name__}), which is not a resource",
            "declare resource objects: app.declare(Queue('orders'), Table('items')); a "
            '"kind:name" text belongs in reads= or writes=',
            where,
            "resources",
        )
    declared = set(builder.claims.claims)  # an invalid resource is reported, not "undeclared"
    for fn in functions:
        for b in fn.bindings:
            if (b.kind, b.name) not in declared:
                names = [n for k, n in declared if k == b.kind]
                hint = suggest(b.name, names)
                out.add(
                    "FIAC130",
                    f"{fn.name!r} binds to {b.kind} {b.name!r}, which is not declared",
                    (f"{hint} " if hint else "")
                    + f"declare it: app.declare({b.kind.capitalize()}({b.name!r})), or use a "
                    "resource a trigger already declares",
                    seen[fn.name].location,
                    f"functions.{fn.name}.bindings.{b.kind}:{b.name}",
                )
    _orchestrations(seen, out)
    durable = durable_settings(app, out)
    package = packaging(app, out)
    model: AppModel | None = None
    try:
        model = AppModel(
            name=app.name,
            functions=tuple(functions),
            resources=tuple(resources),
            durable=durable,
            requirements=requirements(app, out),
            packaging=package,
            cors=cors_origins(app, out),
        )
    except ValidationError as exc:
        for err in exc.errors():
            if err["loc"] and err["loc"][0] == "name":
                message, fix = name_problem("app", str(app.name))
                if not isinstance(app.name, str):
                    message = f"app name {app.name!r} is {type(app.name).__name__}, not text"
                out.add("FIAC106", message, fix, app.location, "name")
            else:
                field = ".".join(map(str, err["loc"]))
                message = f"{field} = {err.get('input')!r}: {err['msg']}"
                out.add("FIAC100", message, "see `faas-iac schema`", app.location, field)
    if out.problems or model is None:
        raise ValidationFailed(out.problems)
    return model


def _required_arguments(fn: Any) -> int:
    """How many positional arguments ``fn`` cannot do without (0 when it takes ``*args`` or
    its signature cannot be read)."""
    code = getattr(fn, "__code__", None)
    plain = type(fn) is FunctionType and not {"__wrapped__", "__signature__"} & fn.__dict__.keys()
    if plain and code is not None:
        # a plain def (the common case): its code object says it, without building a Signature
        if code.co_flags & inspect.CO_VARARGS:
            return 0
        return int(code.co_argcount) - len(fn.__defaults__ or ())
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return 0
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return 0
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in params if p.kind in positional and p.default is p.empty)


def _duplicate(spec: FunctionSpec, first: FunctionSpec, out: Collector) -> None:
    if spec.handler is not None and spec.handler is first.handler:
        out.add(
            "FIAC107",
            f"function {spec.name!r} has two triggers ({first.trigger} at "
            f"{out.where(first.location)} and {spec.trigger}); a function has one trigger",
            "keep one trigger decorator; for a second trigger of the same code, give that "
            f"decorator its own name (name='{spec.name}-{spec.trigger}') or write a second "
            "function that calls the first",
            spec.location,
            f"functions.{spec.name}.trigger",
        )
        return
    out.add(
        "FIAC102",
        f"two functions are named {spec.name!r} (the other is at {out.where(first.location)})",
        "rename one of them: name='...' in its decorator",
        spec.location,
        f"functions.{spec.name}",
    )


def _orchestrations(specs: Mapping[str, FunctionSpec], out: Collector) -> None:
    kinds = {name: _KIND_OF_TRIGGER.get(spec.trigger) for name, spec in specs.items()}
    orchestrations.check(
        [
            orchestrations.Orchestrator(name, spec.handler)
            for name, spec in specs.items()
            if kinds[name] == "orchestrator" and spec.handler is not None
        ],
        {kind: [n for n, k in kinds.items() if k == kind] for kind in ("activity", "orchestrator")},
        out,
    )
