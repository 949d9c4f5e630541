"""Running a Pulumi program file (a ``stacks/<provider>`` project, an ejected program) under
Pulumi mocks, for every provider's stack and eject tests."""

from __future__ import annotations

import contextlib
import runpy
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi


def fresh_event_loop() -> None:
    """Pulumi's mocks run on ``asyncio.get_event_loop()``; ``asyncio.run`` elsewhere in the
    suite leaves the main thread without one, so give each Pulumi test its own."""
    import asyncio

    asyncio.set_event_loop(asyncio.new_event_loop())


def run_program(
    program: Path, mocks: pulumi.runtime.Mocks, project: str, config: Mapping[str, str]
) -> None:
    """Run ``program`` as ``pulumi up`` would, with its folder importable, against ``mocks``
    (which record what it registers), in a fresh working folder: what it builds (``build/``)
    goes there, not into the repository, where tests running at the same time would share it."""
    fresh_event_loop()
    pulumi.runtime.set_mocks(mocks, project=project, stack="dev", preview=False)
    pulumi.runtime.set_all_config(dict(config))

    # Inside pulumi.runtime.test, which waits for every registration.
    @pulumi.runtime.test  # type: ignore[misc]
    def run() -> Any:
        runpy.run_path(str(program), run_name="__main__")
        return pulumi.Output.from_input(True)

    sys.path.insert(0, str(program.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="pulumi-up-") as work, contextlib.chdir(work):
            run()
    finally:
        sys.path.remove(str(program.parent))
        pulumi.runtime.set_all_config({})


def inputs_but_source(
    resources: Mapping[str, tuple[str, dict[str, Any]]],
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every recorded resource's type and inputs, but the uploaded source (an asset: a folder
    or a zip, written elsewhere by each program)."""
    return {
        n: (t, {k: v for k, v in i.items() if k != "source"}) for n, (t, i) in resources.items()
    }


def deploy_under_mocks(
    deploy: Callable[[Any, Path], Mapping[str, Any]], compiled: Any, mocks: pulumi.runtime.Mocks
) -> None:
    """A provider's Pulumi ``deploy(compiled, build_dir)`` against ``mocks``, waiting for every
    registration; its package is built in a temporary folder (never the app's or the
    repository's)."""
    fresh_event_loop()
    pulumi.runtime.set_mocks(mocks, project="faas-iac", stack="test", preview=False)
    with tempfile.TemporaryDirectory() as build:

        @pulumi.runtime.test  # type: ignore[misc]
        def run() -> Any:
            created = deploy(compiled, Path(build))
            return pulumi.Output.all(*[r.urn for r in created.values()])

        run()
