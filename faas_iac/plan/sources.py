"""Which files of the app's folder go into its code artifact: an explicit list, never a sweep.

In an artifact:

1. the app's Python source: every ``*.py`` of the app's packages (the top-level packages of its
   handlers' modules; when a handler lives in a top-level module, as ``app.py`` does, every
   ``*.py`` under the app's folder), and every file of an external function's ``code=`` folder;
2. the files the app declares: ``App(include=[...])``;
3. minus ``App(exclude=[...])`` and the lines of ``.faasignore`` in the app's folder.

Patterns are those of ``.gitignore`` (pathspec's ``GitIgnoreSpec``), relative to the app's
folder. Whatever the patterns say, these are never packaged: dot folders (``.git``, ``.faas``,
``.venv``...), virtualenvs (a folder holding ``pyvenv.cfg``), ``__pycache__``, a faas-iac state
folder (any ``--state-dir``: it holds ``keys.json``, ``secrets.env``, ``local.sqlite``...), a
compile or eject output (it holds ``plan.json`` or ``Pulumi.yaml``), ``build``/``dist``/``out``
folders that are not Python packages, and the files ``secrets.env``, ``keys.json``, dotenv
files (``.env``, ``.env.*``, ``*.env``), SQLite databases and byte code.

Pure apart from reading the folder; the result is sorted, so the artifact is byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..errors import Diagnostic, FaasError
from ..model import AppModel

if TYPE_CHECKING:  # loaded when the app has include=, exclude= or a .faasignore
    import pathspec

IGNORE_FILE = ".faasignore"
#: Files that a local host or a deploy writes into a state folder; one of them marks the folder.
STATE_MARKERS = frozenset(
    {"keys.json", "secrets.env", "local.sqlite", "durable.sqlite3", "durable.secret", "host.lock"}
)
#: Files at the top of a compile (``plan.json``) or eject (``Pulumi.yaml``) output folder.
OUTPUT_MARKERS = frozenset({"plan.json", "Pulumi.yaml"})
#: Folder names of build outputs, skipped unless they are Python packages.
BUILD_DIRS = frozenset({"build", "dist", "out"})
NEVER_DIRS = frozenset({"__pycache__", "node_modules"})
#: File names never packaged, with the reason shown when an ``include=`` pattern names one.
NEVER_FILES: tuple[tuple[str, str], ...] = (
    ("secrets.env", "it holds local secrets; declare them with secrets= on the function"),
    ("keys.json", "it holds local HTTP keys"),
    (".env", "dotenv files hold local configuration and secrets; use env= and secrets="),
    (".env.*", "dotenv files hold local configuration and secrets; use env= and secrets="),
    ("*.env", "dotenv files hold local configuration and secrets; use env= and secrets="),
    ("*.sqlite", "it is a local database"),
    ("*.sqlite3", "it is a local database"),
    ("*.sqlite-*", "it is a local database"),
    ("*.sqlite3-*", "it is a local database"),
    ("*.pyc", "it is byte code"),
    ("*.pyo", "it is byte code"),
)


@dataclass(frozen=True)
class AppFiles:
    """The files of the app's folder that go into its code artifact, sorted by name."""

    files: tuple[tuple[str, Path], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.files)


def never_reason(name: str) -> str | None:
    """Why a file of this name is never packaged, or None."""
    return next((why for pattern, why in NEVER_FILES if fnmatch(name, pattern)), None)


def _skipped_dir(path: Path, name: str, external: bool) -> bool:
    if name.startswith(".") or (name in NEVER_DIRS and not (external and name == "node_modules")):
        return True
    if (path / "pyvenv.cfg").exists():
        return True
    if any((path / marker).exists() for marker in (*STATE_MARKERS, *OUTPUT_MARKERS)):
        return True
    return name in BUILD_DIRS and not (path / "__init__.py").exists()


def _walk(root: Path, externals: tuple[str, ...]) -> Iterator[str]:
    """Every file under ``root`` outside never-packaged folders, as a sorted posix path."""
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        rel = here.relative_to(root).as_posix()
        external = any(rel == e or rel.startswith(f"{e}/") or e == "." for e in externals)
        dirnames[:] = sorted(d for d in dirnames if not _skipped_dir(here / d, d, external))
        for filename in sorted(filenames):
            if never_reason(filename) is None and (here / filename).is_file():
                yield (here / filename).relative_to(root).as_posix()


def _python_roots(model: AppModel) -> tuple[str, ...] | None:
    """The top-level packages holding the handlers, or None for every ``*.py`` of the folder
    (a handler in a top-level module, like ``app.py``, may import any sibling)."""
    modules = [fn.handler.module for fn in model.functions if fn.handler.module]
    if not modules or any("." not in m for m in modules):
        return None
    return tuple(sorted({m.split(".")[0] for m in modules}))


def _spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


def _ignore_lines(root: Path) -> list[str]:
    path = root / IGNORE_FILE
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def app_files(model: AppModel, root: Path) -> AppFiles:
    """Select the app's files (see the module docstring). Raises a coded error for an
    ``include=`` pattern that selects nothing that may be packaged."""
    externals = tuple(
        PurePosixPath(fn.handler.code).as_posix()
        for fn in model.functions
        if fn.handler.code is not None
    )
    found = list(_walk(root, externals))
    packages = _python_roots(model)

    def source(name: str) -> bool:
        if any(e == "." or name.startswith(f"{e}/") for e in externals):
            return True
        if not name.endswith(".py"):
            return False
        return packages is None or name.split("/", 1)[0] in packages

    settings = model.packaging
    chosen = {name for name in found if source(name)}
    problems: list[Diagnostic] = []
    for pattern in settings.include:
        matched = set(_spec([pattern]).match_files(found))
        if not matched:
            problems.append(_no_match(pattern, root, settings.source))
        chosen |= matched
    ignored = [*settings.exclude, *_ignore_lines(root)]
    if ignored:
        excluded = _spec(ignored)
        chosen = {name for name in chosen if not excluded.match_file(name)}
    if problems:
        raise FaasError(problems)
    return AppFiles(tuple((name, root / name) for name in sorted(chosen)))


def _no_match(pattern: str, root: Path, where: str) -> Diagnostic:
    """Why ``pattern`` packages nothing: no such file, or only files never packaged."""
    spec = _spec([pattern])
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", "node_modules")]
        for filename in sorted(filenames):
            rel = (Path(dirpath) / filename).relative_to(root).as_posix()
            if spec.match_file(rel):
                why = never_reason(filename) or "it is inside a folder that is never packaged"
                return Diagnostic(
                    "FIAC206",
                    f"include pattern {pattern!r} matches only {rel}, which is never packaged: "
                    f"{why}",
                    "remove it from include=; secrets reach a function through secrets=, never "
                    "through its code artifact",
                    where,
                    "packaging.include",
                )
    return Diagnostic(
        "FIAC206",
        f"include pattern {pattern!r} matches no file of the app's folder",
        "correct the pattern (patterns are those of .gitignore, relative to the app's folder), "
        "or remove it",
        where,
        "packaging.include",
    )
