"""References between plan records, as JSON values every emitter can interpret.

* ``{"$sub": "text ${logical.attr} ${aws:region} ${aws:account} ${aws:partition}"}`` is a string
  made of literal text, attributes of other plan resources and the deploy's region/account;
* ``{"$json": value}`` is ``value`` (which may hold ``$sub``) serialised as compact JSON.

The Pulumi emitter turns them into ``Output``s, the SDK engine into strings from its state, the
ejected program into Python expressions. Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")
PSEUDO = ("aws:region", "aws:account", "aws:partition")
_REF_NAME = re.compile(r"\$\{([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}")


def ref(name: str, attr: str = "arn") -> dict[str, str]:
    return {"$sub": "${" + f"{name}.{attr}" + "}"}


def sub(template: str) -> dict[str, str]:
    return {"$sub": template}


def as_json(value: Any) -> dict[str, Any]:
    return {"$json": value}


def parts(template: str) -> list[tuple[str, str]]:
    """``[("text", "arn:"), ("ref", "queue-orders.arn"), ("pseudo", "aws:region"), ...]``."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            out.append(("text", template[pos : m.start()]))
        token = m.group(1)
        out.append(("pseudo" if token in PSEUDO else "ref", token))
        pos = m.end()
    if pos < len(template):
        out.append(("text", template[pos:]))
    return out


def refs_in(value: Any) -> set[str]:
    """The logical names a property value refers to (``${name.attr}`` tokens only appear in
    ``$sub`` strings, so one scan of the compact JSON finds them all)."""
    return set(_REF_NAME.findall(json.dumps(value, separators=(",", ":"))))


def resolve(value: Any, lookup: Callable[[str], str]) -> Any:
    """Replace every reference using ``lookup("logical.attr" | "aws:region")`` → string."""
    if isinstance(value, dict):
        if len(value) == 1 and "$sub" in value:
            return "".join(t if k == "text" else lookup(t) for k, t in parts(value["$sub"]))
        if len(value) == 1 and "$json" in value:
            return json.dumps(
                resolve(value["$json"], lookup), sort_keys=True, separators=(",", ":")
            )
        return {k: resolve(v, lookup) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(v, lookup) for v in value]
    return value
