"""How every provider names its golden files: ``tests/<provider>/golden/<app id>.json``, the
app id being its path from the repository root with ``-`` between parts
(``examples/shop/app.py`` → ``examples-shop-app``). ``make golden`` rewrites them all."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def golden_name(path: Path) -> str:
    return "-".join(path.resolve().relative_to(ROOT).with_suffix("").parts)
