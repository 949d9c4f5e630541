"""What the golden files hold for one app: the real ``azure-functions`` metadata of its
generated ``function_app.py`` (``get_functions()`` / ``get_function_json()``) and host.json."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from .support import ROOT, generated_app

TEST_APPS = ROOT / "tests" / "azure" / "apps"


def golden_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return "-".join(rel.parts)


def metadata(path: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, generated_app(path, Path(tmp)) as fa:
        functions = {f.get_function_name(): json.loads(f.get_function_json())
                     for f in fa.indexed}
        host = json.loads((Path(tmp) / "azure-app" / "host.json").read_text())
    return {"functions": dict(sorted(functions.items())), "host.json": host}


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
