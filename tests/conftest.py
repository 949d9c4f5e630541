"""Shared fixtures. Tests import apps from files under tests/ and examples/."""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import core, settings

# Property tests explore the same examples on every run, so CI is reproducible.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci")
# Before a release, developers explore new examples: `pytest --hypothesis-profile=explore`
# draws a fresh seed, prints it in the header, and `--hypothesis-seed=N` replays a run.
settings.register_profile("explore", derandomize=False, max_examples=1000, print_blob=True)
EXPLORE_SEED = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    # faas-iac's build cache (compiled bytecode, layer zips, dependency bundles): one folder
    # per run, empty at its start, never the user's (worker processes inherit it).
    if not os.environ.get("FAAS_IAC_CACHE"):
        os.environ["FAAS_IAC_CACHE"] = tempfile.mkdtemp(prefix="faas-iac-cache-")
    if config.getoption("--hypothesis-profile", None) != "explore":
        return
    seed = config.getoption("--hypothesis-seed", None)
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
        core.global_force_seed = seed  # what --hypothesis-seed does
    config.stash[EXPLORE_SEED] = int(seed)


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = config.stash.get(EXPLORE_SEED, None)
    if seed is None:
        return None
    return (
        f"hypothesis explore run, seed {seed} "
        f"(replay: pytest --hypothesis-profile=explore --hypothesis-seed={seed})"
    )


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
