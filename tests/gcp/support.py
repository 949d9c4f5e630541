"""Helpers for the GCP tests: the apps every GCP test runs over, compiled for GCP."""

from __future__ import annotations

from pathlib import Path

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.plan import Compiled, compile_app
from tests.azure.support import example_apps
from tests.pulumi_programs import fresh_event_loop

ROOT = Path(__file__).resolve().parents[2]


def _compiles(path: Path) -> bool:
    model, root = load(str(path))
    try:
        compile_app(model, root, "gcp")
    except FaasError:
        return False
    return True


#: every example GCP plans (tests/test_every_example_everywhere.py says which it refuses and
#: why) and the GCP test apps
APPS = [p for p in example_apps() if _compiles(p)] + sorted(
    (ROOT / "tests" / "gcp" / "apps").glob("*/*.py")
)


def app_id(path: Path) -> str:
    return path.relative_to(ROOT).with_suffix("").as_posix().replace("/", "-")


def compiled(path: Path, **options: str) -> Compiled:
    model, root = load(str(path))
    return compile_app(model, root, "gcp", options)


__all__ = ["APPS", "ROOT", "app_id", "compiled", "fresh_event_loop"]
