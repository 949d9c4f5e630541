"""The programmatic SDK: validate an app and compile it to a provider's plan from Python.

>>> from faas_iac import compile
>>> plan = compile("examples/shop/app.py", "local")
>>> [r.type for r in plan.resources][:2]
['local:state', 'local:bucket']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._app import App
from .errors import Diagnostic, ValidationFailed
from .loader import LoadedApp, load_app
from .model import AppModel, build_model
from .model.secrets import plain_secrets
from .plan import Plan, compile_app


def load(target: str | App) -> tuple[AppModel, Path]:
    """Load (if a path or ``module:attr``) and validate an app; return its model and code root.

    Raises :class:`faas_iac.ValidationFailed` with every problem found."""
    if isinstance(target, App):
        root = Path(target.location.file).resolve().parent
        return build_model(target, root), root
    loaded: LoadedApp = load_app(target)
    return build_model(loaded.app, loaded.root), loaded.root


@dataclass(frozen=True)
class Checked:
    """A valid app, its code root, and the warnings it deserves (e.g. FIAC134, a secret in
    ``env=``)."""

    model: AppModel
    root: Path
    warnings: tuple[Diagnostic, ...] = ()


def check(target: str | App, *, strict: bool = False) -> Checked:
    """:func:`load`, then the checks that warn; ``strict`` turns every warning into an error
    (raised as :class:`faas_iac.ValidationFailed`)."""
    model, root = load(target)
    found = plain_secrets(model, root, strict=strict)
    if strict and found:
        raise ValidationFailed(found)
    return Checked(model, root, tuple(found))


def validate(target: str | App) -> AppModel:
    """The validated model of an app."""
    return load(target)[0]


def compile(target: str | App, provider: str = "local", **options: str) -> Plan:
    """Compile an app to ``provider``'s plan: pure data, no cloud calls."""
    model, root = load(target)
    return compile_app(model, root, provider, options).plan
