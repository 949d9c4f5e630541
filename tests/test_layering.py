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
