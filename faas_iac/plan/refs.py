"""References between plan records: one vocabulary for every provider, as JSON values every
emitter interprets (a Pulumi program, an SDK apply engine, an ejected program, a printout).

* ``{"$sub": "text ${logical.attr} ${aws:region}"}`` is a string made of literal text, attributes
  of other plan resources (``${logical.attr}``, the attribute may be a dotted path) and values of
  the deploy's context (``${provider:key}``: ``aws:region``, ``aws:account``, ``aws:partition``,
  ``azure:subscription``, ``azure:tenant``, ``gcp:project``, ``gcp:project_number``). A
  template that is one token and nothing else stands for that value itself (an output keeps
  its type);
* ``{"$json": value}`` is ``value`` (which may hold ``$sub``) serialised as compact JSON.

A plan resource depends on every resource its properties refer to: :func:`refs_in` finds them,
and :func:`faas_iac.plan.model.ordered` adds them to ``depends_on`` (the one place dependencies
are derived). Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Literal

_TOKEN = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")
Kind = Literal["text", "ref", "context"]


def ref(name: str, attr: str) -> dict[str, str]:
    """Attribute ``attr`` (a dotted path) of plan resource ``name``."""
    return {"$sub": "${" + f"{name}.{attr}" + "}"}


def context(key: str) -> dict[str, str]:
    """A value of the deploy's context, e.g. ``context("azure:subscription")``."""
    return {"$sub": "${" + key + "}"}


def sub(template: str) -> dict[str, str]:
    """A string of text and ``${logical.attr}`` / ``${provider:key}`` tokens."""
    return {"$sub": template}


def as_json(value: Any) -> dict[str, Any]:
    return {"$json": value}


def parts(template: str) -> list[tuple[Kind, str]]:
    """``[("text", "arn:"), ("ref", "queue-orders.arn"), ("context", "aws:region"), ...]``."""
    out: list[tuple[Kind, str]] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            out.append(("text", template[pos : m.start()]))
        token = m.group(1)
        out.append(("context" if ":" in token else "ref", token))
        pos = m.end()
    if pos < len(template):
        out.append(("text", template[pos:]))
    return out


def target(token: str) -> tuple[str, str]:
    """``"queue-orders.arn"`` → ``("queue-orders", "arn")``."""
    name, _, attr = token.partition(".")
    return name, attr


def _is(value: Any, key: str) -> bool:
    return isinstance(value, dict) and len(value) == 1 and key in value


#: The logical name of each ``ref`` token in a template: a token of the characters ``_TOKEN``
#: takes, no ``:`` among them (that is a context value), the name ending at its first dot.
_REF_NAME = re.compile(r"\$\{(?=[A-Za-z0-9_.-]+\})([A-Za-z0-9_-]*)")
#: Template -> its names. A plain dict: a miss of lru_cache costs twice the regex, and a
#: 1,000-function plan has 7,000 templates.
_NAMES: dict[str, frozenset[str]] = {}


def _template_refs(template: str) -> frozenset[str]:
    """What ``parts`` and ``target`` make the template refer to, in one regex pass."""
    names = _NAMES.get(template)
    if names is None:
        if len(_NAMES) >= 100_000:  # bounded for long-lived processes
            _NAMES.clear()
        names = _NAMES[template] = frozenset(_REF_NAME.findall(template))
    return names


def refs_in(value: Any, found: set[str] | None = None) -> set[str]:
    """The logical names a property value refers to, added to ``found`` when given (planners
    ask this of every property of every resource: one recursive walk into containers only)."""
    found = set() if found is None else found
    if _is(value, "$sub"):
        found |= _template_refs(value["$sub"])
    elif isinstance(value, dict | list | tuple):
        _walk(value, found)
    return found


def _walk(value: dict[str, Any] | list[Any] | tuple[Any, ...], found: set[str]) -> None:
    """Each item of ``value``: a ``$sub`` adds its names here, without a call of its own (a
    plan has thousands); other containers are walked."""
    for item in value.values() if isinstance(value, dict) else value:
        kind = type(item)
        if kind in _LEAVES:
            continue
        if kind is dict or isinstance(item, dict):
            if len(item) == 1 and "$sub" in item:
                found |= _template_refs(item["$sub"])
            else:
                _walk(item, found)
        elif kind in _SEQUENCES or isinstance(item, list | tuple):
            _walk(item, found)


_LEAVES = frozenset({str, int, float, bool, type(None)})
_SEQUENCES = frozenset({list, tuple})


def interpret(
    value: Any,
    token: Callable[[Kind, str], Any],
    join: Callable[[list[Any]], Any],
    encode: Callable[[Any], Any],
) -> Any:
    """``value`` with every reference interpreted: ``token(kind, text)`` gives a token's value,
    ``join(pieces)`` a ``$sub`` string of several pieces (text pieces stay ``str``),
    ``encode(value)`` a ``$json`` value."""
    if _is(value, "$sub"):
        pieces = [
            text if kind == "text" else token(kind, text) for kind, text in parts(value["$sub"])
        ]
        return pieces[0] if len(pieces) == 1 else join(pieces)
    if _is(value, "$json"):
        return encode(interpret(value["$json"], token, join, encode))
    if isinstance(value, dict):
        return {k: interpret(v, token, join, encode) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [interpret(v, token, join, encode) for v in value]
    return value


def compact_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def resolve(value: Any, lookup: Callable[[str], str]) -> Any:
    """Every reference replaced by ``lookup(token)`` (``"logical.attr"`` or ``"aws:region"``)."""
    return interpret(value, lambda _kind, text: lookup(text), "".join, compact_json)
