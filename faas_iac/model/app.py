"""The validated app: functions, resources and settings, all frozen and JSON-serialisable."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..jsonfmt import stable_json
from .base import Frozen
from .durable import DurableSettings
from .function import Function
from .resources import Name, Resource


class Packaging(Frozen):
    """What the code artifact holds besides the app's Python source (see
    :mod:`faas_iac.plan.sources`): ``.gitignore``-style patterns relative to the app's folder."""

    include: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    exclude: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    #: Where ``App(...)`` is written (``file:line``), to locate packaging errors.
    source: str = ""


class AppModel(Frozen):
    """What an app *is*, with no machine-specific paths: the input of every planner."""

    name: Name
    functions: tuple[Function, ...]
    resources: tuple[Resource, ...] = ()
    durable: DurableSettings = DurableSettings()
    requirements: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    packaging: Packaging = Packaging()
    #: Origins whose pages may call the HTTP functions from a browser (``"*"``: any).
    cors: tuple[str, ...] = ()

    def function(self, name: str) -> Function:
        for fn in self.functions:
            if fn.name == name:
                return fn
        raise KeyError(name)

    def resource(self, kind: str, name: str) -> Any:
        for res in self.resources:
            if res.kind == kind and res.name == name:
                return res
        raise KeyError(f"{kind}:{name}")

    def by_kind(self, kind: str) -> tuple[Function, ...]:
        return tuple(fn for fn in self.functions if fn.kind == kind)

    def to_json(self) -> str:
        return stable_json(self.model_dump(mode="json"))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a validated app (``faas-iac schema``)."""
    return AppModel.model_json_schema()
