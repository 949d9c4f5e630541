"""What goes into a deploy artifact: the app's Python source, the files it declares
(``App(include=)``), minus ``App(exclude=)`` and ``.faasignore``; never dev state, compile
outputs, secrets, dotenv files, VCS or virtualenv folders, on any target."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from faas_iac.bytecode import with_bytecode
from faas_iac.cli import cli
from faas_iac.errors import FaasError
from faas_iac.local.keys import load_keys

SECRET_VALUE = "s3cr3t-db-password-value"

APP = """
from faas_iac import App
from pkgmod_helpers import greeting

app = App("packed"{options})


@app.http("/hello", auth="anonymous")
def hello(req, ctx):
    return {{"message": greeting()}}


@app.schedule("0 3 * * *")
def nightly(timer, ctx): ...
"""


@pytest.fixture(autouse=True)
def _forget_helpers() -> Iterator[None]:
    yield
    for name in ("pkgmod_helpers", "pkgmod_shop", "pkgmod_shop.app", "pkgmod_shop.views"):
        sys.modules.pop(name, None)


def make_app(folder: Path, options: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(APP.format(options=options))
    (folder / "pkgmod_helpers.py").write_text("def greeting():\n    return 'hi'\n")
    return folder / "app.py"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def without_bytecode(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` without the bytecode faas-iac compiled for its sources (an AWS code zip built
    by the runtime's Python version carries it): each must be exactly that, never a stale
    ``__pycache__`` of the app's folder."""
    sources = {n: d for n, d in files.items() if "__pycache__/" not in n}
    assert with_bytecode(sources) == files or sources == files, "a .pyc not made from its source"
    return sources


def artifact_files(out: Path, provider: str) -> dict[str, bytes]:
    """Every file a target deploys: the code zip(s), and Azure's generated app folder."""
    files: dict[str, bytes] = {}
    for path in sorted((out / "artifacts").glob("code-*.zip")):
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
            found = {n: zf.read(n) for n in zf.namelist()}
        files.update({f"{path.name}/{n}": data for n, data in without_bytecode(found).items()})
    if provider == "azure":
        folder = out / "azure-app"
        files.update(
            {
                f"azure-app/{p.relative_to(folder).as_posix()}": p.read_bytes()
                for p in folder.rglob("*")
                if p.is_file()
            }
        )
    assert files, f"no artifact written for {provider}"
    return files


def dirty_app_folder(tmp_path: Path) -> Path:
    """An app folder as a developer leaves it: a dev state folder (made by the real local
    host, with keys and secrets), secrets files, dotenv files, VCS and virtualenv folders,
    and the output of an earlier compile and eject."""
    app = make_app(tmp_path / "proj")
    folder = app.parent
    state = folder / "state"
    run("invoke", str(app), "hello", "--path", "/hello", "--state-dir", str(state))
    load_keys(state, ["hello", "nightly"])
    (state / "secrets.env").write_text(f"db-password={SECRET_VALUE}\n")
    bucket = state / "buckets" / "reports"
    bucket.mkdir(parents=True)
    (bucket / "upload.py").write_text(f"LEAK = {SECRET_VALUE!r}\n")
    (folder / "secrets.env").write_text(f"db-password={SECRET_VALUE}\n")
    (folder / "keys.json").write_text(json.dumps({"master": SECRET_VALUE}))
    (folder / ".env").write_text(f"DB_PASSWORD={SECRET_VALUE}\n")
    (folder / "prod.env").write_text(f"DB_PASSWORD={SECRET_VALUE}\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]\n")
    venv = folder / "env"
    (venv / "lib").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib" / "site.py").write_text("# a virtualenv's module\n")
    (folder / "build" / "lib").mkdir(parents=True)
    (folder / "build" / "lib" / "pkgmod_helpers.py").write_text("# a setuptools build copy\n")
    for provider in ("aws", "azure", "local"):
        run("compile", str(app), "-p", provider, "-o", str(folder / f"build-{provider}"))
    run("eject", str(app), "-p", "aws", "-o", str(folder / "infra"))
    assert (state / "local.sqlite").exists() and (state / "keys.json").exists()
    return app


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
def test_no_artifact_on_any_target_holds_dev_state_or_secrets(
    provider: str, tmp_path: Path
) -> None:
    app = dirty_app_folder(tmp_path)
    out = tmp_path / "out"
    run("compile", str(app), "-p", provider, "-o", str(out))
    files = artifact_files(out, provider)
    app_files = {
        name.split("/", 1)[1]
        for name in files
        if not name.split("/", 1)[1].startswith(("faas_iac/", "faas_iac_azure/"))
    }
    expected = {"app.py", "pkgmod_helpers.py"}
    if provider == "azure":
        expected |= {"function_app.py", "host.json", "requirements.txt", ".funcignore"}
    assert app_files == expected
    for name, data in files.items():
        assert SECRET_VALUE.encode() not in data, name


