"""Inline suppressions: ``# faas-iac: ignore[FIAC701] public webhook, signed by the sender``.

A suppression names one or more rule ids and gives a reason (required). At the end of a line
it covers findings on that line; alone on its line it covers the next line of code. Only real
comments count (read with :mod:`tokenize`, so the text inside a string is never one)."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

MARK = "faas-iac:"
PATTERN = re.compile(r"#\s*faas-iac:\s*ignore\[([^\]]*)\]\s*(.*)$")


@dataclass
class Suppression:
    path: Path
    line: int  # where the comment is
    covers: int  # the line whose findings it suppresses
    rules: tuple[str, ...]
    reason: str
    used: set[str] = field(default_factory=set)


def scan(path: Path) -> list[Suppression]:
    """Every suppression comment of a Python file (none when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if MARK not in text:
        return []
    lines = text.splitlines()
    found: list[Suppression] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = PATTERN.search(tok.string)
        if not match:
            continue
        row = tok.start[0]
        covers = row
        if not lines[row - 1][: tok.start[1]].strip():  # a comment alone on its line
            covers = next(
                (
                    n
                    for n in range(row + 1, len(lines) + 1)
                    if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")
                ),
                row,
            )
        rules = tuple(r.strip() for r in match.group(1).split(",") if r.strip())
        found.append(Suppression(path, row, covers, rules, match.group(2).strip()))
    return found
