"""``faas-iac eject --provider azure``: the plan as a plain, readable Pulumi program that uses
only ``pulumi`` and ``pulumi_azure_native`` (no faas-iac), next to the generated app folder it
zip-deploys. Pure: returns file texts; the caller writes them."""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING, Any

from faas_iac.plan.refs import Kind, parts, target

from .emit import FOLDER, generated_files
from .types import CONTEXT, NATIVE_TYPES

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled

INDENT = "    "
#: Names a resource variable must not take (imported modules and the program's own names).
RESERVED = {module for module, _ in NATIVE_TYPES.values()} | {"pulumi", "client", "authorization"}


def var(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    ident = f"r_{ident}" if ident[0].isdigit() else ident
    return f"{ident}_" if keyword.iskeyword(ident) or ident in RESERVED else ident


def _piece(kind: Kind, text: str) -> str:
    if kind == "text":
        return repr(text)
    if kind == "context":
        return f"client.{CONTEXT[text]}"
    name, attr = target(text)
    return f"{var(name)}.{attr}"


def render(value: Any, depth: int = 1) -> str:
    if isinstance(value, dict):
        if len(value) == 1 and "$sub" in value:
            pieces = [_piece(kind, text) for kind, text in parts(value["$sub"])]
            return pieces[0] if len(pieces) == 1 else f"pulumi.Output.concat({', '.join(pieces)})"
        if not value:
            return "{}"
        pad = INDENT * (depth + 1)
        items = [f"{pad}{k!r}: {render(v, depth + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{INDENT * depth}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        pad = INDENT * (depth + 1)
        items = [f"{pad}{render(v, depth + 1)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{INDENT * depth}]"
    return repr(value)


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
