"""In a deployment artifact, ``from faas_iac import App`` is :mod:`faas_iac.runtime.app` (the
artifact does not carry the compiler's ``_app``): decorators that hand each function back. It is
judged against the real thing, the compiler's ``App``: it offers every public name and method,
and every example's functions, imported from the example's own unpacked code artifact in a
process without faas-iac installed, are the functions the model found (same code, same line).
"""

from __future__ import annotations

import inspect
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import faas_iac
from faas_iac import _app as full
from faas_iac.api import load
from faas_iac.plan import build_code_zip
from faas_iac.plan.sources import app_files
from faas_iac.runtime import app as deployed
from faas_iac.runtime.handlers import resolve
from tests.conftest import EXAMPLES

EXAMPLE_APPS = sorted(p for p in EXAMPLES.rglob("app.py") if "__pycache__" not in p.parts)

#: Resolves each ``module:qualname`` as the adapters do, and says where each function is.
PROBE = """
import json, sys
sys.path.insert(0, ".")
from faas_iac.runtime.handlers import resolve
out = {}
for ref in json.loads(sys.argv[1]):
    fn = resolve(ref)
    out[ref] = [fn.__code__.co_firstlineno, fn.__qualname__]
import faas_iac, faas_iac.runtime.app
out["App"] = faas_iac.App is faas_iac.runtime.app.App
print(json.dumps(out))
"""


def _public(cls: type) -> set[str]:
    return {n for n, _ in inspect.getmembers(cls) if not n.startswith("_")}


def test_it_offers_every_public_name_and_method_of_the_compilers_app() -> None:
    names = {n for n in faas_iac.__all__ if faas_iac._MODULES[n] == "_app"}
    assert names - deployed.COMPILER_ONLY <= set(dir(deployed))
    for cls in ("App", "Blueprint"):
        wanted = _public(getattr(full, cls)) - {"functions", "resources", "misdeclared"}
        wanted -= {"all_functions", "all_resources", "all_misdeclared"}  # what the model reads
        assert wanted <= _public(getattr(deployed, cls)), cls
    spec = deployed.Queue("orders", fifo=True)
    assert (spec.kind, spec.name, spec.ref, spec.options) == (
        "queue",
        "orders",
        "queue:orders",
        {"fifo": True},
    )
    with pytest.raises(ImportError, match="not in a deployed function"):
        deployed.FunctionSpec  # noqa: B018


def test_every_decorator_form_gives_the_function_back() -> None:
    def fn() -> None: ...

    app, bp = deployed.App("a", memory=256), deployed.Blueprint("b")
    assert app.name == "a" and bp.name == "b"
    for registry in (app, bp):
        assert registry.http("/x", methods=["GET"])(fn) is fn
        assert registry.http(fn) is fn
        assert registry.event({"source": ["s"]})(fn) is fn
        assert registry.schedule(every="5 minutes")(fn) is fn
        assert registry.orchestrator(fn) is fn
        assert registry.orchestrator(aws_engine="lambda_durable")(fn) is fn
        assert registry.activity()(fn) is fn
        assert registry.entity(fn) is fn
        assert registry.declare(deployed.Table("t")) is None
    assert app.register(bp, prefix="b_") is None


@pytest.mark.parametrize("path", EXAMPLE_APPS, ids=lambda p: p.parent.name)
def test_an_examples_functions_resolve_from_its_artifact(path: Path, tmp_path: Path) -> None:
    model, root = load(str(path))
    wanted = {
        f"{fn.handler.module}:{fn.handler.qualname}": fn
        for fn in model.functions
        if fn.handler.python
    }
    zipfile.ZipFile(io.BytesIO(build_code_zip(app_files(model, root)))).extractall(tmp_path)
    assert not (tmp_path / "faas_iac" / "_app.py").exists()
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONNOUSERSITE": "1"}
    out = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, json.dumps(sorted(wanted))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found.pop("App") is True
    for ref in wanted:
        handler: Any = resolve(ref)
        assert found[ref] == [handler.__code__.co_firstlineno, handler.__qualname__], ref
