"""The translator's coded refusals (FIAC6xx): what construct, where, and what to write instead."""

from __future__ import annotations

import ast

from ..errors import CODES, Diagnostic, FaasError

#: Translator codes with short titles (kept in :data:`faas_iac.errors.CODES`).
TRANSLATOR_CODES: dict[str, str] = {k: v for k, v in CODES.items() if k.startswith("FIAC6")}


class Refusal(FaasError):
    """An orchestrator (or a piece of it) that the translator will not translate."""


def refuse(code: str, what: str, fix: str, file: str, node: ast.AST | int) -> Refusal:
    line = node if isinstance(node, int) else getattr(node, "lineno", 0)
    return Refusal([Diagnostic(code, what, fix, f"{file}:{line}" if file else f"line {line}")])
