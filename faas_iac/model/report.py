"""Collecting diagnostics while building the model: every problem, coded and located, so the
user sees them all at once. No user code, no I/O."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .._app import SourceLocation
from ..errors import Diagnostic, closest, shown_path


def relative(path: str, root: Path | None) -> str:
    """``path`` relative to ``root`` (or the working directory), with forward slashes."""
    return _relative(path, root, os.getcwd())


@functools.lru_cache(maxsize=1024)
def _relative(path: str, root: Path | None, cwd: str) -> str:
    """An app's functions are in a few files: each is resolved once per working directory
    (the key holds it: tests and embedders change it)."""
    for base in (root, Path(cwd)):
        if base is None:
            continue
        try:
            return Path(path).resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return Path(path).name


@dataclass
class Collector:
    root: Path | None
    problems: list[Diagnostic] = field(default_factory=list)

    def where(self, loc: SourceLocation) -> str:
        return f"{shown_path(loc.file)}:{loc.line}"

    def add(self, code: str, message: str, fix: str, loc: SourceLocation | None, path: str) -> None:
        where = self.where(loc) if loc else ""
        self.problems.append(Diagnostic(code, message, fix, where, path))


def suggest(word: str, choices: Iterable[str]) -> str:
    close = closest(word, sorted(choices))
    return f"did you mean {close!r}?" if close else ""
