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
load), with ``optimize=0`` as the runtime runs, and marshalled in a fresh interpreter
(:func:`compile_all`). So the same source gives the same bytes, build after build, on any
machine with the same Python version (``tests/test_bytecode.py``). A module this interpreter's
build compiled before comes from the user's cache (:mod:`.cache`, keyed by build, name and
source), so a compile after an edit starts an interpreter only for the edited modules.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
from collections.abc import Iterable, Mapping
from importlib.util import MAGIC_NUMBER, source_hash
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING

from . import cache

if TYPE_CHECKING:
    import subprocess

#: PEP 552 flags: hash-based (bit 0), source not checked against it (bit 1 clear).
_UNCHECKED_HASH = (0b01).to_bytes(4, "little")


def this_runtime() -> str:
    """The Lambda-style runtime name of this interpreter (``python3.11``)."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def runs_here(runtimes: Iterable[str]) -> bool:
    """Whether bytecode made here is read by one of ``runtimes`` (``python3.11``...)."""
    return sys.implementation.name == "cpython" and this_runtime() in set(runtimes)


#: Compiles each ``(name, source)`` read from stdin; writes the marshalled code of each (or
#: ``None`` when it does not compile here), in order.
_COMPILER = """
import marshal, sys
out = []
for name, source in marshal.load(sys.stdin.buffer):
    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        out.append(None)
    else:  # held by a name, as py_compile holds it: marshal flags what has other references
        out.append(marshal.dumps(code))
sys.stdout.buffer.write(marshal.dumps(out))
"""
#: (archive name, source) → its ``.pyc`` (``None``: it does not compile here), per process.
_made: dict[tuple[str, bytes], bytes | None] = {}
#: Modules kept in the cache (:mod:`.cache`): each edit of a module adds one.
CACHE_LIMIT = 2000


def _header(source: bytes) -> bytes:
    return MAGIC_NUMBER + _UNCHECKED_HASH + source_hash(source)


def _cache_key(name: str, source: bytes) -> str:
    """This interpreter's build (its version string names the compiler), the name, the source."""
    return cache.key_of(f"{sys.implementation.cache_tag} {sys.version}".encode(), name.encode(),
                        source)  # fmt: skip


def _cached(name: str, source: bytes) -> tuple[bool, bytes | None]:
    """``(hit, pyc)``: an empty entry records a module that does not compile here."""
    data = cache.read("bytecode", _cache_key(name, source))
    if data == b"":
        return True, None
    if data is not None and data.startswith(_header(source)):
        return True, data
    return False, None


class Compiling:
    """The ``.pyc`` of modules, being made: what this interpreter's build compiled before comes
    from the cache (:mod:`.cache`), the rest is compiled by a fresh interpreter started here
    and collected by :meth:`result` (meanwhile the caller may plan: it runs on another core).
    The sources go in and the code comes out through files: feeding a pipe takes a turn of a
    Python loop per 512 bytes."""

    def __init__(self, modules: Iterable[tuple[str, bytes]]) -> None:
        self.modules = list(modules)
        self.wanted: list[tuple[str, bytes]] = []
        #: Compilations started earlier in this process that make some of these modules.
        self._earlier: set[Compiling] = set()
        for module in sorted({m for m in self.modules if m not in _made}):
            if module in _compiling:
                self._earlier.add(_compiling[module])
                continue
            hit, pyc = _cached(*module)
            if hit:
                _made[module] = pyc
            else:
                self.wanted.append(module)
        self._process: subprocess.Popen[bytes] | None = None
        if self.wanted:  # (a compile whose modules are all cached never loads these two)
            import subprocess
            import tempfile

            with tempfile.TemporaryFile() as given:  # the process holds its own copy
                marshal.dump(self.wanted, given)
                given.seek(0)
                self._made = tempfile.TemporaryFile()  # noqa: SIM115 (result() closes it)
                self._process = subprocess.Popen(
                    # -E (and so -I) would ignore PYTHONHASHSEED: the environment holds
                    # nothing else
                    [sys.executable, "-s", "-S", "-c", _COMPILER],
                    stdin=given,
                    stdout=self._made,
                    stderr=subprocess.DEVNULL,
                    env={"PYTHONHASHSEED": "0"},
                )
            _compiling.update(dict.fromkeys(self.wanted, self))

    def result(self) -> dict[tuple[str, bytes], bytes | None]:
        for earlier in self._earlier:
            earlier.result()
        if self._process is not None:
            process, self._process = self._process, None
            with self._made:
                code = process.wait()
                for module in self.wanted:
                    _compiling.pop(module, None)
                if code != 0:
                    from subprocess import CalledProcessError

                    raise CalledProcessError(code, process.args)
                self._made.seek(0)
                codes = marshal.load(self._made)
            for (name, source), made in zip(self.wanted, codes, strict=True):
                pyc = None if made is None else _header(source) + made
                _made[name, source] = pyc
                cache.write("bytecode", _cache_key(name, source), pyc or b"", CACHE_LIMIT)
        return {m: _made[m] for m in self.modules}


