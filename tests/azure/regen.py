"""Regenerate the Azure golden files: ``python -m tests.azure.regen`` (review the diff)."""

from __future__ import annotations

from .golden_data import golden_name, metadata, render
from .support import GOLDEN
from .test_generated_app import APPS


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in APPS:
        target = GOLDEN / f"{golden_name(path)}.json"
        target.write_text(render(metadata(path)), encoding="utf-8")
        print(target.relative_to(GOLDEN.parent.parent.parent))


if __name__ == "__main__":
    main()
