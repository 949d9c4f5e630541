"""Every provider's plan refers to other records in the one vocabulary of
``faas_iac.plan.refs`` (``$sub`` / ``$json``), every reference names a record of the plan, and
every record depends on what it refers to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.plan import compile_app
from faas_iac.plan.refs import parts, target
from tests.conftest import ROOT

APPS = sorted([*ROOT.glob("examples/*/app.py"), *ROOT.glob("tests/*/apps/*/app.py")])
CONTEXT = {
    "aws:region",
    "aws:account",
    "aws:partition",
    "azure:subscription",
    "azure:tenant",
    "gcp:project",
    "gcp:project_number",
}


def strays(value: Any, path: str) -> Iterator[str]:
    """Where a value holds a reference outside the vocabulary."""
    if isinstance(value, dict):
        if len(value) == 1 and ("$sub" in value or "$json" in value):
            if "$json" in value:
                yield from strays(value["$json"], path)
            return
        for key, item in value.items():
            if key.startswith("$"):
                yield f"{path}.{key}"
            yield from strays(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strays(item, f"{path}[{i}]")
    elif isinstance(value, str) and "${" in value:
        yield f"{path} = {value!r}"


def templates(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if len(value) == 1 and "$sub" in value:
            yield value["$sub"]
            return
        for item in value.values():
            yield from templates(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from templates(item)


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_references_use_one_vocabulary_and_are_dependencies(provider: str) -> None:
    checked = 0
    for app in APPS:
        model, root = load(str(app))
        try:
            plan = compile_app(model, root, provider).plan
        except FaasError:
            continue  # refused: tests/test_plan_and_compile_agree.py covers refusals
        names = {r.name for r in plan.resources}
        for res in plan.resources:
            where = f"{app.relative_to(ROOT)} {res.name}"
            assert list(strays(res.properties, "properties")) == [], where
            for template in templates(res.properties):
                for kind, text in parts(template):
                    if kind == "ref":
                        assert target(text)[0] in names, f"{where}: {text}"
                    elif kind == "context":
                        assert text in CONTEXT, f"{where}: {text}"
            referred = {
                target(text)[0]
                for template in templates(res.properties)
                for kind, text in parts(template)
                if kind == "ref"
            }
            assert referred - {res.name} <= set(res.depends_on), where
        assert list(strays(plan.outputs, "outputs")) == []
        checked += 1
    assert checked >= 1
