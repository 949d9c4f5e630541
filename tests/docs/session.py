"""Run a page's blocks as a newcomer would, in one fresh folder (a copy of ``examples/``,
``stacks/`` and ``tests/corpus/``, so ``.faas`` and every output start empty).

Each command runs as written (placeholders filled in, see :mod:`.blocks`), with a rule per
program:

- ``faas-iac dev``: a real host in the background on a free 127.0.0.1 port (:mod:`.hosts`),
  shared by the commands that follow until the next ``faas-iac dev``;
- other ``faas-iac`` commands: a subprocess; ``--endpoint-url http://127.0.0.1:PORT`` is
  pointed at a ``moto_server`` the session starts on a free port (the emulator the AWS tests
  use); every command must exit as the block says, and print what a ``console`` block shows
  (doctest's ELLIPSIS comparison; a read-only command is retried for a while, as a person
  would run it again, since the host works in the background);
- ``make TARGET``: ``make -n TARGET`` in the repository, which must run what the page says;
- ``cd DIR && pulumi config set K V && pulumi up``: no pulumi CLI or cloud account here, so the
  stack program in DIR runs under Pulumi mocks with that configuration and must create the
  app's resources.

Anything else fails the test: a block must not show a command nobody runs.
"""

from __future__ import annotations

import contextlib
import doctest
import os
import py_compile
import runpy
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import yaml

from .blocks import Block
from .commands import Command, commands
from .hosts import DevHost

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("examples", "stacks", "tests/corpus")
GROUPS = {"durable", "bucket", "table", "dead"}
#: Commands that talk to the running host (or, for invoke, share its state folder).
HOST_COMMANDS = {
    "dev",
    "invoke",
    "send",
    "publish",
    "emit",
    "put-record",
    "bucket",
    "table",
    "durable",
    "dead",
}
#: Commands that only read: retried until they print what the page shows.
READ_ONLY = {"durable status", "durable history", "table get", "bucket list", "dead list"}
#: What each make target must run, as the page's comment next to it says.
MAKE = {
    "dev": ("faas-iac dev examples/shop/app.py",),
    "test": ("ruff check", "ruff format --check", "mypy", "pytest"),
}
IGNORED = shutil.ignore_patterns("__pycache__", ".faas", "out")
CHECKER = doctest.OutputChecker()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class Failed(AssertionError):
    pass


