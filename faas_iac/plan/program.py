"""Plan values as Python source, for the plain Pulumi programs ``faas-iac eject`` writes (each
provider's ``eject.py``): literals as ``repr``, a ``$sub`` as the variable's attribute, a
context expression or a ``pulumi.Output.concat`` of its pieces, a ``$json`` as
``pulumi.Output.json_dumps``. Pure and standard library only: returns text."""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .refs import compact_json, parts, target

INDENT = "    "


def identifier(name: str, reserved: Collection[str]) -> str:
    """A plan resource's logical name as a Python variable: ``queue-orders`` → ``queue_orders``,
    a leading digit prefixed ``r_``, a keyword or a ``reserved`` name suffixed ``_``."""
    ident = re.sub(r"\W", "_", name)
    ident = f"r_{ident}" if ident[0].isdigit() else ident
    return f"{ident}_" if keyword.iskeyword(ident) or ident in reserved else ident


def class_path(token: str, package: str) -> str:
    """A Pulumi type token as its class in the provider's Python SDK imported as ``package``:
    ``aws:lambda/function:Function`` → ``aws.lambda_.Function`` (a keyword module takes ``_``)."""
    module = token.split(":")[1].split("/")[0]
    module = f"{module}_" if keyword.iskeyword(module) else module
    return f"{package}.{module}.{token.rsplit(':', 1)[1]}"


@dataclass(frozen=True)
class Source:
    """How one provider's ejected program spells plan values: ``variable`` names a resource's
    variable, ``context`` maps each deploy-context key (``aws:region``) to its expression;
    with ``literal_json``, a ``$json`` holding no ``$sub`` is written as its JSON text."""

    variable: Callable[[str], str]
    context: Mapping[str, str]
    literal_json: bool = False

    def _piece(self, kind: str, text: str) -> str:
        if kind == "text":
            return repr(text)
        if kind == "context":
            return self.context[text]
        name, attr = target(text)
        return f"{self.variable(name)}.{attr}"

    def render(self, value: Any, depth: int = 1) -> str:
        """``value`` as a Python expression, nested ``depth`` levels deep (for indentation)."""
        if isinstance(value, dict):
            if len(value) == 1 and "$sub" in value:
                pieces = [self._piece(kind, text) for kind, text in parts(value["$sub"])]
                if len(pieces) == 1:
                    return pieces[0]
                return f"pulumi.Output.concat({', '.join(pieces)})"
            if len(value) == 1 and "$json" in value:
                inner = value["$json"]
                if self.literal_json and '"$sub"' not in json.dumps(inner):
                    return repr(compact_json(inner))
                return (
                    f"pulumi.Output.json_dumps({self.render(inner, depth)}, "
                    'sort_keys=True, separators=(",", ":"))'
                )
            if not value:
                return "{}"
            pad = INDENT * (depth + 1)
            items = [f"{pad}{k!r}: {self.render(v, depth + 1)}," for k, v in value.items()]
            return "{\n" + "\n".join(items) + f"\n{INDENT * depth}}}"
        if isinstance(value, list):
            if not value:
                return "[]"
            pad = INDENT * (depth + 1)
            items = [f"{pad}{self.render(v, depth + 1)}," for v in value]
            return "[\n" + "\n".join(items) + f"\n{INDENT * depth}]"
        return repr(value)
