"""A ``faas-iac dev`` line of a page, run as written but on a free port (``--port 0``), in the
background, as the "in another terminal" of the text; stopped with Ctrl-C (SIGINT) by pid.

After the commands that feed it, :meth:`DevHost.check` waits for every message, event and
record they were told was accepted to be handled, lets the chains they start finish, and fails
on any handler error in the host's log."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from faas_iac.api import load
from tests.local.hostproc import wait_for


class DevHost:
    def __init__(self, argv: tuple[str, ...], folder: Path, env: dict[str, str], exe: str):
        self.argv = argv
        self.folder = folder
        state = argv[argv.index("--state-dir") + 1] if "--state-dir" in argv else ".faas"
        self.state = folder / state
        model, _ = load(str(folder / argv[2]))
        #: Schedules tick on their own: their lines do not count when waiting for quiet.
        self.ticking = {f.name for f in model.functions if f.trigger.type == "schedule"}
        self.log_path = folder / f"host-{model.name}.log"
        self.out_path = folder / f"host-{model.name}.out"
        self.expected: set[str] = set()
        self.reported = 0  # log lines already judged by an earlier check
        with self.log_path.open("ab") as err, self.out_path.open("ab") as out:
            self.proc = subprocess.Popen(
                [exe, *argv[1:], "--port", "0"], stdout=out, stderr=err, cwd=folder, env=env
            )
        wait_for(self._ready, timeout=30)

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"`{' '.join(self.argv)}` exited {self.proc.returncode}:\n{self}")
        try:
            info = json.loads((self.state / "host.json").read_text())
        except (OSError, ValueError):
            return False
        return bool(info.get("pid") == self.proc.pid)

    def __str__(self) -> str:
        return self.out_path.read_text(errors="replace") + self.log_path.read_text(errors="replace")

    def lines(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                found.append({"level": "raw", "msg": line})
        return found

    def accepted(self, output: str) -> None:
        """Note the message ids the host said it accepted (``send``, ``publish`` and
        ``put-record`` print them), to be seen handled by :meth:`check`. (``emit`` prints the
        event's id, which the log does not show: its handlers are held to the error check.)"""
        try:
            reply = json.loads(output)
        except ValueError:
            return
        if isinstance(reply, dict):
            self.expected |= {str(i) for i in reply.get("ids", [])}

    def _handled(self, lines: list[dict[str, Any]]) -> str:
        return " ".join(str(ln.get("msg", "")) for ln in lines if " handled " in ln.get("msg", ""))

    def check(self, quiet: float = 1.0, timeout: float = 30.0) -> list[str]:
        """Problems since the last check: ids never handled, handler errors. Waits (up to
        ``timeout``) until every id is handled and the log, schedule ticks aside, has been quiet
        for ``quiet`` seconds: the chains the commands started have finished."""
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            lines = self.lines()
            if any(ln.get("level") == "error" for ln in lines[self.reported :]):
                break
            busy = sum(1 for ln in lines if ln.get("function") not in self.ticking)
            if busy != last:
                last, since = busy, time.monotonic()
            elif time.monotonic() - since >= quiet:
                handled = self._handled(lines)
                if all(i in handled for i in self.expected):
                    break
            time.sleep(0.1)
        lines = self.lines()
        handled = self._handled(lines)
        problems = [f"never handled: {i}" for i in sorted(self.expected) if i not in handled]
        fresh = lines[self.reported :]
        problems += [str(ln.get("msg")) for ln in fresh if ln.get("level") in ("error", "raw")]
        self.expected, self.reported = set(), len(lines)
        return problems

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
