"""``faas-iac eject --provider azure``: the plan as a plain, readable Pulumi program that uses
only ``pulumi`` and ``pulumi_azure_native`` (no faas-iac), next to the generated app folder it
zip-deploys. Pure: returns file texts; the caller writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from faas_iac.plan.program import INDENT, Source, identifier

from .emit import FOLDER, generated_files
from .types import CONTEXT, NATIVE_TYPES

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled

#: Names a resource variable must not take (imported modules and the program's own names).
RESERVED = {module for module, _ in NATIVE_TYPES.values()} | {"pulumi", "client", "authorization"}


def var(name: str) -> str:
    return identifier(name, RESERVED)


SOURCE = Source(var, {key: f"client.{attr}" for key, attr in CONTEXT.items()})
render = SOURCE.render


def program(compiled: Compiled) -> str:
    plan = compiled.plan
    modules = sorted({NATIVE_TYPES[r.type][0] for r in plan.resources} | {"authorization"})
    lines = [
        f'"""Pulumi program of the faas-iac app {plan.app!r} on Azure (ejected: plain Pulumi,',
        "no faas-iac). `pulumi up` creates the resources and uploads ./" + FOLDER + " as the",
        'Function App package."""',
        "",
        "import pulumi",
        f"from pulumi_azure_native import {', '.join(modules)}",
        "",
        "client = authorization.get_client_config_output()",
        "",
    ]
    for res in plan.resources:
        module, cls = NATIVE_TYPES[res.type]
        args = [f"{INDENT}{res.name!r},"]
        args += [f"{INDENT}{key}={render(value)}," for key, value in res.properties.items()]
        if res.artifact is not None:
            args.append(f"{INDENT}source=pulumi.FileArchive({('./' + FOLDER)!r}),")
        if res.depends_on:
            deps = ", ".join(var(d) for d in res.depends_on)
            args.append(f"{INDENT}opts=pulumi.ResourceOptions(depends_on=[{deps}]),")
        lines += [f"{var(res.name)} = {module}.{cls}(", *args, ")", ""]
    for key, value in plan.outputs.items():
        lines.append(f"pulumi.export({key!r}, {render(value)})")
    return "\n".join(lines) + "\n"


def eject(compiled: Compiled) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "__main__.py": program(compiled),
        "Pulumi.yaml": f"name: {compiled.plan.app}-azure\nruntime: python\n"
        "description: Ejected from faas-iac (Azure)\n",
        "requirements.txt": "pulumi>=3.100\npulumi-azure-native>=2\n",
    }
    generated = generated_files(compiled.model, compiled.plan, compiled.code_zip)
    for rel, data in sorted(generated.items()):
        files[f"{FOLDER}/{rel}"] = data.decode("utf-8")
    return files
