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
from typing import Any

from pydantic import ValidationError

from .._app import App, FunctionSpec, ResourceSpec, SourceLocation
from ..errors import ValidationFailed
from ..schedule import ScheduleError, parse_schedule
from . import orchestrations
from .app import AppModel
from .claims import Claims
from .function import PYTHON_RUNTIMES, Function
from .report import FIXES, Collector, field_name, relative, suggest
from .resources import Binding
from .settings import durable_settings, packaging
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


def check_route(route: str) -> str | None:
    """Return why ``route`` is invalid, or None."""
    if not route.startswith("/"):
        return "a route starts with '/'"
    if route != "/" and route.endswith("/"):
        return "a route does not end with '/'"
    segments = route.strip("/").split("/") if route != "/" else []
    names: list[str] = []
    for i, seg in enumerate(segments):
        if not _SEGMENT.match(seg):
            return f"segment {seg!r} is neither literal text nor a {{param}}"
        if seg.startswith("{*") and i != len(segments) - 1:
            return f"catch-all {seg} must be the last segment"
        if seg.startswith("{"):
            names.append(seg.strip("{}*"))
    if len(names) != len(set(names)):
        return "a parameter name appears twice"
    return None


def route_shape(route: str) -> str:
    """The route with parameter names erased, so that two routes matching the same paths compare
    equal: ``/orders/{id}`` and ``/orders/{oid}`` both give ``/orders/{}``."""
    return re.sub(r"\{\*[^}]+\}", "{*}", re.sub(r"\{[A-Za-z_][^}]*\}", "{}", route))


def _binding_refs(
    value: Any, access: str, path: str, loc: SourceLocation, out: Collector
) -> list[tuple[str, str, str]]:
    if value is None:
        return []
    items = [value] if isinstance(value, str | ResourceSpec) else list(value)
    refs: list[tuple[str, str, str]] = []
    for item in items:
        text = item.ref if isinstance(item, ResourceSpec) else str(item)
        m = _REF.match(text)
        if not m:
            out.add(
                "FIAC132",
                f"binding {text!r} is not a resource reference",
                'write "kind:name" with kind one of queue, topic, bucket, table, secret, bus, '
                'stream (e.g. "queue:orders"), or pass the declared resource object',
                loc,
                path,
            )
            continue
        refs.append((m.group(1), m.group(2), access))
    return refs


def _merge_bindings(refs: list[tuple[str, str, str]]) -> tuple[Binding, ...]:
    merged: dict[tuple[str, str], set[str]] = {}
    for kind, name, access in refs:
        merged.setdefault((kind, name), set()).update(
            {"read", "write"} if access == "readwrite" else {access}
        )
    out = []
    for (kind, name), acc in sorted(merged.items()):
        access = "readwrite" if acc == {"read", "write"} else next(iter(acc))
        out.append(Binding.model_validate({"kind": kind, "name": name, "access": access}))
    return tuple(out)


