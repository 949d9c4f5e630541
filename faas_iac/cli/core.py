"""Model and plan commands: ``schema``, ``validate``, ``plan``, ``compile``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..api import check
from ..model import AppModel, json_schema
from ..plan import available, compile_app, write_output
from ..plan.artifacts import CODE_ARTIFACT, shim_entries
from ..plan.diff import diff
from ..plan.model import Plan
from .tables import size, table

APP = click.argument("app", metavar="APP")
F = TypeVar("F", bound=Callable[..., Any])


def compile_options(values: tuple[str, ...], stage: str | None = None) -> dict[str, str]:
    """``-O key=value`` pairs (provider compile options, e.g. ``-O plan=premium``), and
    ``--stage NAME`` as ``stage``."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="-O/--option")
        out[key.strip()] = value.strip()
    if stage:
        out["stage"] = stage
    return out


OPTION = click.option(
    "--option",
    "-O",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A provider compile option (repeatable), e.g. -O plan=premium.",
)
STAGE = click.option(
    "--stage",
    metavar="NAME",
    help="Deploy stage (dev, prod...): every resource name gets it, so stages never clash.",
)


STRICT = click.option(
    "--strict", is_flag=True, help="Treat warnings (e.g. FIAC134, a secret in env=) as errors."
)


def checked(app: str, strict: bool) -> tuple[AppModel, Path]:
    """Load and validate APP, printing its warnings to stderr (errors if ``strict``)."""
    result = check(app, strict=strict)
    for diagnostic in result.warnings:
        click.echo(diagnostic.render(), err=True)
    return result.model, result.root


class _ProviderOption(click.Option):
    """``--provider``: its help lists the installed providers, looked up only when help is
    shown (each look-up reads every installed package's entry points)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = f"Target: one of the installed providers ({', '.join(available())})."
        return super().get_help_record(ctx)


def _provider_option() -> Callable[[F], F]:
    return click.option("--provider", "-p", cls=_ProviderOption, default="local", show_default=True)


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of a validated app model."""
    text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command()
@APP
@click.option("--json", "as_json", is_flag=True, help="Print the validated model as JSON.")
@STRICT
def validate(app: str, as_json: bool, strict: bool) -> None:
    """Check an app and report every problem at once (exit 2 if any)."""
    model, _ = checked(app, strict)
    if as_json:
        click.echo(model.to_json(), nl=False)
        return
    kinds: dict[str, int] = {}
    for fn in model.functions:
        kinds[fn.trigger.type] = kinds.get(fn.trigger.type, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    click.echo(
        f"ok: app {model.name!r}: {len(model.functions)} functions ({summary}), "
        f"{len(model.resources)} resources"
    )


def _table(plan: Plan) -> str:
    rows = [(r.type, r.name, ", ".join(r.depends_on)) for r in plan.resources]
    lines = [table(("TYPE", "NAME", "DEPENDS ON"), rows)]
    lines.append(f"\n{len(plan.resources)} resources for app {plan.app!r} on {plan.provider}")
    for art in plan.artifacts:
        lines.append(
            f"artifact {art.name}: {art.path} ({size(art.size)}, sha256 {art.sha256[:12]})"
        )
    for spec in plan.bundles:
        lines.append(
            f"dependencies {spec.name}: {spec.path} ({', '.join(spec.requirements)}; "
            f"{', '.join(spec.platforms)}, Python {spec.python}; built on compile or deploy)"
        )
    lines += [f"note: {note}" for note in plan.notes]
    return "\n".join(lines)


@click.command()
@APP
@_provider_option()
@OPTION
@STAGE
@click.option("--json", "as_json", is_flag=True, help="Print plan.json instead of a table.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Show what a deploy would change (+ create, ~ update, - delete) against the SDK "
    "engine's state (--state) or a Pulumi stack export (--pulumi-export).",
)
@click.option("--state", help="SDK engine state file (default: APP's folder/.faas/<provider>/).")
@click.option(
    "--pulumi-export",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Compare with this `pulumi stack export` file instead of the SDK engine's state.",
)
@STRICT
def plan(
    app: str,
    provider: str,
    options: tuple[str, ...],
    stage: str | None,
    as_json: bool,
    show_diff: bool,
    state: str | None,
    pulumi_export: Path | None,
    strict: bool,
) -> None:
    """Show what would be created on a target, as a table (or JSON), or with --diff what
    would change. Writes nothing."""
    model, root = checked(app, strict)
    compiled = compile_app(model, root, provider, compile_options(options, stage))
    if show_diff:
        from .preview import deployed_state, print_changes

        print_changes(diff(compiled.plan, deployed_state(compiled, state, pulumi_export)))
        return
    click.echo(compiled.plan.to_json() if as_json else _table(compiled.plan), nl=not as_json)


@click.command(name="compile")
@APP
@_provider_option()
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder: plan.json, artifacts/ and any provider files.",
)
@OPTION
@STAGE
@STRICT
def compile_cmd(
    app: str, provider: str, out: Path, options: tuple[str, ...], stage: str | None, strict: bool
) -> None:
    """Compile an app for a target: DIR/plan.json plus code artifacts (byte-identical builds).

    Lists every written file and, under the code artifact, the app's files it holds."""
    model, root = checked(app, strict)
    compiled = compile_app(model, root, provider, compile_options(options, stage))
    code = next(a.path for a in compiled.plan.artifacts if a.name == CODE_ARTIFACT)
    for path in write_output(compiled, out):
        click.echo(str(out / path))
        if path == code:
            for name in compiled.code_files:
                click.echo(f"    {name}")
            click.echo(f"    faas_iac/ (the runtime shim, {len(shim_entries())} files)")


@click.command()
@APP
@_provider_option()
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the plain Pulumi program.",
)
@OPTION
@STAGE
def eject(app: str, provider: str, out: Path, options: tuple[str, ...], stage: str | None) -> None:
    """Write a plain, readable Pulumi program of the app's resources, free of faas-iac."""
    from ..pulumi import eject as eject_program

    for name in eject_program(app, provider, out, **compile_options(options, stage)):
        click.echo(str(out / name))


COMMANDS = [schema, validate, plan, compile_cmd, eject]
