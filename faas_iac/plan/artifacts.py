"""Packaging: a zip of the app's code and the runtime shim, byte-identical for the same input.

Entries are sorted, timestamps fixed to 1980-01-01, modes fixed (0644 files), compression
fixed, so the SHA-256 in the plan changes only when the code does.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import FaasError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SKIP_DIRS = {
    "__pycache__",
    ".faas",
    ".venv",
    "venv",
    "node_modules",
    ".git",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "out",
    "build",
    "dist",
    ".hypothesis",
}
_SKIP_SUFFIXES = {".pyc", ".pyo"}

#: The shim: the standard-library-only files of faas_iac that run inside every artifact.
SHIM_FILES = ("__init__.py", "_app.py", "errors.py", "py.typed")
SHIM_PACKAGES = ("runtime",)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.suffix in _SKIP_SUFFIXES or filename.startswith("."):
                continue
            yield path


def shim_entries() -> list[tuple[str, Path]]:
    """``(arcname, path)`` of the shim files, read from this installed package."""
    package = Path(__file__).resolve().parent.parent
    entries = [(f"faas_iac/{name}", package / name) for name in SHIM_FILES]
    for sub in SHIM_PACKAGES:
        for path in _walk(package / sub):
            entries.append((f"faas_iac/{path.relative_to(package).as_posix()}", path))
    return entries


def app_entries(root: Path) -> list[tuple[str, Path]]:
    return [(path.relative_to(root).as_posix(), path) for path in _walk(root)]


def deterministic_zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for arcname, data in sorted(entries):
            info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def build_code_zip(root: Path, extra: dict[str, bytes] | None = None) -> bytes:
    """The app folder plus the shim, plus ``extra`` generated files, as one zip."""
    files: dict[str, bytes] = {}
    try:
        for arcname, path in [*app_entries(root), *shim_entries()]:
            files[arcname] = path.read_bytes()
    except OSError as exc:
        raise FaasError.one(
            "FIAC202", f"cannot read {exc.filename}: {exc.strerror}", fix="check file permissions"
        ) from None
    files.update(extra or {})
    return deterministic_zip(files.items())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
