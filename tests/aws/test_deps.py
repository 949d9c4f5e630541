"""``App(requirements=...)`` on AWS: a dependencies layer per Python runtime, installed by pip
for Lambda's platform (wheels only), zipped deterministically, cached by the recipe's hash; a
package without a wheel for the target is FIAC207 naming it. Deployed to a real moto_server,
the layer moto stores holds ``requests`` built for manylinux / the runtime's CPython."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from faas_iac_aws.plan.layer import provider_blobs
from faas_iac_aws.provider import provider

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.plan import DeployOptions, compile_app, write_output
from faas_iac.plan.deps import bundle, recipe
from tests.aws.moto_server import moto_server

APP = Path(__file__).parent / "apps" / "deps" / "app.py"


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faas-iac-cache")


@pytest.fixture
def deps_cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One cache for the module, so each recipe is installed by pip once per run."""
    monkeypatch.setenv("FAAS_IAC_CACHE", str(shared_cache))
    return shared_cache


def _wheel_tags(data: bytes, project: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        wheel = next(
            n for n in zf.namelist() if n.startswith(f"python/{project}-") and n.endswith("/WHEEL")
        )
        lines = zf.read(wheel).decode().splitlines()
    return [line.split(": ", 1)[1] for line in lines if line.startswith("Tag: ")]


def test_the_plan_carries_the_requirements_per_runtime() -> None:
    model, root = load(str(APP))
    plan = compile_app(model, root, "aws").plan
    (spec,) = plan.bundles
    assert spec.requirements == ("requests",)
    assert spec.platforms == ("manylinux2014_x86_64",) and spec.python == "3.11"
    layer = plan.resource("deps-layer-py311")
    assert layer.artifact == spec.name
    for fn in ("fn-version", "fn-tick"):
        assert plan.resource(fn).properties["layers"] == [
            {"$sub": "${adapter-layer.arn}"},
            {"$sub": "${deps-layer-py311.arn}"},
        ]


def test_requests_installed_for_the_target_not_this_machine_deterministically(
    tmp_path: Path, deps_cache: Path
) -> None:
    # arm64 Lambdas and CPython 3.12: neither is this test machine's
    spec = recipe("t", ("requests",), ("manylinux2014_aarch64",), "3.12", "python/")
    data = bundle(spec, cache=deps_cache)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
    assert "python/requests/__init__.py" in names
    assert not any(n.startswith("python/bin/") or "__pycache__" in n for n in names)
    # charset_normalizer ships compiled wheels: the one chosen is CPython 3.12 on manylinux
    # aarch64, whatever this machine is
    tags = _wheel_tags(data, "charset_normalizer")
    assert tags and all(t.startswith("cp312-cp312-manylinux") for t in tags), tags
    assert all(t.endswith("_aarch64") for t in tags), tags
    # a second install into an empty cache gives the same bytes
    again = bundle(spec, cache=tmp_path / "fresh")
    assert again == data
    assert (tmp_path / "fresh" / "deps" / f"{spec.key}.zip").read_bytes() == data


def _sdist_only(folder: Path) -> None:
    """A wheelhouse holding only an sdist of ``nowheel``: pip may not build it."""
    folder.mkdir()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in {
            "nowheel-1.0/PKG-INFO": "Metadata-Version: 2.1\nName: nowheel\nVersion: 1.0\n",
            "nowheel-1.0/setup.py": "from setuptools import setup\nsetup(name='nowheel')\n",
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text.encode()))
    (folder / "nowheel-1.0.tar.gz").write_bytes(buffer.getvalue())


def test_a_package_without_a_wheel_is_named(tmp_path: Path) -> None:
    _sdist_only(tmp_path / "wheels")
    spec = recipe("t", ("nowheel",), ("manylinux2014_x86_64",), "3.12", "python/")
    pip_args = ("--no-index", "--find-links", str(tmp_path / "wheels"))
    with pytest.raises(FaasError) as info:
        bundle(spec, cache=tmp_path / "cache", pip_args=pip_args)
    assert info.value.codes == ["FIAC207"]
    assert "'nowheel' has no wheel for the target (manylinux2014_x86_64, Python 3.12)" in str(
        info.value.render()
    )
    assert not (tmp_path / "cache" / "deps").exists()  # nothing half-written


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


def test_moto_deploy_puts_requests_in_the_lambdas_layer(
    tmp_path: Path, endpoint: str, deps_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    session = boto3.session.Session(region_name="us-east-1")
    model, root = load(str(APP))
    compiled = compile_app(model, root, "aws")
    options = DeployOptions(endpoint_url=endpoint, session=session, state=tmp_path / "s.json")
    provider.deploy(compiled, options)
    lam = session.client("lambda", endpoint_url=endpoint)
    config = lam.get_function(FunctionName="depsapp-version")["Configuration"]
    layer_arns = [layer["Arn"] for layer in config["Layers"]]
    deps_arn = next(a for a in layer_arns if ":layer:depsapp-deps-layer-py311:" in a)
    *_, layer_name, number = deps_arn.split(":")
    version = lam.get_layer_version(LayerName=layer_name, VersionNumber=int(number))
    assert version["CompatibleRuntimes"] == ["python3.11"]
    # moto keeps the layer's SHA-256 and size, as Lambda reports them: the bytes it was given
    stored = provider_blobs(compiled.plan)["aws-deps-layer-py311"]
    digest = base64.b64encode(hashlib.sha256(stored).digest()).decode()
    assert (version["Content"]["CodeSha256"], version["Content"]["CodeSize"]) == (
        digest,
        len(stored),
    )
    with zipfile.ZipFile(io.BytesIO(stored)) as zf:
        assert "python/requests/__init__.py" in zf.namelist()
    tags = _wheel_tags(stored, "charset_normalizer")
    assert all(t.startswith(("cp311-cp311-manylinux", "py3-none-any")) for t in tags), tags
    provider.destroy(compiled, options)


@pytest.mark.parametrize(("target", "folder"), [("gcp", "gcp-app"), ("azure", "azure-app")])
def test_gcp_and_azure_builders_get_the_requirements(
    tmp_path: Path, target: str, folder: str
) -> None:
    """Cloud Functions and Azure Functions install requirements.txt themselves (remote build):
    the generated app lists the app's requirements beside the runtime's own."""
    model, root = load(str(APP))
    compiled = compile_app(model, root, target)
    write_output(compiled, tmp_path)
    lines = (tmp_path / folder / "requirements.txt").read_text().splitlines()
    assert "requests" in lines
