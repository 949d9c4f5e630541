"""What a policy rule is: a stable id (FIAC7xx), a title, a group, a default severity, the
targets it applies to, why it matters, how to fix it, an example that triggers it, and its
checks — small plain functions over the model, the orchestrators' source, or plan resources.

A rule may carry several checks; each reads one kind of input:

* ``model``: the validated app (:class:`Scope`: the model, its root, one target) → hits located
  at a function's decorator or at a line of its source;
* ``resource``: one resource as a plan holds it or as the Pulumi engine passes it to a policy
  pack (:class:`Res`) → messages; ``stack``: every resource at once, for rules about how
  resources relate;
* ``refusals``: the codes of provider or translator refusals that mean this rule (a target
  that refuses the app is a finding, located where the refusal says).

When a rule has a ``model`` check, ``faas-iac check`` trusts it over the resource checks
(which then only serve the policy pack, where no model exists). Nothing here imports a cloud
SDK or a provider: resource checks know Pulumi type tokens only, so they judge any Pulumi
program.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..errors import Severity
from ..model import AppModel, Function
from ..translate import Translation
from .source import Sources

Group = Literal["security", "limits", "durability", "operations"]
Target = Literal["local", "aws", "azure", "gcp"]
TARGETS: tuple[Target, ...] = ("local", "aws", "azure", "gcp")
CLOUDS: tuple[Target, ...] = ("aws", "azure", "gcp")


@dataclass(frozen=True)
class Hit:
    """What a check found. Located by ``function`` (its decorator line), or by ``line`` in the
    file of that function (``file`` overrides it); ``subject`` keeps fingerprints stable."""

    message: str
    function: str | None = None
    line: int | None = None
    file: str | None = None
    subject: str = ""


@dataclass(frozen=True)
class Scope:
    """The input of a model check: the app, where its source lives (parsed once per run), and
    the target judged (``None`` for checks that mean the same on every target)."""

    app: AppModel
    root: Path
    sources: Sources
    target: Target | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    translation: Translation = field(default_factory=Translation)

    @classmethod
    def of(cls, app: AppModel, root: Path, target: Target | None = None) -> Scope:
        return cls(app, root, Sources(app, root), target)

    def on(self, target: Target | None) -> Scope:
        return replace(self, target=target)


class Res:
    """One resource, as a plan holds it (snake_case properties, ``{"$sub": ...}`` references,
    ``{"$json": ...}`` documents) or as the Pulumi engine passes it to a policy pack
    (camelCase properties, resolved strings, JSON documents as text). Checks read it through
    :meth:`get`, :meth:`text` and :meth:`doc`, which accept both shapes."""

    def __init__(
        self,
        type_: str,
        name: str,
        props: Mapping[str, Any],
        types: Mapping[str, str] | None = None,
    ) -> None:
        self.type = type_
        self.name = name
        self.props = props
        #: logical name → type of every resource of the same plan (empty in a policy pack)
        self.types: Mapping[str, str] = types or {}

    def get(self, *path: str, default: Any = None) -> Any:
        """The value at ``path`` (each key in snake_case; its camelCase form also matches)."""
        value: Any = self.props
        for key in path:
            if not isinstance(value, Mapping):
                return default
            if key in value:
                value = value[key]
            elif (camel := _camel(key)) in value:
                value = value[camel]
            else:
                return default
        return value

    def text(self, *path: str) -> str:
        """A string property as text: a plan reference gives its template (``${rg.id}``)."""
        return as_text(self.get(*path))

    def doc(self, *path: str) -> Any:
        """A JSON document property (a policy), parsed whichever shape it has."""
        value = self.get(*path)
        if isinstance(value, Mapping) and "$json" in value:
            return value["$json"]
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return None
        return value

    def refers_to(self, *path: str) -> tuple[str, str] | None:
        """``(type, attribute)`` of the plan resource a property is exactly a reference to."""
        match = re.fullmatch(r"\$\{([^}.:]+)\.([^}]+)\}", self.text(*path))
        if match and match.group(1) in self.types:
            return self.types[match.group(1)], match.group(2)
        return None


def as_text(value: Any) -> str:
    if isinstance(value, Mapping) and isinstance(value.get("$sub"), str):
        return str(value["$sub"])
    return value if isinstance(value, str) else ""


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


ModelCheck = Callable[[Scope], Iterable[Hit]]
ResourceCheck = Callable[[Res], Iterable[str]]
StackCheck = Callable[[Sequence[Res]], Iterable[tuple[Res, str]]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    group: Group
    severity: Severity
    targets: tuple[Target, ...]
    rationale: str
    fix: str
    #: what triggers the rule: app code (after ``app = App("demo")``), a resource
    #: (``TYPE {json properties}``) for rules that read resources only, or prose
    example: str
    model: ModelCheck | None = None
    #: the model check depends on the target (limits, what a target runs); else run once
    per_target: bool = False
    #: resource types the resource check reads (the policy pack filters on them)
    types: tuple[str, ...] = ()
    resource: ResourceCheck | None = None
    stack: StackCheck | None = None
    refusals: tuple[str, ...] = ()
    example_kind: Literal["app", "resource", "text"] = "app"

    @property
    def resource_rule(self) -> bool:
        """Whether the policy pack carries it (it reads resources)."""
        return self.resource is not None or self.stack is not None


def functions(app: AppModel, *kinds: str) -> Iterator[Function]:
    return (fn for fn in app.functions if not kinds or fn.kind in kinds)
