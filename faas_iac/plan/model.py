"""The plan: frozen, typed resource records in dependency order, serialisable to stable JSON.

A plan is what a provider's planner makes of an app model and what every emitter reads (a
Pulumi program, an SDK apply engine, a printout). It holds no secrets, no absolute paths and no
timestamps, so the same app always gives the same bytes.
"""

from __future__ import annotations

import heapq
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from ..errors import FaasError
from ..jsonfmt import stable_json_bytes
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
    properties (JSON values), the logical names it depends on, and the artifact it deploys.

    ``depends_on`` is complete from the start: the names given and every resource the
    properties refer to (:func:`faas_iac.plan.refs.refs_in`, the one place dependencies are
    derived), sorted and without repeats, so equal dependencies always serialise alike."""

    type: str
    name: str
    properties: dict[str, Any] = Field(default_factory=dict)
    depends_on: tuple[str, ...] = Field(default=(), validate_default=True)
    artifact: str | None = None

    @field_validator("depends_on")
    @classmethod
    def _complete(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        found = refs_in(info.data.get("properties"), set(value))
        found.discard(info.data.get("name"))
        return tuple(sorted(found))


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
        return self.to_json_bytes().decode()

    def to_json_bytes(self) -> bytes:
        """:meth:`to_json` as UTF-8, what ``plan.json`` holds (1,000 functions: 2 MB)."""
        empty = {k for k in ("notes", "bundles") if not getattr(self, k)}
        data = self.model_dump(mode="json", exclude={"resources", *empty})
        # Resources as they are: their properties are JSON values already (orjson writes
        # tuples as lists), and pydantic's JSON mode would look at every value of 1,000s. A
        # record's __dict__ holds its fields and nothing else (tests/test_plan_json.py).
        data["resources"] = [vars(r) for r in self.resources]
        return stable_json_bytes(data)

    def resource(self, name: str) -> PlanResource:
        for res in self.resources:
            if res.name == name:
                return res
        raise KeyError(name)

    def of_type(self, type_: str) -> tuple[PlanResource, ...]:
        return tuple(r for r in self.resources if r.type == type_)


def ordered(resources: list[PlanResource]) -> tuple[PlanResource, ...]:
    """Dependencies first (each resource's ``depends_on``, complete since it was made); ties
    broken by (type, name) so the order never depends on dicts."""
    by_name: dict[str, PlanResource] = {}
    for res in resources:
        if res.name in by_name:
            raise FaasError.one("FIAC203", f"two plan resources are named {res.name!r}")
        by_name[res.name] = res
    if set().union(*(r.depends_on for r in resources)) - by_name.keys():  # one look, rarely true
        for res in resources:
            if missing := [d for d in res.depends_on if d not in by_name]:
                raise FaasError.one(
                    "FIAC203", f"plan resource {res.name!r} depends on unknown {missing}"
                )
    # Kahn's algorithm; the ready heap holds each resource's rank in (type, name) order: ints
    # compare faster than tuples of strings, and a plan has thousands of resources.
    names = [name for _, name in sorted((r.type, r.name) for r in resources)]
    rank = {name: i for i, name in enumerate(names)}
    users: list[list[int]] = [[] for _ in names]
    waiting = [0] * len(names)
    for i, name in enumerate(names):
        deps = by_name[name].depends_on
        waiting[i] = len(deps)
        for dep in deps:
            users[rank[dep]].append(i)
    ready = [i for i, count in enumerate(waiting) if not count]  # sorted: a heap already
    result: list[PlanResource] = []
    while ready:
        i = heapq.heappop(ready)
        result.append(by_name[names[i]])
        for user in users[i]:
            waiting[user] -= 1
            if not waiting[user]:
                heapq.heappush(ready, user)
    if len(result) != len(resources):
        stuck = sorted(names[i] for i, count in enumerate(waiting) if count)
        raise FaasError.one("FIAC203", f"plan has a dependency cycle among {stuck}")
    return tuple(result)
