"""Packaging: a zip of the app's selected files (:mod:`.sources`) and the runtime shim,
byte-identical for the same input.

Entries are sorted, timestamps fixed to 1980-01-01, modes fixed (0644 files), compression
fixed, so the SHA-256 in the plan changes only when the code does.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import FaasError
from .model import Artifact
from .sources import AppFiles

FIXED_TIME = (1980, 1, 1, 0, 0, 0)

#: The shim: the standard-library-only files of faas_iac that run inside every artifact. Not
#: the compiler's ``_app.py``: there the decorator API is ``runtime/app.py`` (decorators that
#: hand each function back; see ``faas_iac/__init__.py``).
SHIM_FILES = ("__init__.py", "errors.py", "py.typed")
SHIM_PACKAGES = ("runtime",)
#: Of ``faas_iac.durable``, exactly the standard-library core the cloud adapters replay an
#: orchestrator with (the Lambda durable adapter imports codec, orchestration and tasks; these
#: import context and entity_id) under the package's lazy ``__init__``. User code running in
#: the cloud imports its names from there too (``TaskFailedError``, ``EntityId``...).
SHIM_DURABLE = (
    "__init__.py",
    "codec.py",
    "context.py",
    "entity_id.py",
    "orchestration.py",
    "tasks.py",
)


def shim_entries() -> list[tuple[str, Path]]:
    """``(arcname, path)`` of the shim files, read from this installed package."""
    package = Path(__file__).resolve().parent.parent
    entries = [(f"faas_iac/{name}", package / name) for name in SHIM_FILES]
    for sub in SHIM_PACKAGES:
        for path in sorted((package / sub).rglob("*.py")):
            if "__pycache__" not in path.parts:
                entries.append((f"faas_iac/{path.relative_to(package).as_posix()}", path))
    entries += [(f"faas_iac/durable/{name}", package / "durable" / name) for name in SHIM_DURABLE]
    return entries


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


def read_code(files: AppFiles) -> dict[str, bytes]:
    """The app's selected files and the shim, by archive name."""
    data: dict[str, bytes] = {}
    try:
        for arcname, path in [*files.files, *shim_entries()]:
            data[arcname] = path.read_bytes()
    except OSError as exc:
        raise FaasError.one(
            "FIAC202", f"cannot read {exc.filename}: {exc.strerror}", fix="check file permissions"
        ) from None
    return data


def build_code_zip(
    files: AppFiles, extra: dict[str, bytes] | None = None, *, bytecode: bool = False
) -> bytes:
    """The app's selected files plus the shim, plus ``extra`` generated files, as one zip;
    with ``bytecode``, each module's ``.pyc`` for this interpreter beside it (:mod:`.bytecode`:
    pass :func:`.bytecode.runs_here` of the app's runtimes)."""
    data = {**read_code(files), **(extra or {})}
    if bytecode:
        from .bytecode import with_bytecode

        data = with_bytecode(data)
    return deterministic_zip(data.items())


#: Layer zips kept in the cache (:mod:`.cache`): one per installed version of a provider.
ZIP_CACHE_LIMIT = 20


def layer_zip_of(files: Mapping[str, bytes], *, bytecode: bool) -> bytes:
    """:func:`deterministic_zip` of ``files``, with each module's bytecode beside it when
    ``bytecode``; from the cache when this interpreter's build zipped the same files before.
    For what a provider builds from its installed package (a layer), the same for every app."""
    from . import cache

    parts = [b"bytecode " + f"{sys.implementation.cache_tag} {sys.version}".encode()] * bytecode
    for name in sorted(files):
        parts += [name.encode(), files[name]]
    key = cache.key_of(*parts)
    data = cache.read("zips", key)
    if data is None:
        if bytecode:
            from .bytecode import with_bytecode

            files = with_bytecode(files)
        data = deterministic_zip(files.items())
        cache.write("zips", key, data, ZIP_CACHE_LIMIT)
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: The code artifact's name in every plan.
CODE_ARTIFACT = "code"


def code_artifact(code: bytes) -> Artifact:
    """The plan's record of the code zip ``code``: named by its digest."""
    digest = sha256(code)
    return Artifact(
        name=CODE_ARTIFACT, path=f"artifacts/code-{digest[:16]}.zip", sha256=digest, size=len(code)
    )


class Packaging:
    """The code zip, made while the planner works: the app's files are read and their bytecode
    (when asked) starts compiling in another process here; :meth:`zip` collects it."""

    def __init__(self, files: AppFiles, *, bytecode: bool) -> None:
        from .bytecode import Compiling, modules_of

        self._data = read_code(files)
        self._compiling = Compiling(modules_of(self._data) if bytecode else ())
        self._zip: bytes | None = None
        self._artifact: Artifact | None = None

    def zip(self) -> bytes:
        if self._zip is None:
            from .bytecode import beside

            self._zip = deterministic_zip(beside(self._data, self._compiling.result()).items())
        return self._zip

    def artifact(self) -> Artifact:
        if self._artifact is None:
            self._artifact = code_artifact(self.zip())
        return self._artifact
