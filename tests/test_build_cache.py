"""The build cache (``faas_iac.cache``): what comes from it is what a fresh build makes
(the judge: ``py_compile`` in a fresh interpreter, and a build with the cache empty), a foreign
or damaged entry is never used, a cache folder that cannot be written only costs time, and each
kind keeps its newest entries only."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from faas_iac import bytecode, cache
from faas_iac.bytecode import compile_all
from faas_iac.plan import artifacts
from faas_iac.plan.artifacts import layer_zip_of
from tests.conftest import ROOT

SOURCE = (ROOT / "faas_iac" / "runtime" / "http.py").read_bytes()
NAME = "faas_iac/runtime/http.py"
#: py_compile of argv[1], named as the artifact names it, unchecked hash, in a fresh interpreter
PY_COMPILE = """
import py_compile, sys
py_compile.compile(sys.argv[1], cfile=sys.argv[2], dfile=sys.argv[3], doraise=True,
                   optimize=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and nothing compiled yet in this process."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(bytecode, "_made", {})
    return tmp_path / "cache"


def reference(tmp_path: Path, source: bytes, name: str) -> bytes:
    (tmp_path / "m.py").write_bytes(source)
    subprocess.run([sys.executable, "-s", "-S", "-c", PY_COMPILE, str(tmp_path / "m.py"),
                    str(tmp_path / "m.pyc"), name], env={"PYTHONHASHSEED": "0"},
                   check=True)  # fmt: skip
    return (tmp_path / "m.pyc").read_bytes()


def no_compiler(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the compiler process was started")


def test_a_hit_is_what_py_compile_writes_and_starts_no_process(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    want = reference(tmp_path, SOURCE, NAME)
    assert compile_all([(NAME, SOURCE)]) == {(NAME, SOURCE): want}  # a miss: compiled
    monkeypatch.setattr(bytecode, "_made", {})  # as a new process would start
    monkeypatch.setattr(subprocess, "Popen", no_compiler)
    assert compile_all([(NAME, SOURCE)]) == {(NAME, SOURCE): want}  # a hit
    # what does not compile here is remembered as such
    monkeypatch.undo()
    monkeypatch.setenv(cache.CACHE_ENV, str(fresh))
    bad = (NAME, b"def f(:\n")
    assert compile_all([bad]) == {bad: None}
    monkeypatch.setattr(bytecode, "_made", {})
    monkeypatch.setattr(subprocess, "Popen", no_compiler)
    assert compile_all([bad]) == {bad: None}


def test_a_damaged_or_foreign_entry_is_compiled_again(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    want = reference(tmp_path, SOURCE, NAME)
    compile_all([(NAME, SOURCE)])
    (entry,) = (fresh / "bytecode").iterdir()
    other = reference(tmp_path, b"x = 1\n", NAME)  # a valid .pyc of another source
    whole = entry.read_bytes()
    foreign = hashlib.sha256(other).digest() + other  # a sound entry, of another source
    for damaged in (whole[:-7], foreign, b"\x00" * 40, b""):
        entry.write_bytes(damaged)
        monkeypatch.setattr(bytecode, "_made", {})
        assert compile_all([(NAME, SOURCE)]) == {(NAME, SOURCE): want}
        assert entry.read_bytes() == whole  # and the entry is mended


def test_a_cache_that_cannot_be_written_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))
    monkeypatch.setattr(bytecode, "_made", {})
    files = {NAME: SOURCE}
    assert compile_all([(NAME, SOURCE)]) == {(NAME, SOURCE): reference(tmp_path, SOURCE, NAME)}
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "ok"))
    assert layer_zip_of(files, bytecode=True) == layer_zip_of(files, bytecode=True)
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))
    assert layer_zip_of(files, bytecode=True) == (
        artifacts.deterministic_zip(bytecode.with_bytecode(files).items())
    )
    assert blocker.read_text() == "not a folder"


def test_a_layer_from_the_cache_is_the_zip_a_fresh_build_makes(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        NAME: SOURCE,
        "faas_iac/runtime/cors.py": (ROOT / "faas_iac/runtime/cors.py").read_bytes(),
    }
    built = layer_zip_of(files, bytecode=True)
    plain = layer_zip_of(files, bytecode=False)
    assert built != plain
    assert {n for n in zipfile.ZipFile(io.BytesIO(built)).namelist() if n.endswith(".pyc")}
    assert not [n for n in zipfile.ZipFile(io.BytesIO(plain)).namelist() if n.endswith(".pyc")]
    monkeypatch.setattr(artifacts, "deterministic_zip", no_compiler)
    assert layer_zip_of(files, bytecode=True) == built
    assert layer_zip_of(files, bytecode=False) == plain
    changed = {**files, NAME: SOURCE + b"\n# edited\n"}
    with pytest.raises(AssertionError, match="compiler process"):
        layer_zip_of(changed, bytecode=False)  # another input: not from the cache


def test_each_kind_keeps_its_newest_entries(fresh: Path) -> None:
    for i in range(7):
        cache.write("things", f"k{i}", b"x", limit=4)
    assert sorted(p.name for p in (fresh / "things").iterdir()) == ["k3", "k4", "k5", "k6"]
    assert cache.read("things", "k6") == b"x" and cache.read("things", "k0") is None


def test_a_module_this_python_cannot_compile_ships_as_source(fresh: Path, tmp_path: Path) -> None:
    from faas_iac.api import load
    from faas_iac.plan import compile_app

    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(
        'from faas_iac import App\napp = App("odd")\n\n@app.http("/x", auth="anonymous")\n'
        "def f(req, ctx):\n    return {}\n"
    )
    (app / "later.py").write_text("def f(:\n    pass\n")  # not imported; not Python here
    model, root = load(str(app / "app.py"))
    for _ in range(2):  # compiled, then from the cache
        names = zipfile.ZipFile(io.BytesIO(compile_app(model, root, "aws").code_zip)).namelist()
        tag = sys.implementation.cache_tag
        assert f"__pycache__/app.{tag}.pyc" in names and "later.py" in names
        assert not [n for n in names if n.startswith("__pycache__/later.")]
        bytecode._made.clear()


def test_the_import_runs_the_code_zips_bytecode_under_the_files_own_name(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.machinery

    from faas_iac.api import load
    from faas_iac.bytecode import prefetch
    from faas_iac.errors import FaasError

    app = tmp_path / "edited"
    app.mkdir()
    source = (
        'from faas_iac import App\napp = App("edited")\n\n\ndef helper():\n    return 1\n\n\n'
        '@app.http("/x", auth="anonymous")\ndef f(req, ctx):\n    return {"n": helper()}\n'
    )
    (app / "app.py").write_text(source)
    prefetch(app / "app.py")  # as `faas-iac compile` starts: compiled beside the imports

    def compiled_again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the import compiled the app file")

    monkeypatch.setattr(importlib.machinery.SourceFileLoader, "source_to_code", compiled_again)
    model, _ = load(str(app / "app.py"))
    (fn,) = model.functions
    assert str(fn.source).endswith("app.py:9")
    module = sys.modules["app"]
    for code in (module.f.__code__, module.helper.__code__):
        assert code.co_filename == str((app / "app.py").resolve())
    del sys.modules["app"]
    # a mistake while importing is still located in the user's file
    (app / "app.py").write_text(source + "\nraise RuntimeError('boom')\n")
    prefetch(app / "app.py")
    with pytest.raises(FaasError) as info:
        load(str(app / "app.py"))
    assert info.value.codes == ["FIAC004"] and "app.py:13" in info.value.render()
