"""The ``faas-iac`` command. Each command group lives in its own module, imported only when one
of its commands runs (or help lists them): ``faas-iac compile`` never loads the dev server, the
policy checks or the deploy engines.

User mistakes (:class:`faas_iac.FaasError`) are printed as coded diagnostics with exit code 2,
never as a traceback.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
from typing import Any, NoReturn

import click

from ..errors import FaasError

#: Each command's module (``faas_iac.cli.<module>``, whose ``COMMANDS`` list holds it).
#: tests/test_compile_path.py holds it to the modules.
COMMANDS: dict[str, str] = {
    "schema": "core",
    "validate": "core",
    "plan": "core",
    "compile": "core",
    "eject": "core",
    "check": "check",
    "deploy": "deploy",
    "destroy": "deploy",
    "dev": "dev",
    "invoke": "dev",
    "send": "dev",
    "publish": "dev",
    "emit": "dev",
    "put-record": "dev",
    "bucket": "dev",
    "table": "dev",
    "dead": "dead",
    "durable": "durable",
    "init": "init",
    "logs": "logs",
    "status": "status",
    "graph": "translate",
}


def command_of(module: str, name: str) -> click.Command:
    """Command ``name`` from ``faas_iac.cli.<module>``'s ``COMMANDS``."""
    commands: list[click.Command] = importlib.import_module(f"{__name__}.{module}").COMMANDS
    return next(c for c in commands if c.name == name)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        return None if module is None else command_of(module, cmd_name)

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


#: Commands that build a model and a plan once and exit.
ONE_SHOT = frozenset({"schema", "validate", "plan", "compile", "eject", "check", "graph"})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ONE_SHOT:
        # They allocate many small objects that live until exit: the cyclic collector would
        # walk them again and again for nothing (mypy raises its threshold the same way).
        # Long-running commands (dev) keep Python's defaults.
        gc.freeze()
        gc.set_threshold(100_000, 50, 100)
        _prefetch(sys.argv[2:])
        try:
            cli(prog_name="faas-iac")
        except SystemExit as done:
            _exit(done.code)
    else:
        cli(prog_name="faas-iac")


def _exit(code: object) -> NoReturn:
    """End a one-shot command without the interpreter's teardown, which frees every object
    one by one (30-60 ms after a 1,000-function compile; the OS takes the memory back at once),
    as mypy ends its runs. What an exit must do is still done: the exit functions run (the
    app's own among them) and the output is flushed (a failed flush is exit code 120, as
    Python's). With a thread still running, the ordinary exit, which waits for it, is taken."""
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        raise SystemExit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)


def _prefetch(args: list[str]) -> None:
    """Start compiling the app file named among ``args`` on another core while the command
    imports faas-iac (its code zip ships the bytecode, and the import reuses it)."""
    from pathlib import Path

    from ..bytecode import prefetch

    for arg in args:
        path = Path(arg.rpartition(":")[0] if ".py:" in arg else arg)
        if path.suffix == ".py" and path.is_file():
            prefetch(path)
            return
