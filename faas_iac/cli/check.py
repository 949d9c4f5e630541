"""``faas-iac check``: the policy rules over an app, for CI (exit 0 clean, 1 findings at or
above the threshold, 2 a usage error or an invalid app)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from ..api import load
from ..errors import FaasError, Severity
from ..plan import available
from ..policy import config as policy_config
from ..policy.engine import check as run_check
from ..policy.output import FORMATS, Format, render
from ..policy.rule import TARGETS, Target


def _target_options(values: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``-O azure.plan=premium`` → ``{"azure": {"plan": "premium"}}``."""
    out: dict[str, dict[str, str]] = {}
    for item in values:
        key, sep, value = item.partition("=")
        target, dot, name = key.partition(".")
        if not sep or not dot or target not in TARGETS or not name:
            raise click.BadParameter(
                f"{item!r} is not TARGET.KEY=VALUE (e.g. azure.plan=premium)", param_hint="-O"
            )
        out.setdefault(target, {})[name.strip()] = value.strip()
    return out


@click.command()
@click.argument("app", metavar="APP")
@click.option(
    "--provider",
    "-p",
    "providers",
    multiple=True,
    type=click.Choice(TARGETS),
    help="A target to judge (repeatable). Default: [tool.faas-iac.policy] providers, else "
    "every installed one.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@click.option(
    "--severity",
    "threshold",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Exit 1 on findings at or above this severity.",
)
@click.option(
    "--option", "-O", "options", multiple=True, metavar="TARGET.KEY=VALUE",
    help="A provider compile option for one target (repeatable), e.g. -O azure.plan=premium.",
)  # fmt: skip
def check(
    app: str,
    providers: tuple[str, ...],
    fmt: str,
    output: Path | None,
    threshold: str,
    options: tuple[str, ...],
) -> None:
    """Check an app against the policy rules (security, limits, durability, operations).

    \b
    Exit codes: 0 nothing at or above --severity, 1 findings, 2 usage error or invalid app.
    Rules and their fixes: docs/rules.md. Suppress one finding with a reason:
        # faas-iac: ignore[FIAC701] public webhook, verified by signature
    """
    per_target = _target_options(options)
    model, root = load(app)
    config = policy_config.load(root)
    chosen = providers or config.providers or tuple(t for t in TARGETS if t in available())
    missing = [t for t in chosen if t not in available()]
    if missing:
        raise FaasError.one(
            "FIAC003",
            f"provider(s) {', '.join(missing)} not installed",
            fix=f"pip install -e providers/{missing[0]}, or check only {', '.join(available())}",
        )
    report = run_check(model, root, cast(tuple[Target, ...], tuple(chosen)), config, per_target)
    level = cast(Severity, threshold)
    terminal = output is None and fmt == "text" and sys.stdout.isatty()
    text = render(report, cast(Format, fmt), terminal=terminal, threshold=level)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        if fmt != "text":
            click.echo(render(report, "text", threshold=level), nl=False, err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if report.failing(level) else 0)


COMMANDS = [check]
