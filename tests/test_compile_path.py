"""The command line loads only the module of the command it runs: the table of commands in
``faas_iac/cli/__init__.py`` against the modules' own ``COMMANDS`` lists, and a fresh
``faas-iac compile`` process that never imports the dev server, the policy checks, the
orchestration translator or a deploy engine."""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from faas_iac.cli import COMMANDS
from faas_iac.model.build import _required_arguments
from tests.conftest import ROOT

MODULES = sorted((ROOT / "faas_iac" / "cli").glob("*.py"))


def test_the_table_names_every_command_of_every_module() -> None:
    found = {}
    for path in MODULES:
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"faas_iac.cli.{path.stem}")
        for command in getattr(module, "COMMANDS", []):
            found[command.name] = path.stem
    assert found == COMMANDS


PROBE = """import atexit, json, sys
from faas_iac.cli import main
sys.argv = ["faas-iac", *sys.argv[1:]]
# a one-shot command ends the process itself once the exit functions ran
atexit.register(lambda: print(json.dumps(sorted(
    m for m in sys.modules if m.startswith(("faas_iac", "uvicorn"))))))
main()
"""


def test_compile_loads_neither_dev_nor_policy_nor_translator(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        "from faas_iac import App\n\napp = App('lazy')\n\n\n"
        "@app.http('/hi', auth='anonymous')\ndef hi(req, ctx):\n    return {}\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "compile", str(app), "-p", "aws", "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert {"faas_iac.cli.core", "faas_iac.plan.pipeline"} <= loaded  # it did compile
    heavy = {
        m
        for m in loaded
        if m.startswith(("uvicorn", "faas_iac.local.", "faas_iac.policy", "faas_iac.translate."))
        or m
        in {"faas_iac.cli.check", "faas_iac.cli.dev", "faas_iac.cli.deploy", "faas_iac.durable"}
    }
    assert heavy - {"faas_iac.translate.refusals"} == set()


def _shapes() -> list[Any]:
    def two(a, b): ...  # type: ignore[no-untyped-def]
    def defaults(a, b=1, *, c, d=2): ...  # type: ignore[no-untyped-def]
    def star(a, *rest): ...  # type: ignore[no-untyped-def]
    def only(a, b, /, c): ...  # type: ignore[no-untyped-def]
    def kw(**kw): ...  # type: ignore[no-untyped-def]

    @functools.wraps(two)
    def wrapped(*args, **kwargs): ...  # type: ignore[no-untyped-def]

    class Holder:
        def method(self, a, b, c): ...  # type: ignore[no-untyped-def]

    return [two, defaults, star, only, kw, wrapped, Holder().method, lambda x, y, z: 0, print]


@pytest.mark.parametrize("fn", _shapes(), ids=lambda f: getattr(f, "__name__", "?"))
def test_required_arguments_read_from_code_agree_with_inspect(fn: Any) -> None:
    """The model reads a plain function's required arguments from its code object (building an
    ``inspect.Signature`` for each of 1,000 handlers cost more than planning them); the
    standard library's ``inspect.signature`` is the judge."""
    try:
        params = inspect.signature(fn).parameters.values()
    except ValueError:
        expected = 0
    else:
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        star = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
        expected = 0 if star else sum(p.kind in positional and p.default is p.empty for p in params)
    assert _required_arguments(fn) == expected
