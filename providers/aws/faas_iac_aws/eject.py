"""``faas-iac eject APP --provider aws``: the plan as a plain, readable Pulumi program.

The program names every resource explicitly (no faas-iac import, no loops over data), so a
team that leaves faas-iac keeps a normal ``pulumi_aws`` program to edit by hand. The zips it
deploys (the code: the app's folder plus the small runtime shim; the layers; the dependency
bundles) are written beside it, ordinary files from then on.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import TYPE_CHECKING, Any

from faas_iac.plan.refs import parts, refs_in

from .plan.layer import artifact_files, artifact_paths

if TYPE_CHECKING:
    from faas_iac.plan import Compiled

CONTEXT = {"aws:region": "region", "aws:account": "account", "aws:partition": "partition"}


def variable(logical: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", logical)
    return name if name.isidentifier() and not keyword.iskeyword(name) else f"r_{name}"


def class_path(token: str) -> str:
    """``aws:lambda/function:Function`` → ``aws.lambda_.Function``."""
    module = token.split(":")[1].split("/")[0]
    module = f"{module}_" if keyword.iskeyword(module) else module
    return f"aws.{module}.{token.rsplit(':', 1)[1]}"


def _has_refs(value: Any) -> bool:
    text = json.dumps(value)
    return '"$sub"' in text


def render(value: Any, indent: int = 1) -> str:
    pad, inner = "    " * indent, "    " * (indent + 1)
    if isinstance(value, dict):
        if len(value) == 1 and "$sub" in value:
            pieces = []
            for kind, text in parts(value["$sub"]):
                if kind == "text":
                    pieces.append(repr(text))
                elif kind == "context":
                    pieces.append(CONTEXT[text])
                else:
                    name, attr = text.split(".", 1)
                    pieces.append(f"{variable(name)}.{attr}")
            return pieces[0] if len(pieces) == 1 else f"pulumi.Output.concat({', '.join(pieces)})"
        if len(value) == 1 and "$json" in value:
            inner_value = value["$json"]
            if _has_refs(inner_value):
                return (
                    f"pulumi.Output.json_dumps({render(inner_value, indent)}, "
                    'sort_keys=True, separators=(",", ":"))'
                )
            return repr(json.dumps(inner_value, sort_keys=True, separators=(",", ":")))
        if not value:
            return "{}"
        items = [f"{inner}{k!r}: {render(v, indent + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{inner}{render(v, indent + 1)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    return repr(value)


def program(compiled: Compiled) -> str:
    plan = compiled.plan
    artifacts = artifact_paths(plan)
    lines = [
        f'"""The AWS resources of app {plan.app!r}, as a plain Pulumi program (ejected from',
        "faas-iac). Deploy with `pulumi up`. The zips under artifacts/ were written beside it",
        "by `faas-iac eject`; they are plain files from then on.",
        '"""',
        "",
        "import pulumi",
        "import pulumi_aws as aws",
        "",
        "region = aws.get_region_output().region",
        "account = aws.get_caller_identity_output().account_id",
        "partition = aws.get_partition_output().partition",
        "",
    ]
    for res in plan.resources:
        args = [f"    {k}={render(v, 1)}," for k, v in res.properties.items()]
        if res.artifact is not None:
            args.append(f"    code=pulumi.FileArchive({artifacts[res.artifact]!r}),")
        implied = refs_in(res.properties)
        explicit = [variable(d) for d in res.depends_on if d not in implied]
        if explicit:
            args.append(f"    opts=pulumi.ResourceOptions(depends_on=[{', '.join(explicit)}]),")
        lines.append(f"{variable(res.name)} = {class_path(res.type)}(")
        lines.append(f"    {plan.app + '-' + res.name!r},")
        lines += args
        lines += [")", ""]
    for key, value in plan.outputs.items():
        lines.append(f"pulumi.export({key.replace(':', '_')!r}, {render(value, 0)})")
    return "\n".join(lines) + "\n"


def eject(compiled: Compiled) -> dict[str, str | bytes]:
    """The program, its project files and every zip it deploys (under ``artifacts/``)."""
    name = compiled.plan.app
    return {
        "__main__.py": program(compiled),
        "Pulumi.yaml": f"name: {name}\nruntime: python\n"
        f"description: The AWS resources of {name}, ejected from faas-iac.\n",
        "requirements.txt": "pulumi>=3.100\npulumi-aws>=7.51\n",  # the provider's range
        **artifact_files(compiled),
    }
