"""App-wide settings, validated with every problem reported: durable settings, packaging
patterns, requirements and the app's own name. No user code, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Annotated, Any, cast

from pydantic import TypeAdapter, ValidationError

from .._app import App
from .app import Packaging
from .durable import DurableSettings
from .explain import explain
from .function import Function, Monitoring
from .report import Collector, relative
from .triggers import HttpTrigger

#: App-wide defaults and the model field each one becomes.
_DEFAULT_FIELDS = {
    "runtime": Function.model_fields["runtime"],
    "memory": Function.model_fields["memory"],
    "timeout": Function.model_fields["timeout"],
    "env": Function.model_fields["env"],
    "tags": Function.model_fields["tags"],
    "http_auth": HttpTrigger.model_fields["auth"],
    "log_retention_days": Monitoring.model_fields["log_retention_days"],
    "tracing": Monitoring.model_fields["tracing"],
}
_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    key: TypeAdapter(
        cast(
            Any, Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
    )
    for key, info in _DEFAULT_FIELDS.items()
}


def app_defaults(app: App, out: Collector) -> dict[str, Any]:
    """The valid ``App(...)`` defaults. A wrong one is reported once, at ``App(...)``, and not
    handed down (so it is not reported again on every function)."""
    valid: dict[str, Any] = {}
    for key, value in app.defaults.items():
        try:
            valid[key] = _ADAPTERS[key].validate_python(value)
        except ValidationError as exc:
            for err in exc.errors():
                code, message, fix = explain([key, *map(str, err["loc"])], err)
                out.add(code, message, fix, app.location, f"app.{key}")
    return valid


def durable_settings(app: App, out: Collector) -> DurableSettings:
    if not app.durable:
        return DurableSettings()
    try:
        return DurableSettings.model_validate(app.durable)
    except ValidationError as exc:
        for err in exc.errors():
            key = ".".join(map(str, err["loc"]))
            if err["type"] == "extra_forbidden":
                code, message = "FIAC101", f"unknown durable setting {key!r}"
                fix = "durable settings are: " + ", ".join(DurableSettings.model_fields)
            else:
                code, message, fix = explain([key], err)
                message = f"durable {message}"
            out.add(code, message, fix, app.location, f"durable.{key}")
    return DurableSettings()


def _patterns(value: Any, key: str, app: App, out: Collector) -> tuple[str, ...]:
    items: Iterable[Any] = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        out.add(
            "FIAC100",
            f"{key}= is {value!r}, not a list of patterns",
            f'give a list of .gitignore-style patterns, e.g. {key}=["templates/*.html"]',
            app.location,
            f"packaging.{key}",
        )
        return ()
    found: list[str] = []
    for i, item in enumerate(items):
        why = ""
        if not isinstance(item, str) or not item.strip():
            why = "is not a non-empty text"
        elif ".." in PurePosixPath(item.replace("\\", "/")).parts:
            why = "reaches outside the app's folder ('..')"
        if why:
            out.add(
                "FIAC100",
                f"{key} pattern {item!r} {why}",
                "write patterns relative to the app's folder, as in .gitignore "
                '(e.g. "templates/*.html", "data/**")',
                app.location,
                f"packaging.{key}[{i}]",
            )
            continue
        found.append(item)
    return tuple(found)


def requirements(app: App, out: Collector) -> tuple[str, ...]:
    """``App(requirements=[...])``: pip requirement lines, each a non-empty text."""
    found = []
    for i, item in enumerate(app.requirements):
        if isinstance(item, str) and item.strip():
            found.append(item.strip())
            continue
        out.add(
            "FIAC100",
            f"requirements[{i}] = {item!r} is not a requirement",
            'give pip requirement lines, e.g. requirements=["requests>=2.31", "pydantic"]',
            app.location,
            f"requirements[{i}]",
        )
    return tuple(found)


def packaging(app: App, out: Collector) -> Packaging:
    opts = app.packaging
    return Packaging(
        include=_patterns(opts.get("include", ()), "include", app, out),
        exclude=_patterns(opts.get("exclude", ()), "exclude", app, out),
        source=f"{relative(app.location.file, out.root)}:{app.location.line}",
    )
