"""The ``faas-iac`` command. Each command group lives in its own module and is added here.

User mistakes (:class:`faas_iac.FaasError`) are printed as coded diagnostics with exit code 2,
never as a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import FaasError
from . import check, core, dead, deploy, dev, durable, init, logs, status, translate

COMMAND_MODULES = [core, check, deploy, dev, dead, durable, init, logs, status, translate]


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FaasError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="faas-iac")
def cli() -> None:
    """faas-iac: write a serverless app once in Python, run it locally, compile it per cloud.

    APP is a path to the app's Python file (examples/shop/app.py) or module:attribute.

    \b
    Start here:
      faas-iac dev examples/shop/app.py
      faas-iac validate examples/shop/app.py
      faas-iac plan examples/shop/app.py --provider local
      faas-iac compile examples/shop/app.py --provider local --out out/
    """


for _module in COMMAND_MODULES:
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="faas-iac")
