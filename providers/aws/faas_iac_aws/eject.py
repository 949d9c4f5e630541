"""``faas-iac eject APP --provider aws``: the plan as a plain, readable Pulumi program.

The program names every resource explicitly (no faas-iac import, no loops over data), so a
team that leaves faas-iac keeps a normal ``pulumi_aws`` program to edit by hand. The zips it
deploys (the code: the app's folder plus the small runtime shim; the layers; the dependency
bundles) are written beside it, ordinary files from then on.
"""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING

from faas_iac.plan.program import Source, class_path
from faas_iac.plan.refs import refs_in

from .plan.layer import artifact_files, artifact_paths

if TYPE_CHECKING:
    from faas_iac.plan import Compiled

CONTEXT = {"aws:region": "region", "aws:account": "account", "aws:partition": "partition"}


def variable(logical: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", logical)
    return name if name.isidentifier() and not keyword.iskeyword(name) else f"r_{name}"


SOURCE = Source(variable, CONTEXT, literal_json=True)
render = SOURCE.render


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
        lines.append(f"{variable(res.name)} = {class_path(res.type, 'aws')}(")
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
