"""Targets run in worker processes, so that one case runs on every target at once.

Most of a four-target run is waiting (timers on the scaled clock, a state machine's next state,
an emulator's step): running the targets one after another adds those waits up. A worker is a
fresh interpreter (``spawn``: no thread or lock of the test process is inherited) that loads an
app, translates it and starts one target's runner (:class:`~.fourway.Targets` with ``only``),
then answers cases over a pipe with the same :data:`~.fourway.Outcome` the in-process runner
gives; when the app's tests end it stops the runner and waits, idle, for the session's next app
(the worker processes end with the session). Each process has its own copy of the app's
modules, so activities that keep state (a flaky activity counting attempts) count per target,
as they do when targets run in turn with a reset between them.
"""

from __future__ import annotations

import atexit
import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .outcome import Broken, Outcome, Ran, Refused

if TYPE_CHECKING:
    from .fourway import Case

#: Real seconds a worker may take to start (imports, translation, its runner) or to run a case
#: (a run's own limit is 30 s per wait; a case raises several events).
SETUP_TIMEOUT = 180.0
RUN_TIMEOUT = 240.0


class Worker:
    """One target in its own process: send a case, receive its outcome."""

    def __init__(self, target: str, process: Any, conn: Connection) -> None:
        self.target = target
        self.process = process
        self.conn = conn
        self.stopped = False

    def _receive(self, timeout: float) -> Any:
        if not self.conn.poll(timeout):
            raise TimeoutError(f"the {self.target} worker gave no answer in {timeout:.0f} s")
        return self.conn.recv()

    def ready(self) -> dict[str, Outcome]:
        """The worker's refusals (orchestrator → outcome), once its runner has started."""
        answer = self._receive(SETUP_TIMEOUT)
        if isinstance(answer, BaseException):
            raise RuntimeError(f"the {self.target} worker did not start") from answer
        assert isinstance(answer, dict)
        return answer

    def stop(self) -> None:
        """Ask the worker to stop this app's runner (it does so while others stop too)."""
        if not self.stopped:
            self.stopped = True
            with suppress(OSError):
                self.conn.send("done")

    def send(self, case: Case) -> None:
        # the normalisation (a function, maybe a lambda) is applied by the caller
        self.conn.send(replace(case, normalize=None))

    def receive(self) -> Outcome:
        try:
            answer = self._receive(RUN_TIMEOUT)
        except (TimeoutError, EOFError, OSError) as exc:
            return Broken(f"run on {self.target}: {type(exc).__name__}: {exc}")
        if isinstance(answer, BaseException):
            return Broken(f"run on {self.target}: the worker stopped: {answer}")
        assert isinstance(answer, Ran | Refused | Broken), answer
        return answer


#: Worker processes with no app, kept for the next app of the session (a process costs seconds
#: of imports to start; loading an app into a running one costs its translation only).
_IDLE: list[tuple[Any, Connection]] = []


def _process() -> tuple[Any, Connection]:
    if _IDLE:
        return _IDLE.pop()
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe()
    process = context.Process(target=serve, args=(theirs,), name="fourway-worker", daemon=True)
    process.start()
    theirs.close()
    return process, mine


@atexit.register
def _close_idle() -> None:
    while _IDLE:
        process, conn = _IDLE.pop()
        with suppress(OSError):
            conn.send(None)
        process.join(10)
        if process.is_alive():  # our own child, by its handle
            process.kill()
            process.join()


@contextmanager
def worker(app_file: Path, work: Path, clears: tuple[str, ...], target: str) -> Iterator[Worker]:
    """A worker process running ``target`` for the app until exit (then idle, for the next)."""
    process, conn = _process()
    conn.send(("app", str(app_file), str(work), clears, target))
    handle = Worker(target, process, conn)
    try:
        yield handle
    finally:
        handle.stop()
        stopped = conn.poll(60) and conn.recv() == "stopped"
        if stopped and process.is_alive():
            _IDLE.append((process, conn))
        else:
            if process.is_alive():  # our own child, by its handle
                process.kill()
            process.join()
            conn.close()


def serve(conn: Connection) -> None:
    """The worker's side: for each app received, start the target, run each case received
    until ``"done"``, stop the target; exit on ``None``."""
    from .fourway import Targets

    while (message := conn.recv()) is not None:
        _, app_file, work, clears, target = message
        try:
            targets = Targets(Path(app_file), Path(work), clears=clears, only=(target,), workers=())
            with targets.started():
                conn.send(targets.refusals.get(target, {}))
                while (case := conn.recv()) != "done":
                    conn.send(targets.run(case, target))
        except BaseException as exc:  # told to the parent, which fails with it
            conn.send(RuntimeError(f"{type(exc).__name__}: {exc}"))
            raise
        conn.send("stopped")
