"""Runs generated Workflows YAML in workflows-emulator, its activity calls going over HTTP to
the app's activities served on 127.0.0.1 (through the GCP provider's activity adapter).

What the emulator lacks is added here, narrowly: the ``events`` callback functions (backed by
this server), the ``true``/``false``/``null`` literals, the ``if(cond, a, b)`` function (the
emulator evaluates expressions with Python's eval, where ``if`` is a keyword), calls with
``auth: OIDC`` (the emulator raises NotImplementedError; the token is dropped, the request is
the same), and the Google APIs behind connectors (``emulator_fixes.GoogleApis``). Its bugs are
patched in ``emulator_fixes``; ``sys.sleep`` / ``sys.now``, retry backoff and callback timeouts
run on the harness's scaled clock. Steps are counted as the emulator executes them (each named
step run from a step list counts).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import yaml
from faas_iac_gcp.runtime import activity, callbacks, entities
from faas_iac_gcp.workflows import Names
from workflows_emulator import main as emulator
from workflows_emulator import render
from workflows_emulator.render import STANDARD_LIBRARY

from .clock import ScaledClock, patched, scaled_sys
from .emulator_fixes import LIBRARY_FIXES, GoogleApis, fixed_emulator
from .outcome import Ran, Recorder

_IF = re.compile(r"(?<![\w.])if\(")
_WHOLE = re.compile(r"\$\{([^{}]*)\}")
#: Real seconds a run may take before the harness calls it stuck.
REAL_TIMEOUT = 30.0
PROJECT, LOCATION, WORKFLOW = "my-project", "us-central1", "orchestration"


class _Server(ThreadingHTTPServer):
    """The activities' server. A parallel ``for`` opens one connection per iteration at once
    (25 in backup_site); with socketserver's listen backlog of 5 the kernel drops those it
    cannot queue, and a dropped one reaches the emulator as "Connection reset by peer" (more
    often on a loaded machine, where the accept loop falls behind). Cloud Functions does not
    refuse them, so the backlog is a server's usual 128."""

    request_queue_size = 128


@dataclass
class Outcome:
    status: str
    output: Any
    steps: int = 0
    error: str | None = None


