"""Direct deploys without Pulumi: ``faas-iac deploy APP --provider P --engine sdk`` and
``faas-iac destroy``. They dispatch to the provider's SDK apply engine (the
``ApplyingProvider`` protocol); nothing here names a cloud. ``pulumi up`` in
``stacks/<provider>`` is the other way to deploy the same plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import FaasError
from ..plan import ApplyingProvider, Compiled, DeployOptions, compile_app
from ..plan.diff import diff
from .core import OPTION, STAGE, STRICT, checked, compile_options
from .preview import confirm, print_changes


def _engine(
    app: str, provider: str, options: dict[str, str], strict: bool = False
) -> tuple[Compiled, ApplyingProvider]:
    model, root = checked(app, strict)
    compiled = compile_app(model, root, provider, options)
    impl = compiled.provider
    if not isinstance(impl, ApplyingProvider):
        raise FaasError.one(
            "FIAC306",
            f"provider {provider!r} has no SDK apply engine",
            fix=f"deploy with Pulumi instead: pulumi up in stacks/{provider}",
        )
    return compiled, impl


COLOURS = {"created": "green", "recreated": "cyan", "updated": "yellow", "replaced": "magenta"}


def _progress(verb: str, name: str, seconds: float) -> None:
    """One line per change as the engine makes it, with the time it took."""
    from rich.console import Console
    from rich.text import Text

    line = Text.assemble((f"{verb:<9}", COLOURS.get(verb, "red")), f" {name}  ")
    line.append(f"{seconds:.1f}s", style="dim")
    Console(highlight=False, soft_wrap=True).print(line)


def _options(endpoint_url: str | None, region: str | None, state: str | None) -> DeployOptions:
    return DeployOptions(endpoint_url, region, Path(state) if state else None, progress=_progress)


_common = [
    click.argument("app", metavar="APP"),
    click.option("--provider", "-p", required=True, help="Target provider, e.g. aws."),
    click.option("--endpoint-url", help="Send every API call here (an emulator, e.g. moto)."),
    click.option("--region", help="Region (default: the SDK's configuration)."),
    click.option("--state", help="State file (default: APP's folder/.faas/<provider>/)."),
    STAGE,
    OPTION,
    click.option("--yes", "-y", is_flag=True, help="Do not ask before changing anything."),
]


def _with_common(fn: Any) -> Any:
    for decorator in reversed(_common):
        fn = decorator(fn)
    return fn


@click.command()
@_with_common
@click.option(
    "--engine",
    type=click.Choice(["sdk"]),
    default="sdk",
    show_default=True,
    help="sdk: apply the plan with the provider's SDK (for Pulumi, use stacks/<provider>).",
)
@STRICT
def deploy(
    app: str,
    provider: str,
    endpoint_url: str | None,
    region: str | None,
    state: str | None,
    stage: str | None,
    options: tuple[str, ...],
    yes: bool,
    engine: str,
    strict: bool,
) -> None:
    """Create or update an app's resources; only what changed is touched. Shows the changes
    first and asks (--yes: do not ask; required when stdin is not a terminal)."""
    compiled, impl = _engine(app, provider, compile_options(options, stage), strict)
    deploy_options = _options(endpoint_url, region, state)
    changes = diff(compiled.plan, impl.deployed(compiled, deploy_options))
    print_changes(changes)
    confirm(f"Deploy app {compiled.plan.app!r} to {provider}?", yes)
    report = impl.deploy(compiled, deploy_options)
    done = {
        "created": report.created,
        "updated": report.updated,
        "replaced": report.replaced,
        "deleted": report.deleted,
    }
    click.echo(
        ", ".join(f"{len(names)} {key}" for key, names in done.items())
        + f", {report.unchanged} unchanged"
    )
    if report.outputs:
        click.echo(json.dumps(report.outputs, indent=2, sort_keys=True))


@click.command()
@_with_common
def destroy(
    app: str,
    provider: str,
    endpoint_url: str | None,
    region: str | None,
    state: str | None,
    stage: str | None,
    options: tuple[str, ...],
    yes: bool,
) -> None:
    """Delete everything a previous ``faas-iac deploy`` of APP created (asks first; --yes:
    do not ask, required when stdin is not a terminal)."""
    compiled, impl = _engine(app, provider, compile_options(options, stage))
    deploy_options = _options(endpoint_url, region, state)
    recorded = impl.deployed(compiled, deploy_options)
    for name, item in recorded.items():
        click.secho(f"- {name} ({item.type})", fg="red")
    confirm(f"Delete these {len(recorded)} resources of app {compiled.plan.app!r}?", yes)
    report = impl.destroy(compiled, deploy_options)
    click.echo(f"{len(report.deleted)} deleted")


COMMANDS = [deploy, destroy]
