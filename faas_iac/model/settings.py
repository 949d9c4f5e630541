"""App-wide settings, validated with every problem reported: durable settings, packaging
patterns, requirements and the app's own name. No user code, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from pydantic import ValidationError

from .._app import App
from .app import Packaging
from .durable import DurableSettings
from .report import Collector, relative


def durable_settings(app: App, out: Collector) -> DurableSettings:
    if not app.durable:
        return DurableSettings()
    try:
        return DurableSettings.model_validate(app.durable)
    except ValidationError as exc:
        for err in exc.errors():
            out.add(
                "FIAC100" if err["type"] != "extra_forbidden" else "FIAC101",
                f"durable.{'.'.join(map(str, err['loc']))}: {err['msg']}",
                "durable settings are: " + ", ".join(DurableSettings.model_fields),
                app.location,
                "durable." + ".".join(map(str, err["loc"])),
            )
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


def packaging(app: App, out: Collector) -> Packaging:
    opts = app.packaging
    return Packaging(
        include=_patterns(opts.get("include", ()), "include", app, out),
        exclude=_patterns(opts.get("exclude", ()), "exclude", app, out),
        source=f"{relative(app.location.file, out.root)}:{app.location.line}",
    )
