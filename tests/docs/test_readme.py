"""The README (and every page under docs/) runs as written.

All blocks of all pages run once, in page order, in one fresh folder (:mod:`.session`): python
blocks are validated with ``faas-iac validate`` and type-checked by mypy (fragments only
compiled), shell blocks run command by command against the example apps, with real
``faas-iac dev`` hosts and a real ``moto_server``. Each block then gets its own test result,
and the last test checks that together they ran every command of the ``faas-iac`` CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest

from faas_iac.cli import cli
from tests.docs.blocks import LANGUAGES, Block, blocks
from tests.docs.session import ROOT, Session

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCKS = [block for page in PAGES for block in blocks(page)]


@dataclass
class Report:
    failures: dict[str, str] = field(default_factory=dict)
    ran: set[str] = field(default_factory=set)


def _run(session: Session, block: Block) -> None:
    match block.language:
        case "python":
            session.python(block)
        case "sh" | "console":
            session.shell(block)
        case "text":
            pass
        case other:
            raise AssertionError(
                f"{block.where}: a fence in {other or 'no language'!r}; tag it one of "
                f"{sorted(LANGUAGES)} so the docs test knows what to do with it"
            )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    session = Session(tmp_path_factory.mktemp("docs"))
    found = Report()
    try:
        for block in BLOCKS:
            try:
                _run(session, block)
            except Exception as exc:  # every block gets its own verdict
                found.failures[block.where] = f"{type(exc).__name__}: {exc}"
        for where, problem in session.typecheck().items():
            found.failures.setdefault(where, f"mypy: {problem}")
    finally:
        session.close()
    found.ran = session.ran
    yield found


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"{b.where}-{b.language or 'none'}")
def test_block_runs_as_written(report: Report, block: Block) -> None:
    assert block.where not in report.failures, report.failures[block.where]


def _all_commands() -> set[str]:
    names = set()
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):  # the group loads each command's module when asked
        command = cli.get_command(ctx, name)
        if isinstance(command, click.Group):
            names |= {f"{name} {sub}" for sub in command.commands}
        else:
            names.add(name)
    return names


def test_the_pages_run_every_command_of_the_cli(report: Report) -> None:
    missing = sorted(_all_commands() - report.ran)
    assert not missing, f"no page runs: {missing} (show each where it is used)"


def test_the_pages_have_blocks() -> None:
    languages = {b.language for b in BLOCKS}
    assert {"python", "sh", "console"} <= languages
    assert Path(ROOT / "README.md") in {b.page for b in BLOCKS}
