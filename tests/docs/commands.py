"""The commands of a shell block, as a shell would split them.

``sh`` blocks: one command per line (``\\`` continues a line, ``#`` starts a comment).
``console`` blocks: ``$ command`` lines, each followed by the output it shows. Commands are
split with :mod:`shlex` in POSIX mode, so quoting means what it means to bash; ``a && b``
runs ``b`` only if ``a`` succeeded; any other shell operator is refused (the test would not
run it the way a shell does).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from .blocks import Block

OPERATORS = {"&&"}


@dataclass(frozen=True)
class Command:
    """One line of a block: the simple commands of its ``&&`` chain, and the output the page
    shows under it (``None`` when it shows none)."""

    line: int
    text: str
    chain: tuple[tuple[str, ...], ...]
    shown: str | None = None


def _words(text: str, where: str) -> tuple[tuple[str, ...], ...]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    chain: list[tuple[str, ...]] = [()]
    for word in lexer:
        if word in OPERATORS:
            chain.append(())
        elif word and set(word) <= set(lexer.punctuation_chars):
            raise ValueError(f"{where}: shell operator {word!r} is not run by the docs test")
        else:
            chain[-1] = (*chain[-1], word)
    return tuple(c for c in chain if c)


def _substitute(text: str, placeholders: dict[str, str]) -> str:
    for name, value in placeholders.items():
        text = re.sub(rf"(?<![\w./-]){name}(?![\w-])", value.replace("\\", "\\\\"), text)
    return text


def commands(block: Block) -> list[Command]:
    """The commands of a ``sh`` or ``console`` block, placeholders filled in."""
    lines = block.source.splitlines()
    found: list[Command] = []
    i = 0
    while i < len(lines):
        first = i
        text = lines[i]
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1] + " " + lines[i]
        i += 1
        if block.language == "console":
            if not text.startswith("$ "):
                continue
            text = text[2:]
            out: list[str] = []
            while i < len(lines) and not lines[i].startswith("$ "):
                out.append(lines[i])
                i += 1
            shown: str | None = "\n".join(out).strip("\n") or None
        else:
            shown = None
        line = block.line + 1 + first
        text = _substitute(text, block.placeholders)
        chain = _words(text, f"{block.page.name}:{line}")
        if chain:
            found.append(Command(line, text.split(" #")[0].strip(), chain, shown))
    return found
