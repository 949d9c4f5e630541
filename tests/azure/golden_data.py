"""What the golden files hold for one app: the real ``azure-functions`` metadata of its
generated ``function_app.py`` (``get_functions()`` / ``get_function_json()``), host.json and
the Azure plan (resources and their properties)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from tests.golden import golden_name

from .support import ROOT, compiled, generated_app

__all__ = ["TEST_APPS", "golden_name", "metadata", "render"]

TEST_APPS = ROOT / "tests" / "azure" / "apps"


def metadata(path: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, generated_app(path, Path(tmp)) as fa:
        functions = {f.get_function_name(): json.loads(f.get_function_json()) for f in fa.indexed}
        host = json.loads((Path(tmp) / "azure-app" / "host.json").read_text())
    plan = json.loads(compiled(path).plan.to_json())
    plan.pop("artifacts")  # the code zip's digest changes with any shim edit; not Azure's
    for res in plan["resources"]:
        res.pop("artifact")
    return {"functions": dict(sorted(functions.items())), "host.json": host, "plan": plan}


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
