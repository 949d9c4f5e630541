"""Orchestration translator commands: ``graph`` draws an orchestrator's translated IR."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import load
from ..errors import FaasError
from ..translate import translate
from ..translate.graph import render


@click.command()
@click.argument("app", metavar="APP")
@click.option("--workflow", "-w", required=True, help="The orchestrator to draw.")
@click.option(
    "--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def graph(app: str, workflow: str, fmt: str, out: Path | None) -> None:
    """Draw orchestrator WORKFLOW of APP as the translator sees it (Mermaid or dot)."""
    model, root = load(app)
    names = [f.name for f in model.by_kind("orchestrator")]
    if workflow not in names:
        raise FaasError.one(
            "FIAC611",
            f"no orchestrator named {workflow!r}",
            fix=f"pick one of: {', '.join(names) or 'none'}",
        )
    text = render(translate(model, root, workflow), fmt)  # type: ignore[arg-type]
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


COMMANDS = [graph]
