"""Create the plan's resources inside a running Pulumi program (``pulumi up``, or
``pulumi.runtime.set_mocks`` in tests). Interprets the plan; decides nothing the planner did
not: each plan resource becomes the ``pulumi_azure_native`` resource of its type, with its
references (:mod:`faas_iac.plan.refs`) resolved to Pulumi outputs."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi

from faas_iac.plan.refs import Kind, interpret, target
from faas_iac.pulumi import build_folder

from .emit import package
from .types import CONTEXT, NATIVE_TYPES

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled


class _Resolver:
    def __init__(self) -> None:
        self.created: dict[str, pulumi.CustomResource] = {}
        self._client: Any = None

    def client_config(self) -> Any:
        if self._client is None:
            from pulumi_azure_native import authorization

            self._client = authorization.get_client_config_output()
        return self._client

    def token(self, kind: Kind, text: str) -> Any:
        if kind == "context":
            return getattr(self.client_config(), CONTEXT[text])
        name, attr = target(text)
        found: Any = self.created[name]
        for part in attr.split("."):
            found = getattr(found, part)
        return found

    def value(self, raw: Any) -> Any:
        return interpret(
            raw,
            self.token,
            lambda pieces: pulumi.Output.concat(*pieces),
            lambda inner: pulumi.Output.json_dumps(inner, sort_keys=True, separators=(",", ":")),
        )


def resource_class(type_: str) -> Any:
    module, cls = NATIVE_TYPES[type_]
    return getattr(importlib.import_module(f"pulumi_azure_native.{module}"), cls)


def package_path(compiled: Compiled, folder: Path) -> Path:
    """The deployed zip, written under ``folder`` (a build folder, never the app's own)."""
    data = package(compiled.model, compiled.plan, compiled.code_zip)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "app-package.zip"
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)
    return target


def deploy(compiled: Compiled, build_dir: Path | None = None) -> dict[str, Any]:
    folder = build_dir or build_folder("azure")
    r = _Resolver()
    for res in compiled.plan.resources:
        props = {k: r.value(v) for k, v in res.properties.items()}
        if res.artifact is not None:
            props["source"] = pulumi.FileAsset(str(package_path(compiled, folder)))
        deps = [r.created[d] for d in res.depends_on]
        r.created[res.name] = resource_class(res.type)(
            res.name, **props, opts=pulumi.ResourceOptions(depends_on=deps)
        )
    for key, value in compiled.plan.outputs.items():
        pulumi.export(key, r.value(value))
    return dict(r.created)
