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

from .. import cache
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
    with ``bytecode``, each module's ``.pyc`` for this interpreter beside it
    (:mod:`faas_iac.bytecode`: pass :func:`~faas_iac.bytecode.runs_here` of the app's
    runtimes). Made as a compile makes its code zip (:class:`Zipping`, the build cache)."""
    return Zipping({**read_code(files), **(extra or {})}, bytecode=bytecode).result()


#: Zips kept in the cache (:mod:`faas_iac.cache`): layers (one per installed version of a provider)
#: and code zips (one per edit of an app).
ZIP_CACHE_LIMIT = 40


class Zipping:
    """:func:`deterministic_zip` of ``files`` with each module's bytecode beside it when
    ``bytecode``, being made: from the cache when this interpreter's build zipped the same files
    before, else the bytecode starts compiling in another process here
    (:mod:`faas_iac.bytecode`) and :meth:`result` zips. So the caller may plan meanwhile."""

    def __init__(self, files: Mapping[str, bytes], *, bytecode: bool) -> None:
        self._files = files
        build = f"bytecode {sys.implementation.cache_tag} {sys.version}".encode()
        parts = [build] if bytecode else []
        for name in sorted(files):
            parts += [name.encode(), files[name]]
        self._key = cache.key_of(*parts)
        self._zip = cache.read("zips", self._key)
        self._compiling = None
        if self._zip is None and bytecode:
            from ..bytecode import Compiling, modules_of

            self._compiling = Compiling(modules_of(files))

    def result(self) -> bytes:
        if self._zip is None:
            files = self._files
            if self._compiling is not None:
                from ..bytecode import beside

                files = beside(files, self._compiling.result())
            self._zip = deterministic_zip(files.items())
            cache.write("zips", self._key, self._zip, ZIP_CACHE_LIMIT)
        return self._zip


def layer_zip_of(files: Mapping[str, bytes], *, bytecode: bool) -> bytes:
    """The zip of what a provider builds from its installed package (a layer): the same for
    every app, so nearly always from the cache (:class:`Zipping`)."""
    return Zipping(files, bytecode=bytecode).result()


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
    """The code zip, made while the planner works (:class:`Zipping` of the app's files and
    the shim); :meth:`zip` waits for it."""

    def __init__(self, files: AppFiles, *, bytecode: bool) -> None:
        self._zipping = Zipping(read_code(files), bytecode=bytecode)
        self._artifact: Artifact | None = None

    def zip(self) -> bytes:
        return self._zipping.result()

    def artifact(self) -> Artifact:
        if self._artifact is None:
            self._artifact = code_artifact(self.zip())
        return self._artifact