class Session:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        for path in COPIED:
            shutil.copytree(
                ROOT / path, folder / path, ignore=shutil.ignore_patterns("__pycache__")
            )
        bin_dir = str(Path(sys.executable).parent)
        self.exe = str(Path(bin_dir) / "faas-iac")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "AWS_"))},
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        self.host: DevHost | None = None
        self.moto: str | None = None
        self.stack = ExitStack()
        self.ran: set[str] = set()
        self.pulumi_config: dict[str, str] = {}
        self.typed: list[tuple[Path, Block]] = []

    # -- python blocks -------------------------------------------------------------------

    def python(self, block: Block) -> None:
        name = block.directive.get("save") or f"snippet_{block.line}.py"
        path = self.folder / name
        path.write_text(block.source, encoding="utf-8")
        if "fragment" in block.directive:
            py_compile.compile(str(path), doraise=True)
            return
        result = self._run((self.exe, "validate", name), self.folder)
        if result.returncode != 0:
            raise Failed(f"{block.where}: `faas-iac validate` says:\n{result.stdout}")
        self.typed.append((path, block))

    def typecheck(self) -> dict[str, str]:
        """mypy over every validated block at once (about 2 s): a renamed attribute or function
        of the API fails here even where no command runs that line. Problems by block."""
        if not self.typed:
            return {}
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-error-summary",
             "--cache-dir", str(self.folder / ".mypy_cache"),
             *(str(p.relative_to(self.folder)) for p, _ in self.typed)],
            cwd=self.folder, env={**self.env, "MYPYPATH": str(ROOT)},
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        problems: dict[str, str] = {}
        for path, block in self.typed:
            mine = [ln for ln in result.stdout.splitlines() if ln.startswith(path.name + ":")]
            if mine:
                problems[block.where] = "\n".join(mine)
        return problems

    # -- shell blocks --------------------------------------------------------------------

    def shell(self, block: Block) -> None:
        used_host = False
        for command in commands(block):
            cwd = self.folder
            for argv in command.chain:
                where = f"{block.page.name}:{command.line}"
                match argv[0]:
                    case "faas-iac":
                        self._faas_iac(argv, command, block, where)
                        used_host |= argv[1] in HOST_COMMANDS
                    case "make":
                        self._make(argv, where)
                    case "cd":
                        cwd = cwd / argv[1]
                    case "pulumi":
                        self._pulumi(argv, cwd, where)
                    case _:
                        raise Failed(f"{where}: no rule runs {argv[0]!r} (tests/docs/session.py)")
        if self.host is not None and used_host:
            failing = set(block.directive.get("failing", "").split(","))
            problems = self.host.check(failing=failing)
            if problems:
                raise Failed(f"{block.where}: the host reported:\n" + "\n".join(problems))

    def _faas_iac(self, argv: tuple[str, ...], command: Command, block: Block, where: str) -> None:
        name = " ".join(argv[1:3]) if argv[1] in GROUPS else argv[1]
        self.ran.add(name)
        if argv[1] == "dev":
            self._stop_host()
            self.host = DevHost(argv, self.folder, self.env, self.exe)
            return
        if "--endpoint-url" in argv:
            at = argv.index("--endpoint-url") + 1
            argv = (*argv[:at], self._moto(), *argv[at + 1 :])
        deadline = time.monotonic() + (20 if name in READ_ONLY and command.shown else 0)
        while True:
            result = self._run((self.exe, *argv[1:]), self.folder)
            shown_ok = command.shown is None or CHECKER.check_output(
                command.shown + "\n", result.stdout, FLAGS
            )
            if (result.returncode, shown_ok) == (block.expected_exit, True):
                break
            if time.monotonic() > deadline:
                raise Failed(
                    f"{where}: `{command.text}` exited {result.returncode} "
                    f"(the page expects {block.expected_exit})"
                    + ("" if shown_ok else ", and printed, not what the page shows:")
                    + f"\n{result.stdout}"
                )
            time.sleep(0.3)
        if self.host is not None and name in {"send", "publish", "put-record"}:
            self.host.accepted(result.stdout)

    def _run(self, argv: tuple[str, ...], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, cwd=cwd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, timeout=120,
        )  # fmt: skip

    def _moto(self) -> str:
        if self.moto is None:
            from tests.aws.moto_server import moto_server

            self.moto = self.stack.enter_context(moto_server())
        return self.moto

    def _make(self, argv: tuple[str, ...], where: str) -> None:
        target = argv[1]
        result = subprocess.run(
            ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        missing = [part for part in MAKE.get(target, ("?",)) if part not in result.stdout]
        if result.returncode != 0 or missing:
            raise Failed(f"{where}: `make {target}` would not run {missing}:\n{result.stdout}")

    def _pulumi(self, argv: tuple[str, ...], cwd: Path, where: str) -> None:
        config = self.pulumi_config
        match argv[1:]:
            case ("config", "set", key, value):
                project = yaml.safe_load((cwd / "Pulumi.yaml").read_text())["name"]
                config[key if ":" in key else f"{project}:{key}"] = value
            case ("up",):
                created = _stack_under_mocks(cwd / "__main__.py", config)
                if not created:
                    raise Failed(f"{where}: the stack in {cwd.name} created nothing")
            case _:
                raise Failed(f"{where}: no rule runs `pulumi {' '.join(argv[1:])}`")

    # -- end -----------------------------------------------------------------------------

    def _stop_host(self) -> None:
        if self.host is not None:
            self.host.stop()
            self.host = None

    def close(self) -> None:
        self._stop_host()
        self.stack.close()
        # Apps of the copy loaded in this process (a host's model, a stack under mocks) must
        # not shadow the repository's modules of the same name (`patterns`) in later tests:
        # forget the modules, and the folders the loader put on sys.path.
        inside = str(self.folder)
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", None) or "").startswith(inside):
                del sys.modules[name]
        sys.path[:] = [p for p in sys.path if not p.startswith(inside)]


def _stack_under_mocks(program: Path, config: dict[str, str]) -> dict[str, Any]:
    """Run a Pulumi program as ``pulumi up`` would, against Pulumi's mocks (no engine, no
    cloud): the resources it registers, by name."""
    import pulumi

    from tests.aws.pulumi_mocks import Recorder
    from tests.pulumi_programs import fresh_event_loop

    recorder = Recorder()
    fresh_event_loop()
    pulumi.runtime.set_mocks(recorder, preview=False)
    pulumi.runtime.set_all_config(config)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> Any:
        runpy.run_path(str(program))
        return pulumi.Output.from_input("")

    try:
        with contextlib.chdir(program.parent):  # pulumi up's working folder: build/ goes there
            run()
    finally:
        pulumi.runtime.set_all_config({})
    return recorder.resources
