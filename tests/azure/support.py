"""Helpers for the Azure tests: find every example, compile it for Azure, and import its
generated ``function_app.py`` with the real ``azure-functions`` / ``azure-functions-durable``."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from faas_iac.api import load
from faas_iac.plan import Compiled, compile_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"


def example_apps() -> list[Path]:
    """Every example file that defines an app (new examples are picked up automatically)."""
    found = []
    for path in sorted(EXAMPLES.rglob("*.py")):
        if "__pycache__" in path.parts or path.name.startswith("_"):
            continue
        if "App(" in path.read_text(encoding="utf-8"):
            found.append(path)
    return found


def example_id(path: Path) -> str:
    return path.relative_to(EXAMPLES).with_suffix("").as_posix().replace("/", "-")


def compiled(path: Path, **extra: str) -> Compiled:
    """The app compiled for Azure with default options (Flex Consumption) and ``extra``."""
    model, root = load(str(path))
    return compile_app(model, root, "azure", dict(extra))


@contextlib.contextmanager
def generated_app(path: Path, out: Path) -> Iterator[ModuleType]:
    """Emit the example's Function App into ``out`` and import its ``function_app.py`` as the
    Python worker would (the folder first on ``sys.path``); undo the imports afterwards."""
    from faas_iac.plan import write_output

    c = compiled(path)
    write_output(c, out)
    folder = out / "azure-app"
    before = set(sys.modules)
    shadowed = {n: m for n, m in sys.modules.items() if _inside(m, path.parent)}
    for name in shadowed:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location("function_app", folder / "function_app.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["function_app"] = module
        spec.loader.exec_module(module)
        # get_functions() is not idempotent (a second call reports duplicates): call it once.
        module.indexed = module.app.get_functions()
        yield module
    finally:
        sys.path.remove(str(folder))
        # forget only the app's own modules: a library first imported meanwhile (lazily, by
        # other code running in the same test) must keep one module object, or a later patch
        # of it misses the classes that already hold the first one
        for name in set(sys.modules) - before:
            if name == "function_app" or _inside(sys.modules[name], folder):
                del sys.modules[name]
        sys.modules.update(shadowed)


def _inside(module: ModuleType | None, folder: Path) -> bool:
    file = getattr(module, "__file__", None) or ""
    return bool(file) and Path(file).resolve().is_relative_to(folder.resolve())
