"""Third-party dependencies for a target platform, as SAM build and
serverless-python-requirements install them: wheels only, for the target's platform and Python
version (``pip install --platform ... --only-binary=:all: --python-version ... --target``),
zipped deterministically and cached by the recipe's hash.

A planner records the recipe (:func:`recipe` → :class:`~faas_iac.plan.model.Bundle`), which is
pure; the bytes are built here when an artifact is written or deployed (:func:`bundle`). pip is
run as a subprocess of this interpreter, so its own configuration (index, proxies, find-links)
applies. A package with no wheel for the target is a coded error naming it, not a deploy that
fails on import in the cloud.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

from ..cache import cache_dir
from ..errors import FaasError
from .artifacts import deterministic_zip
from .model import Bundle

#: Extra pip arguments, space separated (e.g. ``--no-index --find-links wheels/``).
PIP_ARGS_ENV = "FAAS_IAC_PIP_ARGS"
_NO_WHEEL = re.compile(r"No matching distribution found for ([^\s(]+)")
#: What pip writes that a deployed function never needs, or that names this machine.
_SKIP_DIRS = ("bin/", "__pycache__/")


def recipe(
    name: str, requirements: tuple[str, ...], platforms: tuple[str, ...], python: str, prefix: str
) -> Bundle:
    """The bundle record of ``requirements`` for a platform and Python version (pure)."""
    reqs = tuple(sorted(set(requirements)))
    key = hashlib.sha256(
        json.dumps([reqs, platforms, python, prefix], separators=(",", ":")).encode()
    ).hexdigest()
    return Bundle(
        name=name,
        path=f"artifacts/{name}-{key[:16]}.zip",
        requirements=reqs,
        platforms=platforms,
        python=python,
        key=key,
        prefix=prefix,
    )


def bundle(spec: Bundle, cache: Path | None = None, pip_args: tuple[str, ...] = ()) -> bytes:
    """The zip of ``spec``'s packages: from the cache when this recipe was built before, else
    installed by pip and cached. Byte-identical for the same installed files."""
    folder = (cache or cache_dir()) / "deps"
    cached = folder / f"{spec.key}.zip"
    if cached.exists():
        return cached.read_bytes()
    import tempfile  # (a build without requirements, or cached, never loads it)

    with tempfile.TemporaryDirectory(prefix="faas-iac-deps-") as tmp:
        target = Path(tmp) / "site"
        _pip_install(spec, target, pip_args or tuple(os.environ.get(PIP_ARGS_ENV, "").split()))
        data = deterministic_zip(_entries(target, spec.prefix))
    folder.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(data)
    partial.replace(cached)
    return data


def _pip_install(spec: Bundle, target: Path, pip_args: tuple[str, ...]) -> None:
    import subprocess

    args = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for platform in spec.platforms:
        args += ["--platform", platform]
    args += ["--python-version", spec.python, "--implementation", "cp"]
    args += ["--only-binary=:all:", "--no-compile", "--target", str(target), *pip_args]
    args += list(spec.requirements)
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return
    where = f"{', '.join(spec.platforms)}, Python {spec.python}"
    missing = _NO_WHEEL.search(done.stderr)
    if missing:
        raise FaasError.one(
            "FIAC207",
            f"requirement {missing.group(1)!r} has no wheel for the target ({where})",
            fix="pick a version that publishes a wheel for this platform (see its files on "
            "PyPI), or a pure-Python alternative; the target's builder cannot compile it",
            path="requirements",
        )
    tail = " ".join(done.stderr.strip().splitlines()[-3:])
    raise FaasError.one(
        "FIAC208",
        f"pip could not install the requirements for the target ({where}): {tail}",
        fix="check the requirement lines and that the package index is reachable (pip's own "
        f"configuration applies; extra pip arguments go in ${PIP_ARGS_ENV})",
        path="requirements",
    )


def _entries(target: Path, prefix: str) -> list[tuple[str, bytes]]:
    """Every installed file under ``prefix``, except console scripts and byte code (they name
    this machine's interpreter); ``RECORD`` lines of the skipped files are dropped too."""
    out: list[tuple[str, bytes]] = []
    for path in sorted(target.rglob("*")):
        rel = path.relative_to(target).as_posix()
        if not path.is_file() or rel.startswith(_SKIP_DIRS) or "/__pycache__/" in rel:
            continue
        data = path.read_bytes()
        if rel.endswith(".dist-info/RECORD"):
            lines = data.decode().splitlines(keepends=True)
            kept = [
                ln for ln in lines if not ln.startswith(("../", "bin/")) and "__pycache__" not in ln
            ]
            data = "".join(kept).encode()
        out.append((prefix + rel, data))
    return out
