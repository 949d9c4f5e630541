"""Load an app and build its DurableHost (used by the in-process tests and the subprocess
server the crash test kills)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faas_iac.api import load
from faas_iac.durable.host import DurableHost
from faas_iac.model import AppModel, Function


def resolver(root: Path) -> Callable[[Function], Callable[..., Any]]:
    def resolve(fn: Function) -> Callable[..., Any]:
        assert fn.handler.module and fn.handler.qualname
        target: Any = importlib.import_module(fn.handler.module)
        for part in fn.handler.qualname.split("."):
            target = getattr(target, part)
        return target  # type: ignore[no-any-return]

    return resolve


def build(app: str, state_dir: Path, **kwargs: Any) -> tuple[AppModel, DurableHost]:
    model, root = load(app)
    return model, DurableHost(model, resolver(root), state_dir, **kwargs)