#: The modules a process started here is compiling, and that compilation.
_compiling: dict[tuple[str, bytes], Compiling] = {}


def prefetch(path: Path) -> None:
    """Start compiling the app file ``path`` (named in the code zip as its file name: the root
    of an app given by its file is that file's folder), so that it is made on another core
    while this process imports faas-iac; :func:`code_of` and the packaging take it from here."""
    with contextlib.suppress(OSError):
        module = (path.name, path.read_bytes())
        if module not in _made and module not in _compiling:
            Compiling([module])


def code_of(name: str, source: bytes, filename: str) -> CodeType | None:
    """The code of module ``name`` from its bytecode made here, being made or cached (as the
    artifact ships it), under ``filename``; None when there is none, or it does not compile
    here, or this interpreter optimises (``-O``: the artifact's bytecode keeps asserts)."""
    module = (name, source)
    if sys.flags.optimize:
        return None
    if module not in _made and module not in _compiling:
        hit, pyc = _cached(name, source)
        if not hit:
            return None
        _made[module] = pyc
    pyc = Compiling([module]).result()[module]
    return None if pyc is None else _refile(marshal.loads(pyc[16:]), filename)


def _refile(code: CodeType, filename: str) -> CodeType:
    """``code`` and the code in it, as compiled from ``filename``."""
    consts = tuple(_refile(c, filename) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def compile_all(modules: Iterable[tuple[str, bytes]]) -> dict[tuple[str, bytes], bytes | None]:
    """The unchecked-hash ``.pyc`` of each ``(archive name, source)``, or ``None`` when this
    interpreter cannot compile it (newer syntax, not Python): the runtime then compiles the
    source itself.

    The code is compiled and marshalled in a fresh interpreter (no site, an empty environment,
    a fixed hash seed): marshal marks an object it will meet again by whether anything else
    holds it (its reference count), so in a long-lived process (this one, with the compiler's
    modules loaded) the same source can give other bytes, as it did in a test run. The bytes
    are those ``py_compile`` (``compileall --invalidation-mode unchecked-hash``) writes."""
    return Compiling(modules).result()


def modules_of(files: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    """The ``(archive name, source)`` of each module among ``files``."""
    return [
        (name, data)
        for name, data in files.items()
        if name.endswith(".py") and "__pycache__" not in name.split("/")
    ]


def beside(
    files: Mapping[str, bytes], compiled: Mapping[tuple[str, bytes], bytes | None]
) -> dict[str, bytes]:
    """``files`` and, beside each module compiled, its ``__pycache__`` entry."""
    tag = sys.implementation.cache_tag
    out = dict(files)
    for (arcname, _), data in compiled.items():
        if data is not None:
            folder, _, name = arcname.rpartition("/")
            out[f"{folder}/__pycache__/{name[:-3]}.{tag}.pyc".lstrip("/")] = data
    return out


def with_bytecode(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """``files`` (archive name → bytes) and, beside each ``.py``, its ``__pycache__`` entry,
    compiled now (builds take them through the cache: :class:`faas_iac.plan.artifacts.Zipping`;
    tests compare against this)."""
    return beside(files, compile_all(modules_of(files)))
