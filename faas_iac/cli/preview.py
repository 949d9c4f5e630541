"""What ``plan --diff``, ``deploy`` and ``destroy`` show before acting, and the question they
ask: the deployed record (the SDK engine's state, or a Pulumi stack export), the changes as
``+``/``~``/``-`` lines, and a confirmation that a non-terminal cannot give (``--yes``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import FaasError
from ..plan import ApplyingProvider, Compiled, DeployOptions
from ..plan.diff import Change, Deployed, from_pulumi_export, summary

_COLOURS = {"+": "green", "~": "yellow", "-": "red"}


def deployed_state(
    compiled: Compiled, state: str | None, pulumi_export: Path | None
) -> dict[str, Deployed]:
    """The record a diff is taken against: a Pulumi stack export when given, else the SDK
    engine's state file (empty when nothing was deployed)."""
    if pulumi_export is not None:
        return from_pulumi_export(pulumi_export, compiled.plan)
    impl = compiled.provider
    if not isinstance(impl, ApplyingProvider):
        raise FaasError.one(
            "FIAC306",
            f"provider {impl.name!r} has no SDK engine state to compare with",
            fix="pass --pulumi-export with the file of `pulumi stack export` of its stack",
        )
    return impl.deployed(compiled, DeployOptions(state=Path(state) if state else None))


def print_changes(changes: list[Change]) -> None:
    for change in changes:
        click.secho(change.render(), fg=_COLOURS[change.op])
    click.echo(summary(changes))


def confirm(question: str, yes: bool) -> None:
    """Go on when ``--yes`` was given or the user says yes at a terminal; a non-terminal
    without ``--yes`` is refused (FIAC209), so a script never hangs on a question."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise FaasError.one(
            "FIAC209",
            f"{question.rstrip('?')}: not confirmed, and stdin is not a terminal to ask on",
            fix="pass --yes to go ahead without asking (in CI, scripts and pipes)",
        )
    if not click.confirm(question, default=False):
        raise click.Abort()
