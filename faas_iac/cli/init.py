"""``faas-iac init [DIR] [--template http|queue|durable]``: a working app to start from.

Writes ``app.py``, ``test_app.py`` (run by pytest against the app under ``faas-iac dev``),
``conftest.py`` (starts that host) and ``README.md`` (how to run and test it); refuses to
overwrite a file that is already there.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import click

from ..errors import FaasError

TEMPLATES = ("http", "queue", "durable")
_README = """# {name}

A faas-iac app ({template} template).

```sh
faas-iac dev app.py          # serve it; open the dashboard URL it prints
pytest                       # the tests run it under faas-iac dev
faas-iac validate app.py     # every problem at once
faas-iac plan app.py --provider aws
```
"""


def _template(name: str) -> str:
    return files("faas_iac.cli").joinpath("templates", name).read_text(encoding="utf-8")


def scaffold(folder: Path, template: str, name: str) -> list[Path]:
    """The files of ``template`` for app ``name`` in ``folder`` (none written if any exists)."""
    texts = {
        "app.py": _template(f"{template}.app.py.txt").format(name=name),
        "test_app.py": _template(f"{template}.test.py.txt").format(),
        "conftest.py": _template("conftest_host.py.txt"),
        "README.md": _README.format(name=name, template=template),
    }
    there = [n for n in texts if (folder / n).exists()]
    if there:
        raise FaasError.one(
            "FIAC819",
            f"{folder / there[0]} already exists; nothing was written",
            fix="run `faas-iac init` in an empty folder, or name a new one: faas-iac init DIR",
        )
    folder.mkdir(parents=True, exist_ok=True)
    for file, text in texts.items():
        (folder / file).write_text(text, encoding="utf-8")
    return [folder / n for n in texts]


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--template", "-t", type=click.Choice(TEMPLATES), default="http", show_default=True)
@click.option("--name", default=None, help="The app's name (default: the folder's).")
def init(folder: Path, template: str, name: str | None) -> None:
    """Write a working app, its test and a README into FOLDER (default: here)."""
    raw = name or folder.resolve().name
    app_name = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-") or "app"
    for path in scaffold(folder, template, app_name):
        click.echo(str(path))
    click.echo(f"next: cd {folder} && faas-iac dev app.py   (and: pytest)")


COMMANDS = [init]
