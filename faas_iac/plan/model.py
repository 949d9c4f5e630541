"""The plan: frozen, typed resource records in dependency order, serialisable to stable JSON.

A plan is what a provider's planner makes of an app model and what every emitter reads (a
Pulumi program, an SDK apply engine, a printout). It holds no secrets, no absolute paths and no
timestamps, so the same app always gives the same bytes.
"""

from __future__ import annotations

import heapq
from typing import Any

from pydantic import Field, field_validator

from ..errors import FaasError
from ..jsonfmt import stable_json
from ..model.base import Frozen
from .refs import refs_in


class Artifact(Frozen):
    """A packaged code bundle: ``path`` is relative to the compile output folder."""

    name: str
    path: str
    sha256: str
    size: int


class Bundle(Frozen):
    """Third-party dependencies installed for a target platform (``App(requirements=...)``):
    the recipe, not the bytes, so the plan stays pure and reproducible. The zip is built by
    :func:`faas_iac.plan.deps.bundle` when an artifact is written or deployed, cached by the
    recipe's hash (``key``); ``path`` is relative to the compile output folder."""

    name: str
    path: str
    requirements: tuple[str, ...]
    #: pip platform tags, e.g. ``("manylinux2014_x86_64",)``
    platforms: tuple[str, ...]
    #: ``3.12``
    python: str
    #: the recipe's hash: the cache key, and part of ``path``
    key: str
    #: the folder the packages go under in the zip (``python/`` for a Lambda layer)
    prefix: str = ""


class PlanResource(Frozen):
    """One resource to create: its provider type, a logical name unique in the plan, its
    properties (JSON values), the logical names it depends on, and the artifact it deploys."""

    type: str
    name: str
    properties: dict[str, Any] = Field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    artifact: str | None = None

    @field_validator("depends_on")
    @classmethod
    def _sorted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Sorted and without repeats, so equal dependencies always serialise alike."""
        return tuple(sorted(set(value)))


_RESOURCE_FIELDS = tuple(PlanResource.model_fields)


class Plan(Frozen):
    provider: str
    app: str
    version: int = 1
    resources: tuple[PlanResource, ...]
    artifacts: tuple[Artifact, ...] = ()
    outputs: dict[str, Any] = Field(default_factory=dict)
    #: Choices the planner made that the resources alone do not say, each in one sentence
    #: (which engine runs an orchestrator, and why); ``faas-iac plan`` prints them.
    notes: tuple[str, ...] = ()
    #: Dependency bundles (recipes) that resources deploy as artifacts, by name.
    bundles: tuple[Bundle, ...] = ()

    def to_json(self) -> str:
        """Stable JSON: sorted keys, two-space indent, a final newline (no ``notes`` key when
        there are none, so plans without choices read as before; likewise ``bundles``)."""
        empty = {k for k in ("notes", "bundles") if not getattr(self, k)}
        data = self.model_dump(mode="json", exclude={"resources", *empty})
        # Resources as they are: their properties are JSON values already (orjson writes
        # tuples as lists), and pydantic's JSON mode would look at every value of 1,000s.
        data["resources"] = [{f: getattr(r, f) for f in _RESOURCE_FIELDS} for r in self.resources]
        return stable_json(data)

    def resource(self, name: str) -> PlanResource:
        for res in self.resources:
            if res.name == name:
                return res
        raise KeyError(name)

    def of_type(self, type_: str) -> tuple[PlanResource, ...]:
        return tuple(r for r in self.resources if r.type == type_)


def ordered(resources: list[PlanResource]) -> tuple[PlanResource, ...]:
    """Dependencies first; ties broken by (type, name) so the order never depends on dicts.
    Each resource depends on what it names in ``depends_on`` and on every resource its
    properties refer to (:func:`faas_iac.plan.refs.refs_in`)."""
    by_name: dict[str, PlanResource] = {}
    for res in resources:
        if res.name in by_name:
            raise FaasError.one("FIAC203", f"two plan resources are named {res.name!r}")
        by_name[res.name] = res
    needs: dict[str, set[str]] = {}
    for res in resources:
        deps = refs_in(res.properties, set(res.depends_on))
        deps.discard(res.name)
        needs[res.name] = deps
    if set().union(*needs.values()) - by_name.keys():  # one look for the rare mistake
        for name, deps in needs.items():
            if missing := sorted(d for d in deps if d not in by_name):
                raise FaasError.one(
                    "FIAC203", f"plan resource {name!r} depends on unknown {missing}"
                )
    users: dict[str, list[str]] = {n: [] for n in by_name}
    waiting: dict[str, int] = {}
    for name, deps in needs.items():
        waiting[name] = len(deps)
        for dep in deps:
            users[dep].append(name)
    ready = [(by_name[n].type, n) for n, count in waiting.items() if not count]
    heapq.heapify(ready)
    result: list[PlanResource] = []
    while ready:
        _, name = heapq.heappop(ready)
        res = by_name[name]
        wanted = tuple(sorted(needs[name]))  # model_copy(update=) skips the validator
        result.append(
            res if wanted == res.depends_on else res.model_copy(update={"depends_on": wanted})
        )
        for user in users[name]:
            waiting[user] -= 1
            if not waiting[user]:
                heapq.heappush(ready, (by_name[user].type, user))
    if len(result) != len(resources):
        stuck = sorted(n for n, count in waiting.items() if count)
        raise FaasError.one("FIAC203", f"plan has a dependency cycle among {stuck}")
    return tuple(result)
