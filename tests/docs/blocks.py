"""The fenced code blocks of a Markdown page, found by Sybil's Markdown lexers, each with the
``<!-- docs-test: ... -->`` directive written just before it (if any).

Directive words (``key=value`` or a bare word, shell-quoted):

- ``fragment`` (python): a piece of an app; only compiled as Python, not validated.
- ``save=FILE`` (python): also write the block to FILE in the run's folder, for the commands
  of the text that follows ("save it as app.py, then ...").
- ``exit=N`` (sh, console): every command of the block must exit with N (default 0).
- ``NAME=value`` (upper case): the placeholder NAME in the block's commands stands for value
  when the test runs them (``APP=examples/shop/app.py``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Document, Region
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer

#: What each fence language means to the test; a fence in any other language (or none) fails
#: it, so no block goes untested by accident.
LANGUAGES = {
    "python": "validated with `faas-iac validate` and type-checked (or compiled: fragment)",
    "sh": "each command run from a fresh folder",
    "console": "each `$ command` run, its output compared with the lines under it",
    "text": "shown only (an illustration, not a command or a program)",
}
WORDS = {"fragment", "save", "exit"}
PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*")

_FENCE = RawFencedCodeBlockLexer(
    info_pattern=re.compile(r"(?P<language>[^\n]*)$\n", re.MULTILINE),
    mapping={"language": "language", "source": "source"},
)
_DIRECTIVE = DirectiveInHTMLCommentLexer(directive="docs-test")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language and text, and its directive."""

    page: Path
    line: int
    language: str
    source: str
    directive: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.page.name}:{self.line}"

    @property
    def placeholders(self) -> dict[str, str]:
        return {k: v for k, v in self.directive.items() if PLACEHOLDER.fullmatch(k)}

    @property
    def expected_exit(self) -> int:
        return int(self.directive.get("exit", "0"))


def _directive(text: str, where: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for word in shlex.split(text):
        key, _, value = word.partition("=")
        if key not in WORDS and not PLACEHOLDER.fullmatch(key):
            raise ValueError(f"{where}: unknown docs-test word {key!r} (known: {sorted(WORDS)})")
        words[key] = value
    return words


def _line(document: Document, region: Region) -> int:
    return document.text.count("\n", 0, region.start) + 1


def blocks(page: Path) -> list[Block]:
    """Every fenced block of ``page`` in order, each with the directive right above it."""
    document = Document.parse(str(page), _FENCE, _DIRECTIVE)
    found: list[Block] = []
    pending: tuple[Region, dict[str, str]] | None = None
    for _, region in document.regions:
        where = f"{page.name}:{_line(document, region)}"
        if "directive" in region.lexemes:
            text = f"{region.lexemes['arguments']} {region.lexemes['source']}"
            pending = (region, _directive(text, where))
            continue
        directive: dict[str, str] = {}
        # Sybil's directive region stops before the comment's closing ``-->``.
        between = document.text[pending[0].end : region.start] if pending else ""
        if pending is not None and re.fullmatch(r"\s*-*>?\s*", between):
            directive = pending[1]
        elif pending is not None:
            raise ValueError(f"{where}: a docs-test directive must stand right above a fence")
        pending = None
        found.append(
            Block(
                page,
                _line(document, region),
                str(region.lexemes["language"]).strip(),
                str(region.lexemes["source"]),
                directive,
            )
        )
    if pending is not None:
        raise ValueError(f"{page.name}: a docs-test directive with no fence under it")
    return found