@dataclass
class _Builder:
    app: App
    root: Path | None
    out: Collector
    claims: Claims

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
        defaults = self.app.defaults
        opts = dict(spec.options)
        data: dict[str, Any] = {
            "name": spec.name,
            "kind": _KIND_OF_TRIGGER.get(spec.trigger, "function"),
            "source": f"{relative(loc.file, self.root)}:{loc.line}",
        }
        for key in ("runtime", "memory", "timeout"):
            if key in defaults:
                data[key] = defaults[key]
        data["env"] = {**defaults.get("env", {}), **dict(opts.pop("env", {}) or {})}
        data["tags"] = {**defaults.get("tags", {}), **dict(opts.pop("tags", {}) or {})}
        monitoring: dict[str, Any] = {
            k: defaults[k] for k in ("log_retention_days", "tracing") if k in defaults
        }
        scaling: dict[str, Any] = {}
        refs = _binding_refs(opts.pop("reads", None), "read", f"{path}.reads", loc, self.out)
        refs += _binding_refs(opts.pop("writes", None), "write", f"{path}.writes", loc, self.out)
        secrets = dict(opts.get("secrets", {}) or {})
        for secret in secrets.values():
            if isinstance(secret, str) and _REF.match(f"secret:{secret}"):
                refs.append(("secret", secret, "read"))
                self.claims.claim("secret", secret, {}, loc, f"function {spec.name!r}")
        data["bindings"] = [
            {"kind": k, "name": n, "access": a}
            for k, n, a in ((b.kind, b.name, b.access) for b in _merge_bindings(refs))
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
        runtime = data.get("runtime", "python3.11")
        if runtime not in PYTHON_RUNTIMES:
            self.out.add(
                "FIAC143",
                f"{spec.name!r} is a Python function but its runtime is {runtime!r}",
                "use a python3.x runtime, or app.external(...) for code in another language",
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
            if methods is not None:
                upper = [str(m).upper() for m in methods]
                topts["methods"] = _ALL_METHODS if "*" in upper or "ANY" in upper else upper
            route = topts.get("route")
            why = check_route(route) if isinstance(route, str) else "a route is a string"
            if why:
                self.out.add(
                    "FIAC104",
                    f"route {route!r} is invalid: {why}",
                    'write a path like "/orders/{id}" (literal segments, {param}, and a final '
                    "{*rest})",
                    spec.location,
                    f"{tpath}.route",
                )
                return None
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

    def _pydantic(self, exc: ValidationError, spec: FunctionSpec, path: str) -> None:
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            if len(loc) >= 2 and loc[0] == "trigger" and loc[1] == spec.trigger:
                del loc[1]
            field_path = ".".join([path, *loc])
            last = loc[-1] if loc else ""
            if err["type"] == "extra_forbidden":
                self._unknown(last, spec, path, TRIGGER_TYPES[spec.trigger])
                continue
            value = err.get("input")
            if loc and loc[0] == "timeout":
                self.out.add(
                    "FIAC120",
                    f"timeout {value!r} s is outside 1-3600 s, which no target allows",
                    "use at most 3600 s; AWS allows 900, Azure Consumption 600, GCP events 540 "
                    "— for longer work, use a durable orchestration",
                    spec.location,
                    field_path,
                )
            elif loc and loc[0] == "memory":
                self.out.add(
                    "FIAC121",
                    f"memory {value!r} MB is outside 128-32768 MB",
                    "give memory in MB between 128 and 32768 (AWS allows up to 10240)",
                    spec.location,
                    field_path,
                )
            elif last == "name" or (loc and loc[0] == "name"):
                self.out.add(
                    "FIAC106",
                    f"name {value!r} is invalid: {err['msg']}",
                    "start with a letter; use lowercase letters, digits and '-' "
                    "(function names may also use '_')",
                    spec.location,
                    field_path,
                )
            else:
                self.out.add(
                    "FIAC100",
                    f"{field_name(loc)} = {value!r}: {err['msg']}",
                    FIXES.get(err["type"], "see `faas-iac schema` for the allowed values"),
                    spec.location,
                    field_path,
                )

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
    builder = _Builder(app, root, out, Claims(out))
    functions: list[Function] = []
    seen: dict[str, FunctionSpec] = {}
    for spec in app.all_functions():
        if spec.name in seen:
            first = seen[spec.name]
            out.add(
                "FIAC102",
                f"two functions are named {spec.name!r} (the other is at "
                f"{out.where(first.location)})",
                "rename one of them: name='...' in its decorator",
                spec.location,
                f"functions.{spec.name}",
            )
            continue
        seen[spec.name] = spec
        fn = builder.function(spec)
        if fn is not None:
            functions.append(fn)
    _route_conflicts(functions, seen, out)
    resources = builder.claims.resources(app.all_resources())
    declared = {(r.kind, r.name) for r in resources}
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
            requirements=app.requirements,
            packaging=package,
        )
    except ValidationError as exc:
        for err in exc.errors():
            if err["loc"] and err["loc"][0] == "name":
                out.add(
                    "FIAC106",
                    f"app name {app.name!r} is invalid: {err['msg']}",
                    "start with a lowercase letter; use lowercase letters, digits and '-'",
                    app.location,
                    "name",
                )
    if out.problems or model is None:
        raise ValidationFailed(out.problems)
    return model


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


def _route_conflicts(
    functions: list[Function], specs: Mapping[str, FunctionSpec], out: Collector
) -> None:
    taken: dict[tuple[str, str], Function] = {}
    for fn in functions:
        t = fn.trigger
        if t.type != "http":
            continue
        shape = route_shape(t.route)
        for method in t.methods:
            other = taken.get((method, shape))
            if other is not None:
                out.add(
                    "FIAC103",
                    f"{method} {t.route} of {fn.name!r} conflicts with "
                    f"{other.trigger.route if other.trigger.type == 'http' else ''} of "
                    f"{other.name!r} ({out.where(specs[other.name].location)})",
                    "give one of them another route or method",
                    specs[fn.name].location,
                    f"functions.{fn.name}.trigger.route",
                )
                break
            taken[(method, shape)] = fn
