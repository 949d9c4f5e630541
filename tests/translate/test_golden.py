"""The translations of every durable example equal their reviewed golden files
(regenerate with ``python -m tests.translate.regen``), and are byte-for-byte reproducible."""

from __future__ import annotations

import pytest

from tests.translate.targets import APPS, GOLDEN, artifacts, load_app


@pytest.mark.parametrize("folder", sorted(APPS))
def test_golden_files_match(folder: str) -> None:
    made = artifacts(load_app(APPS[folder]))
    on_disk = {
        p.relative_to(GOLDEN / folder).as_posix(): p.read_text(encoding="utf-8")
        for p in (GOLDEN / folder).glob("*/*")
    }
    assert sorted(made) == sorted(on_disk), "run python -m tests.translate.regen"
    for rel, text in made.items():
        assert text == on_disk[rel], f"{folder}/{rel} changed: run python -m tests.translate.regen"


def test_translation_is_reproducible() -> None:
    first = artifacts(load_app(APPS["patterns"]))
    assert artifacts(load_app(APPS["patterns"])) == first


def test_every_pattern_has_both_targets() -> None:
    made = artifacts(load_app(APPS["patterns"]))
    names = [
        "approval",
        "azure_fan_out",
        "chaining",
        "counter",
        "fan_out_in",
        "monitor",
        "parallel_fixed",
        "parent",
        "parents",
        "retry_backoff",
        "saga",
        "status",
    ]
    for name in names:
        assert f"aws/{name}.asl.json" in made
        assert f"gcp/{name}.yaml" in made
