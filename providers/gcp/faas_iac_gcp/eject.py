"""``faas-iac eject APP --provider gcp``: the plan as a plain, readable Pulumi program that uses
only ``pulumi`` and ``pulumi_gcp`` (no faas-iac), next to the runnable source folder it uploads
(``gcp-app/``) and the workflow definitions it reads (``workflows/<name>.yaml``). Pure: returns
file texts; the caller writes them."""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING, Any

from faas_iac.plan.refs import Kind, parts, target

from . import types as T
from .emit import FOLDER, generated_files
from .plan.orchestrations import definitions

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled

INDENT = "    "
CONTEXT = {"gcp:project": "project.project_id", "gcp:project_number": "project.number"}
RESERVED = {"pulumi", "gcp", "project", "Path", "HERE"}


def var(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    ident = f"r_{ident}" if ident[0].isdigit() else ident
    return f"{ident}_" if keyword.iskeyword(ident) or ident in RESERVED else ident


def class_path(token: str) -> str:
    """``gcp:cloudfunctionsv2/function:Function`` → ``gcp.cloudfunctionsv2.Function``."""
    module = token.split(":")[1].split("/")[0]
    return f"gcp.{module}.{token.rsplit(':', 1)[1]}"


def _piece(kind: Kind, text: str) -> str:
    if kind == "text":
        return repr(text)
    if kind == "context":
        return CONTEXT[text]
    name, attr = target(text)
    return f"{var(name)}.{attr}"


def render(value: Any, depth: int = 1) -> str:
    if isinstance(value, dict):
        if len(value) == 1 and "$sub" in value:
            pieces = [_piece(kind, text) for kind, text in parts(value["$sub"])]
            return pieces[0] if len(pieces) == 1 else f"pulumi.Output.concat({', '.join(pieces)})"
        if len(value) == 1 and "$json" in value:
            inner = render(value["$json"], depth)
            return f'pulumi.Output.json_dumps({inner}, sort_keys=True, separators=(",", ":"))'
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


def _workflow_file(name: str) -> str:
    return f"workflows/{name.removeprefix('workflow-')}.yaml"


def program(compiled: Compiled) -> str:
    plan = compiled.plan
    lines = [
        f'"""Pulumi program of the faas-iac app {plan.app!r} on GCP (ejected: plain Pulumi,',
        f"no faas-iac). `pulumi up` creates the resources and uploads ./{FOLDER} as the source",
        'of every Cloud Function; workflows/ holds the Workflows definitions."""',
        "",
        "from pathlib import Path",
        "",
        "import pulumi",
        "import pulumi_gcp as gcp",
        "",
        "HERE = Path(__file__).parent",
        "project = gcp.organizations.get_project_output()",
        "",
    ]
    for res in plan.resources:
        args = [f"{INDENT}{(plan.app + '-' + res.name)!r},"]
        args += [f"{INDENT}{key}={render(value)}," for key, value in res.properties.items()]
        if res.type == T.WORKFLOW and res.artifact is not None:
            text = f"(HERE / {_workflow_file(res.name)!r}).read_text()"
            args.append(f"{INDENT}source_contents={text},")
        elif res.artifact is not None:
            args.append(f"{INDENT}source=pulumi.FileArchive(str(HERE / {FOLDER!r})),")
        if res.depends_on:
            deps = ", ".join(var(d) for d in res.depends_on)
            args.append(f"{INDENT}opts=pulumi.ResourceOptions(depends_on=[{deps}]),")
        lines += [f"{var(res.name)} = {class_path(res.type)}(", *args, ")", ""]
    for key, value in plan.outputs.items():
        lines.append(f"pulumi.export({key.replace(':', '_')!r}, {render(value, 0)})")
    return "\n".join(lines) + "\n"


def eject(compiled: Compiled) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "__main__.py": program(compiled),
        "Pulumi.yaml": f"name: {compiled.plan.app}-gcp\nruntime: python\n"
        "description: Ejected from faas-iac (GCP)\n",
        "requirements.txt": "pulumi>=3.100\npulumi-gcp>=8\n",
    }
    for name, text in definitions(compiled.model, compiled.translation)[0].items():
        files[f"workflows/{name}.yaml"] = text
    generated = generated_files(compiled.model, compiled.code_zip, compiled.translation)
    for rel, data in sorted(generated.items()):
        files[f"{FOLDER}/{rel}"] = data.decode("utf-8")
    return files
