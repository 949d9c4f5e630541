"""Layering rules: core code imports no cloud SDK and no provider; the shim imports only the
standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.conftest import ROOT

CORE = ROOT / "faas_iac"
CLOUD = {
    "boto3", "botocore", "azure", "google", "pulumi_aws", "pulumi_azure_native", "pulumi_gcp",
    "faas_iac_aws", "faas_iac_azure", "faas_iac_gcp",
}  # fmt: skip
SHIM = [
    CORE / "__init__.py",
    CORE / "_app.py",
    CORE / "errors.py",
    *(CORE / "runtime").rglob("*.py"),
]


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_core_imports_no_cloud_sdk_or_provider() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(imports(p) & CLOUD)
        for p in CORE.rglob("*.py")
        if imports(p) & CLOUD
    }
    assert offenders == {}


def test_shim_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"faas_iac", "__future__"}
    offenders = {
        str(p.relative_to(ROOT)): sorted(imports(p) - allowed) for p in SHIM if imports(p) - allowed
    }
    assert offenders == {}


PROVIDERS = sorted((ROOT / "providers").glob("*/faas_iac_*/provider.py"))


def test_every_provider_package_has_the_one_shape() -> None:
    """``provider.py`` (the entry-point object only), ``plan/``, ``types.py``, ``emit.py``,
    ``runtime/``; ``pulumi_emit.py`` and ``eject.py`` where the provider deploys with Pulumi."""
    assert len(PROVIDERS) == 3
    for entry in PROVIDERS:
        package = entry.parent
        missing = [
            part
            for part in ("plan/__init__.py", "types.py", "emit.py", "runtime/__init__.py")
            if not (package / part).is_file()
        ]
        assert missing == [], package.name
        text = entry.read_text()
        if "def pulumi_deploy" in text:
            assert (package / "pulumi_emit.py").is_file() and (package / "eject.py").is_file()
        tree = ast.parse(text)
        top = [
            type(node).__name__
            for node in tree.body
            if not isinstance(node, ast.Import | ast.ImportFrom | ast.If)  # If: TYPE_CHECKING
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        ]
        assert top == ["ClassDef", "Assign"], f"{package.name}/provider.py holds {top}"
