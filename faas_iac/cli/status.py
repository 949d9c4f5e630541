"""``faas-iac status APP --provider P``: what is deployed, from the provider's own API. Core
names no cloud: the provider implements ``StatusProvider``. Setting values are never shown."""

from __future__ import annotations

import json

import click

from ..api import load
from ..errors import FaasError
from ..plan import DeployOptions, compile_app
from ..plan.providers import AppStatus, StatusProvider
from .core import APP, OPTION, STAGE, compile_options
from .tables import table


def render(status: AppStatus) -> str:
    lines = [f"app {status.app!r} on {status.provider}: {status.state}"]
    if status.url:
        lines.append(f"url: {status.url}")
    for key, value in sorted(status.details.items()):
        lines.append(f"{key}: {value}")
    lines.append(f"functions ({len(status.functions)}):")
    rows = [(fn.name, fn.trigger or "-", fn.state) for fn in status.functions]
    if rows:
        lines.append(table((), rows, indent=2))
    lines.append(f"settings ({len(status.settings)}, values hidden): " + ", ".join(status.settings))
    return "\n".join(lines)


@click.command()
@APP
@click.option("--provider", "-p", required=True, help="The cloud the app is deployed to.")
@OPTION
@STAGE
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--endpoint-url", help="aws: send every API call here (an emulator, e.g. moto).")
@click.option("--region", help="aws: the region (default: the SDK's configuration).")
def status(
    app: str,
    provider: str,
    options: tuple[str, ...],
    stage: str | None,
    as_json: bool,
    endpoint_url: str | None,
    region: str | None,
) -> None:
    """Show a deployed app: state, URL, functions, setting names (never values)."""
    model, root = load(app)
    compiled = compile_app(model, root, provider, compile_options(options, stage))
    impl = compiled.provider
    if not isinstance(impl, StatusProvider):
        raise FaasError.one(
            "FIAC205",
            f"provider {impl.name!r} cannot report the status of a deployed app",
            fix="use a cloud provider that supports `faas-iac status`",
        )
    where = DeployOptions(endpoint_url=endpoint_url, region=region)
    result = impl.status(compiled, where) if endpoint_url or region else impl.status(compiled)
    if as_json:
        data = {
            "app": result.app,
            "provider": result.provider,
            "state": result.state,
            "url": result.url,
            "settings": list(result.settings),
            "details": result.details,
            "functions": [vars(f) for f in result.functions],
        }
        click.echo(json.dumps(data, indent=2, sort_keys=True))
    else:
        click.echo(render(result))


COMMANDS = [status]
