"""``faas-iac eject APP --provider gcp``: the plan as a plain, readable Pulumi program that uses
only ``pulumi`` and ``pulumi_gcp`` (no faas-iac), next to the runnable source folder it uploads
(``gcp-app/``) and the workflow definitions it reads (``workflows/<name>.yaml``). Pure: returns
file texts; the caller writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from faas_iac.plan.program import INDENT, Source, class_path, identifier

from . import types as T
from .emit import FOLDER, generated_files
from .plan.orchestrations import definitions

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled

CONTEXT = {"gcp:project": "project.project_id", "gcp:project_number": "project.number"}
RESERVED = {"pulumi", "gcp", "project", "Path", "HERE"}


def var(name: str) -> str:
    return identifier(name, RESERVED)


SOURCE = Source(var, CONTEXT)
render = SOURCE.render


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
        lines += [f"{var(res.name)} = {class_path(res.type, 'gcp')}(", *args, ")", ""]
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