def _post(url: str, payload: Any) -> None:
    req = urllib.request.Request(
        url,
        json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def error_text(error: BaseException) -> str:
    """An uncaught workflow error as ``Type: message``: an activity's HTTP error carries the
    activity adapter's ``{"error", "message"}`` body; a raised map its tags and message."""
    payload = getattr(error, "payload", None)
    if isinstance(payload, str):
        return payload
    if isinstance(payload, dict):
        body = payload.get("body")
        if isinstance(body, dict) and "error" in body:
            return f"{body['error']}: {body.get('message', '')}"
        message = str(payload.get("message", ""))
        tags = payload.get("tags") or []
        if tags and not message.startswith(f"{tags[0]}: "):
            return f"{tags[0]}: {message}"
        return message
    return f"{type(error).__name__}: {error}"


class GcpRunner:
    def __init__(
        self,
        activities: Mapping[str, Callable[[Any], Any]],
        clock: ScaledClock,
        entities: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.activities = dict(activities)
        self.entities = dict(entities or {})
        #: entity state documents, as the entity functions keep them in Firestore
        self.entity_states: dict[str, dict[str, Any]] = {}
        self.clock = clock
        self.registry: dict[str, dict[str, Any]] = {}
        self.inboxes: dict[str, queue.Queue[Any]] = {}
        self.lock = threading.Lock()  # the registry's (a transaction, in Firestore)
        self.inbox_lock = threading.Lock()
        self.recorder = Recorder()
        self.apis = GoogleApis()
        runner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                """Quiet: the test reads results, not the server's access log."""

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, out = runner.route(self.path, body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.names = Names(
            functions={a: f"{self.base}/fn/{a}" for a in activities},
            entities={e: f"{self.base}/entity/{e}" for e in self.entities},
            callbacks=f"{self.base}/callbacks",
        )
        self.steps = 0

    def route(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/fn/"):
            name = path[4:]
            # a malformed request is not a call: the adapter answers 400 and the run shows it
            with contextlib.suppress(ValueError, KeyError, TypeError):
                self.recorder.record(name, json.loads(body)["input"])
            return activity.invoke(self.activities[name], body)
        if path.startswith("/entity/"):  # the entity function, its transaction a lock
            name = path[len("/entity/") :]

            def transact(step: Callable[[dict[str, dict[str, Any]]], Any]) -> Any:
                with self.lock:
                    return step(self.entity_states)

            return entities.invoke(transact, self.entities[name], name, body)
        if path == "/callbacks":
            item = json.loads(body)
            with self.lock:
                callbacks.register(self.registry, _post, item["key"], item["url"])
            return 200, {}, b"{}"
        if path.startswith("/cb/"):
            self.inbox(path).put(json.loads(body))
            return 200, {}, b"{}"
        return 404, {}, b"{}"

    def inbox(self, path: str) -> queue.Queue[Any]:
        with self.inbox_lock:
            return self.inboxes.setdefault(path, queue.Queue())

    # -- the emulator's missing events.* ------------------------------------------------------
    def create_callback_endpoint(self, http_callback_method: str = "POST") -> dict[str, Any]:
        return {"url": f"{self.base}/cb/{uuid.uuid4().hex}"}

    def await_callback(self, callback: Mapping[str, Any], timeout: float = 43200) -> Any:
        path = callback["url"][len(self.base) :]
        try:
            payload = self.inbox(path).get(timeout=self.clock.real(float(timeout)))
        except queue.Empty:
            raise TimeoutError("timed out waiting for the callback") from None
        return {"http_request": {"body": payload, "method": "POST"}, "type": "HTTP"}

    def _waits_for(self, execution: str, event: str) -> bool:
        with self.lock:
            return "url" in self.registry.get(f"{execution}#{event}", {})

    def raise_event(self, execution: str, event: str, payload: Any) -> None:
        with self.lock:
            callbacks.raise_event(self.registry, _post, execution, event, payload)

    def _execute(self, config: dict[str, Any], value: Any, execution: str) -> dict[str, Any]:
        os.environ["GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID"] = execution
        result: dict[str, Any] = {}
        try:
            param = (config.get("main", {}).get("params") or ["input"])[0]
            result["output"] = emulator.execute_workflow(config, {param: value})
        except Exception as exc:
            result["error"] = exc
        return result

    def run(
        self,
        definition: str | dict[str, Any],
        value: Any,
        execution: str = "run",
        events: list[tuple[str, Any]] | None = None,
    ) -> Outcome:
        outcome = self.run_instance(definition, value, execution, events)
        return Outcome(
            "SUCCEEDED" if outcome.status == "Completed" else "FAILED",
            outcome.output,
            self.steps,
            outcome.error,
        )

    def run_instance(
        self,
        definition: str | dict[str, Any],
        value: Any,
        execution: str,
        events: list[tuple[str, Any]] | None = None,
    ) -> Ran:
        """One instance: its first execution and every execution it continues as."""
        config = yaml.safe_load(definition) if isinstance(definition, str) else definition
        self.steps = 0
        self.recorder.take()
        self.apis.created.clear()
        result: dict[str, Any] = {}
        worker = threading.Thread(
            target=lambda: result.update(self._execute(json_copy(config), value, execution))
        )
        worker.start()
        for event, payload in events or []:
            deadline = time.monotonic() + REAL_TIMEOUT
            while not self._waits_for(execution, event) and worker.is_alive():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{execution} never waited for {event!r}")
                time.sleep(0.005)
            if not worker.is_alive():
                break
            self.raise_event(execution, event, payload)
        worker.join(REAL_TIMEOUT)
        if worker.is_alive():
            raise TimeoutError(f"{execution} still running")
        while "error" not in result and self.apis.created:
            created, argument = self.apis.created[-1]
            if not (isinstance(result["output"], str) and result["output"].endswith(created)):
                break
            self.apis.created.clear()
            result = self._execute(json_copy(config), argument, created)
        status = self.apis.custom_status(execution)
        calls = self.recorder.take()
        if "error" in result:
            return Ran("Failed", None, status, error_text(result["error"]), calls, execution)
        return Ran("Completed", result.get("output"), status, None, calls, execution)


def json_copy(config: dict[str, Any]) -> dict[str, Any]:
    """The emulator pops ``main`` from the definition it runs: give it a copy."""
    copied: dict[str, Any] = json.loads(json.dumps(config))
    return copied


@contextmanager
def gcp_runner(
    activities: Mapping[str, Callable[[Any], Any]],
    clock: ScaledClock | None = None,
    entities: Mapping[str, Callable[..., Any]] | None = None,
) -> Iterator[GcpRunner]:
    clock = clock or ScaledClock()
    runner = GcpRunner(activities, clock, entities)
    runner.thread.start()
    original_request = STANDARD_LIBRARY["http"].request
    original_run_code = render.run_code

    def run_code(code: str, context: dict[str, Any]) -> Any:
        return original_run_code(_IF.sub("_if(", code), context)

    original_render_str = render.render_str

    def render_str(value: Any, context: dict[str, Any]) -> Any:
        # A value that is one whole ${expression} is that expression's value; the emulator
        # prints it and reads it back as YAML, which turns null into the text "None".
        whole = _WHOLE.fullmatch(value) if isinstance(value, str) else None
        if whole:
            return run_code(whole.group(1), context)
        return original_render_str(value, context)

    original_get_step = emulator.get_step

    def request(method: str, url: str, **kwargs: Any) -> Any:
        kwargs.pop("auth", None)  # the emulator has no OIDC; the request is otherwise the same
        return original_request(method, url, **kwargs)

    def get_step(steps: Any, step_id: Any) -> Any:
        found = original_get_step(steps, step_id)
        if found[1] != -1:
            runner.steps += 1
        return found

    http = SimpleNamespace(
        post=lambda **kw: request("POST", **kw),
        get=lambda **kw: request("GET", **kw),
        request=request,
    )
    names = ("http", "events", "true", "false", "null", "_if", "sys", *LIBRARY_FIXES)
    saved = {k: STANDARD_LIBRARY.get(k) for k in names}
    STANDARD_LIBRARY.update(LIBRARY_FIXES)
    STANDARD_LIBRARY.update(
        http=http,
        true=True,
        false=False,
        null=None,
        _if=lambda cond, yes, no: yes if cond else no,
        events=SimpleNamespace(
            create_callback_endpoint=runner.create_callback_endpoint,
            await_callback=runner.await_callback,
        ),
        sys=scaled_sys(STANDARD_LIBRARY["sys"], clock),
    )
    env = {
        "GOOGLE_CLOUD_PROJECT_ID": PROJECT,
        "GOOGLE_CLOUD_LOCATION": LOCATION,
        "GOOGLE_CLOUD_WORKFLOW_ID": WORKFLOW,
    }
    saved_env = {k: os.environ.get(k) for k in [*env, "GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID"]}
    os.environ.update(env)
    try:
        with (
            patched(emulator, get_step=get_step, run_code=run_code),
            patched(render, run_code=run_code, render_str=render_str),
            patched(emulator.StepCall, execute_connector=staticmethod(runner.apis.call)),
            fixed_emulator(clock),
        ):
            yield runner
    finally:
        for k, v in saved.items():
            if v is None:
                STANDARD_LIBRARY.pop(k, None)
            else:
                STANDARD_LIBRARY[k] = v
        for k, old in saved_env.items():
            if old is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = old
        runner.server.shutdown()
        runner.server.server_close()
