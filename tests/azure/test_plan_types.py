"""Every property of every Azure plan, nested ones included, is a parameter that
``pulumi_azure_native`` itself declares (its resource classes and ``*Args`` input types),
so no setting is silently dropped or misspelled on its way to Azure Resource Manager."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from faas_iac_azure.pulumi_emit import resource_class
from faas_iac_azure.types import NATIVE_TYPES

from .support import ROOT, compiled, example_apps

APPS = [*example_apps(), *sorted((ROOT / "tests" / "azure" / "apps").glob("*/app.py"))]
ARGS = re.compile(r"ForwardRef\('(\w+Args)'\)")


def _params(fn: Any) -> dict[str, inspect.Parameter]:
    return {
        n: p
        for n, p in inspect.signature(fn).parameters.items()
        if n not in ("self", "__self__", "resource_name", "opts")
    }


def _check(value: Any, annotation: Any, inputs: Any, where: str) -> list[str]:
    """Problems of ``value`` against a parameter ``annotation`` (``*Args`` types only)."""
    if isinstance(value, dict) and not any(k.startswith("$") for k in value):
        candidates = [
            getattr(inputs, n) for n in ARGS.findall(str(annotation)) if hasattr(inputs, n)
        ]
        if not candidates:
            return []  # a map of strings (tags...), not an input type
        fitting = [c for c in candidates if set(value) <= set(_params(c.__init__))]
        if not fitting:
            return [f"{where}: keys {sorted(value)} fit none of {[c.__name__ for c in candidates]}"]
        params = _params(fitting[0].__init__)
        out: list[str] = []
        for key, item in value.items():
            out += _check(item, params[key].annotation, inputs, f"{where}.{key}")
        return out
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            out += _check(item, annotation, inputs, f"{where}[{i}]")
        return out
    return []


@pytest.mark.parametrize("path", APPS, ids=lambda p: "-".join(p.relative_to(ROOT).parts[:-1]))
def test_every_property_is_declared_by_pulumi_azure_native(path: Path) -> None:
    problems: list[str] = []
    for res in compiled(path).plan.resources:
        cls = resource_class(res.type)
        module = importlib.import_module(f"pulumi_azure_native.{NATIVE_TYPES[res.type][0]}")
        inputs = getattr(module, "_inputs", module)
        params = _params(cls._internal_init)
        for key, value in res.properties.items():
            if key not in params:
                problems.append(f"{res.name}.{key}: not a parameter of {cls.__name__}")
                continue
            problems += _check(value, params[key].annotation, inputs, f"{res.name}.{key}")
    assert problems == []
