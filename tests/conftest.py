"""Shared fixtures. Tests import apps from files under tests/ and examples/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore the same examples on every run, so CI is reproducible.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _clean_app_modules() -> object:
    """Each test loads apps afresh: forget user modules an earlier test imported."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", "") or ""
        if file.startswith(str(ROOT / "tests")) or file.startswith(str(EXAMPLES)):
            del sys.modules[name]