def test_compile_lists_what_went_into_each_artifact(tmp_path: Path) -> None:
    app = dirty_app_folder(tmp_path)
    text = run("compile", str(app), "-p", "aws", "-o", str(tmp_path / "out"))
    listed = [line.strip() for line in text.splitlines() if line.startswith("  ")]
    assert "app.py" in listed and "pkgmod_helpers.py" in listed
    assert not any("secrets" in line or "keys.json" in line for line in listed), text


def test_artifact_is_the_same_bytes_with_or_without_dev_clutter(tmp_path: Path) -> None:
    clean = make_app(tmp_path / "clean")
    dirty = dirty_app_folder(tmp_path / "dirty")
    run("compile", str(clean), "-p", "aws", "-o", str(tmp_path / "a"))
    run("compile", str(dirty), "-p", "aws", "-o", str(tmp_path / "b"))
    assert artifact_files(tmp_path / "a", "aws") == artifact_files(tmp_path / "b", "aws")


def test_include_exclude_and_faasignore_decide_the_other_files(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "proj",
        ', include=["templates/*.html", "data/**"], exclude=["data/big/**"]',
    )
    folder = app.parent
    (folder / "templates").mkdir()
    (folder / "templates" / "page.html").write_text("<p>hi</p>")
    (folder / "templates" / "notes.txt").write_text("not declared")
    (folder / "data" / "big").mkdir(parents=True)
    (folder / "data" / "prices.json").write_text("{}")
    (folder / "data" / "big" / "dump.json").write_text("{}")
    (folder / "scripts").mkdir()
    (folder / "scripts" / "seed.py").write_text("print('seed')\n")
    (folder / ".faasignore").write_text("# dev-only scripts\nscripts/\n")
    run("compile", str(app), "-p", "aws", "-o", str(tmp_path / "out"))
    names = {n.split("/", 1)[1] for n in artifact_files(tmp_path / "out", "aws")}
    app_files = {n for n in names if not n.startswith("faas_iac/")}
    assert app_files == {"app.py", "pkgmod_helpers.py", "templates/page.html", "data/prices.json"}


@pytest.mark.parametrize(
    ("include", "files", "words"),
    [
        ('["templates/*.html"]', {}, ["matches no file"]),
        ('["secrets.env"]', {"secrets.env": "A=1\n"}, ["never packaged", "secrets="]),
        ('["../other/*.py"]', {}, [".."]),
    ],
)
def test_an_include_that_ships_nothing_is_a_coded_error(
    include: str, files: dict[str, str], words: list[str], tmp_path: Path
) -> None:
    app = make_app(tmp_path / "proj", f", include={include}")
    for name, text in files.items():
        (app.parent / name).write_text(text)
    result = CliRunner().invoke(cli, ["compile", str(app), "-p", "aws", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "FIAC2" in result.output or "FIAC1" in result.output
    assert "app.py:5" in result.output, result.output
    for word in words:
        assert word in result.output
    assert not (tmp_path / "o").exists()


def test_packaging_errors_are_faas_errors(tmp_path: Path) -> None:
    from faas_iac.api import load
    from faas_iac.plan import compile_app

    app = make_app(tmp_path / "proj", ', include=["nothing/*"]')
    model, root = load(str(app))
    with pytest.raises(FaasError) as info:
        compile_app(model, root, "aws")
    assert info.value.codes == ["FIAC206"]


def test_a_wildcard_include_still_leaves_dev_state_and_secrets_out(tmp_path: Path) -> None:
    app = dirty_app_folder(tmp_path)
    app.write_text(app.read_text().replace('App("packed"', 'App("packed", include=["**"]'))
    run("compile", str(app), "-p", "aws", "-o", str(tmp_path / "out"))
    files = artifact_files(tmp_path / "out", "aws")
    app_files = {n.split("/", 1)[1] for n in files} - {
        n.split("/", 1)[1] for n in files if "/faas_iac/" in f"/{n.split('/', 1)[1]}"
    }
    assert app_files == {"app.py", "pkgmod_helpers.py"}
    assert not any(SECRET_VALUE.encode() in data for data in files.values())


def test_an_app_in_a_package_ships_that_package_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "pkgmod_shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text("def hello(req, ctx):\n    return 'hi'\n")
    (package / "app.py").write_text(
        "from faas_iac import App\nfrom .views import hello\n\n"
        "app = App('pkg')\napp.http('/hello')(hello)\n"
    )
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "seed.py").write_text("print('a dev script')\n")
    (tmp_path / "setup.py").write_text("print('packaging')\n")
    monkeypatch.chdir(tmp_path)
    run("compile", "pkgmod_shop.app:app", "-p", "aws", "-o", "out")
    names = {n.split("/", 1)[1] for n in artifact_files(tmp_path / "out", "aws")}
    assert {n for n in names if not n.startswith("faas_iac/")} == {
        "pkgmod_shop/__init__.py",
        "pkgmod_shop/app.py",
        "pkgmod_shop/views.py",
    }
