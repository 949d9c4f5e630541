"""Regenerate the AWS golden plans: ``python -m tests.aws.regen``.

A golden plan is ``faas-iac plan APP --provider aws --json`` with the artifacts' digests and
sizes blanked (they change with any byte of the app or the shim, which the zip tests cover).
Review the diff like code.
"""

from __future__ import annotations

import json
from pathlib import Path

from faas_iac.api import load
from faas_iac.plan import compile_app
from tests.golden import ROOT, golden_name

GOLDEN = Path(__file__).parent / "golden"
APPS = [ROOT / "examples/shop/app.py", ROOT / "tests/aws/apps/all_triggers/app.py"]


def golden_path(app: Path) -> Path:
    return GOLDEN / f"{golden_name(app)}.json"


def golden_text(app: Path) -> str:
    model, root = load(str(app))
    plan = json.loads(compile_app(model, root, "aws").plan.to_json())
    for artifact in plan["artifacts"]:
        artifact.update(path=f"artifacts/{artifact['name']}.zip", sha256="-", size=0)
    return json.dumps(plan, indent=2, sort_keys=True) + "\n"


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for app in APPS:
        golden_path(app).write_text(golden_text(app))
        print(golden_path(app).relative_to(ROOT))


if __name__ == "__main__":
    main()
