"""Write a small app, check it, read the findings."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from faas_iac.api import load
from faas_iac.policy import Report, check
from faas_iac.policy.config import Config
from faas_iac.policy.rule import Res, Target

PREAMBLE = (
    'from faas_iac import App, Bucket, Queue, RetryOptions, Table, Topic\n\napp = App("demo")\n\n\n'
)
_COUNTER = itertools.count()


def write_app(folder: Path, body: str, preamble: str = PREAMBLE) -> Path:
    """The app in its own file (a new module name each time: the loader imports it)."""
    path = folder / f"policy_app_{next(_COUNTER)}.py"
    path.write_text(preamble + body, encoding="utf-8")
    return path


def check_app(
    path: Path,
    targets: tuple[Target, ...] = ("local", "aws", "azure", "gcp"),
    config: Config | None = None,
) -> Report:
    model, root = load(str(path))
    return check(model, root, targets, config)


def check_body(
    folder: Path, body: str, targets: tuple[Target, ...] = ("local", "aws", "azure", "gcp")
) -> Report:
    return check_app(write_app(folder, body), targets)


def rules_of(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def resource(example: str) -> Res:
    """``TYPE {json}`` → a resource as a plan holds it."""
    type_, _, props = example.partition(" ")
    data: dict[str, Any] = json.loads(props)
    return Res(type_, "example", data)
