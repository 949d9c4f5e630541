"""Deploy an app from inside any Pulumi program: ``faas_iac.pulumi.deploy(app, "aws")``.

The provider's Pulumi emitter creates the resources of the same plan that ``faas-iac plan``
shows; nothing here names a cloud. Run inside ``pulumi up`` (or under
``pulumi.runtime.set_mocks`` in tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._app import App
from .api import load
from .errors import FaasError
from .plan import Compiled, PulumiProvider, compile_app


def compiled_for(app: str | App, provider: str, **options: str) -> Compiled:
    model, root = load(app)
    return compile_app(model, root, provider, options)


def _pulumi_provider(compiled: Compiled) -> PulumiProvider:
    impl = compiled.provider
    if not isinstance(impl, PulumiProvider):
        raise FaasError.one(
            "FIAC204",
            f"provider {impl.name!r} has no Pulumi emitter",
            fix="use a provider that has one (faas-iac plan --provider ... lists resources; "
            "the cloud providers deploy with Pulumi)",
        )
    return impl


def build_folder(provider: str, build_dir: Path | None = None) -> Path:
    """Where a Pulumi program's zips go: ``build_dir/<provider>``, by default under ``build/``
    of the Pulumi project (the working folder of ``pulumi up``), never the app's own folder
    (whose files are packaged)."""
    return (build_dir or Path("build")).resolve() / provider


def deploy(
    app: str | App, provider: str, build_dir: Path | None = None, **options: str
) -> dict[str, Any]:
    """Create the app's resources in the current Pulumi stack; return them by logical name.
    The zips they deploy are written under :func:`build_folder`."""
    compiled = compiled_for(app, provider, **options)
    return _pulumi_provider(compiled).pulumi_deploy(compiled, build_folder(provider, build_dir))


def eject(app: str | App, provider: str, out: Path, **options: str) -> list[str]:
    """Write a plain Pulumi program of the same resources into ``out``; return the file names."""
    compiled = compiled_for(app, provider, **options)
    files = _pulumi_provider(compiled).eject(compiled)
    for name, content in sorted(files.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return sorted(files)
