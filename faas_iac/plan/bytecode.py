"""Bytecode shipped beside the sources of an artifact, so a cold start does not compile them.

A function's first invocation imports the runtime shim, its adapter and the app's modules; a
Lambda zip holds no bytecode unless it ships some, and its folders are read-only, so without it
every cold start compiles every module it imports (most of the adapter's cold start). Python
reads ``__pycache__/<module>.<cache tag>.pyc`` beside a source only when the tag is its own, so
the bytecode is made by this interpreter and shipped only for the runtime that is this
interpreter's version (:func:`runs_here`); other runtimes compile the sources as before.

Each ``.pyc`` is PEP 552's unchecked-hash form: its header holds a hash of the source, never a
time, and the code object is compiled from the artifact's own bytes under the artifact's path
(``co_filename`` carries no build machine path; the import system puts the real path back on
load), with ``optimize=0`` as the runtime runs. So the same source gives the same bytes, build
after build, on any machine with the same Python version (``tests/test_bytecode.py``).
"""

from __future__ import annotations

import marshal
import sys
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.util import MAGIC_NUMBER, source_hash
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import AppModel

#: PEP 552 flags: hash-based (bit 0), source not checked against it (bit 1 clear).
_UNCHECKED_HASH = (0b01).to_bytes(4, "little")


def this_runtime() -> str:
    """The Lambda-style runtime name of this interpreter (``python3.11``)."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def runs_here(runtimes: Iterable[str]) -> bool:
    """Whether bytecode made here is read by one of ``runtimes`` (``python3.11``...)."""
    return sys.implementation.name == "cpython" and this_runtime() in set(runtimes)


@lru_cache(maxsize=4096)
def pyc(arcname: str, source: bytes) -> bytes | None:
    """The unchecked-hash ``.pyc`` of one module, or ``None`` when this interpreter cannot
    compile it (newer syntax, not Python): the runtime then compiles the source itself."""
    try:
        code = compile(source, arcname, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        return None
    return MAGIC_NUMBER + _UNCHECKED_HASH + source_hash(source) + marshal.dumps(code)


def app_runtimes(model: AppModel) -> set[str]:
    """The runtimes the app's Python functions run on."""
    return {fn.runtime for fn in model.functions if fn.handler.python}


def with_bytecode(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """``files`` (archive name → bytes) and, beside each ``.py``, its ``__pycache__`` entry."""
    tag = sys.implementation.cache_tag
    out = dict(files)
    for arcname, source in files.items():
        if not arcname.endswith(".py") or "__pycache__" in arcname.split("/"):
            continue
        data = pyc(arcname, source)
        if data is not None:
            folder, _, name = arcname.rpartition("/")
            out[f"{folder}/__pycache__/{name[:-3]}.{tag}.pyc".lstrip("/")] = data
    return out
