"""The bytecode shipped beside an artifact's sources (:mod:`faas_iac.bytecode`): what the
standard library's own ``py_compile`` writes for the same source (unchecked-hash form), read by
the interpreter in place of the source, the same bytes in a fresh process with another hash
seed, and free of this machine's paths."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from faas_iac.api import load
from faas_iac.bytecode import runs_here, this_runtime, with_bytecode
from faas_iac.plan import build_code_zip, compile_app
from faas_iac.plan.sources import app_files
from tests.conftest import EXAMPLES, ROOT

TAG = sys.implementation.cache_tag
SHOP = EXAMPLES / "shop" / "app.py"
#: builds the shop's code zip with bytecode and prints its SHA-256
BUILD = """
import hashlib, sys
from faas_iac.api import load
from faas_iac.plan import build_code_zip
from faas_iac.plan.sources import app_files
model, root = load(sys.argv[1])
print(hashlib.sha256(build_code_zip(app_files(model, root), bytecode=True)).hexdigest())
"""


#: py_compile of argv[1] to http.pyc beside it, as the artifact names it, unchecked hash
COMPILE = """
import py_compile, sys
py_compile.compile(
    sys.argv[1],
    cfile=sys.argv[1] + "c",
    dfile="faas_iac/runtime/http.py",
    doraise=True,
    optimize=0,
    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
)
"""


def _shop_zip() -> bytes:
    model, root = load(str(SHOP))
    return build_code_zip(app_files(model, root), bytecode=True)


def test_each_pyc_is_what_py_compile_writes(tmp_path: Path) -> None:
    source = (ROOT / "faas_iac" / "runtime" / "http.py").read_bytes()
    ours = with_bytecode({"faas_iac/runtime/http.py": source})
    (shipped,) = [v for k, v in ours.items() if k == f"faas_iac/runtime/__pycache__/http.{TAG}.pyc"]
    (tmp_path / "http.py").write_bytes(source)
    # py_compile in a fresh interpreter, as the build compiles: marshal flags an object by
    # whether anything else holds it, so in this long-lived test process (every module of the
    # test run loaded) the same source can marshal to other bytes
    subprocess.run(
        [sys.executable, "-s", "-S", "-c", COMPILE, str(tmp_path / "http.py")],
        env={"PYTHONHASHSEED": "0"},
        check=True,
    )
    assert shipped == (tmp_path / "http.pyc").read_bytes()


def test_the_interpreter_runs_the_shipped_bytecode(tmp_path: Path) -> None:
    zipfile.ZipFile(io.BytesIO(_shop_zip())).extractall(tmp_path)
    handlers = tmp_path / "faas_iac" / "runtime" / "handlers.py"
    assert (handlers.parent / "__pycache__" / f"handlers.{TAG}.pyc").is_file()
    # the source changed after the build: only the bytecode can still define resolve
    handlers.write_text("")
    code = "import sys; sys.path.insert(0, '.'); from faas_iac.runtime.handlers import resolve"
    env = {"PATH": os.environ.get("PATH", "")}
    out = subprocess.run(
        [sys.executable, "-S", "-B", "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr


def test_the_same_source_gives_the_same_bytes_in_a_fresh_process(tmp_path: Path) -> None:
    import hashlib

    here = hashlib.sha256(_shop_zip()).hexdigest()
    # an empty build cache: the other process compiles and zips everything itself
    env = {**os.environ, "PYTHONHASHSEED": "12345", "FAAS_IAC_CACHE": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", BUILD, str(SHOP)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == here
    with zipfile.ZipFile(io.BytesIO(_shop_zip())) as zf:
        compiled = [n for n in zf.namelist() if n.endswith(".pyc")]
        assert len(compiled) == sum(1 for n in zf.namelist() if n.endswith(".py"))
        for name in compiled:  # no path of the build machine in any of them
            assert str(ROOT).encode() not in zf.read(name), name


def test_bytecode_ships_only_for_this_interpreters_runtime() -> None:
    model, root = load(str(SHOP))
    compiled = compile_app(model, root, "aws")
    names = zipfile.ZipFile(io.BytesIO(compiled.code_zip)).namelist()
    assert any(n.endswith(f".{TAG}.pyc") for n in names) == runs_here(
        {f.runtime for f in model.functions}
    )
    assert runs_here([this_runtime()]) and not runs_here(["python2.7", "nodejs20.x"])
