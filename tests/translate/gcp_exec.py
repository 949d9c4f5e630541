"""Runs generated Workflows YAML in workflows-emulator, its activity calls going over HTTP to
the app's activities served on 127.0.0.1 (through the GCP provider's activity adapter).

What the emulator lacks is added here, narrowly: the ``events`` callback functions (backed by
this server), the ``true``/``false``/``null`` literals, the ``if(cond, a, b)`` function (the
emulator evaluates expressions with Python's eval, where ``if`` is a keyword), and calls with
``auth: OIDC`` (the emulator raises NotImplementedError; the token is dropped, the request is
the same). Steps
are counted as the emulator executes them (each named step run from a step list counts).
"""

from __future__ import annotations

import copy
import json
import os
import queue
import re
import threading
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import yaml
from faas_iac_gcp.runtime import activity, callbacks
from faas_iac_gcp.workflows import Names
from workflows_emulator import main as emulator
from workflows_emulator import render
from workflows_emulator.render import STANDARD_LIBRARY

_IF = re.compile(r"(?<![\w.])if\(")
_WHOLE = re.compile(r"\$\{([^{}]*)\}")


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


class GcpRunner:
    def __init__(self, activities: Mapping[str, Callable[[Any], Any]]) -> None:
        self.activities = dict(activities)
        self.registry: dict[str, dict[str, Any]] = {}
        self.inboxes: dict[str, queue.Queue[Any]] = {}
        self.lock = threading.Lock()  # the registry's (a transaction, in Firestore)
        self.inbox_lock = threading.Lock()
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.names = Names(
            functions={a: f"{self.base}/fn/{a}" for a in activities},
            callbacks=f"{self.base}/callbacks",
        )
        self.steps = 0

    def route(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/fn/"):
            return activity.invoke(self.activities[path[4:]], body)
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
            payload = self.inbox(path).get(timeout=float(timeout))
        except queue.Empty:
            raise TimeoutError("timed out waiting for the callback") from None
        return {"http_request": {"body": payload, "method": "POST"}, "type": "HTTP"}

    def raise_event(self, execution: str, event: str, payload: Any, timeout: float = 20) -> None:
        with self.lock:
            callbacks.raise_event(self.registry, _post, execution, event, payload)

    def run(
        self,
        definition: str | dict[str, Any],
        value: Any,
        execution: str = "run",
        events: list[tuple[str, Any]] | None = None,
    ) -> Outcome:
        config = yaml.safe_load(definition) if isinstance(definition, str) else definition
        os.environ["GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID"] = execution
        result: dict[str, Any] = {}
        self.steps = 0

        def go() -> None:
            try:
                param = (config.get("main", {}).get("params") or ["input"])[0]
                result["output"] = emulator.execute_workflow(config, {param: value})
            except Exception as exc:
                result["error"] = f"{type(exc).__name__}: {exc}"

        worker = threading.Thread(target=go)
        worker.start()
        for event, payload in events or []:
            self.raise_event(execution, event, payload)
        worker.join(60)
        if "error" in result:
            return Outcome("FAILED", None, self.steps, result["error"])
        return Outcome("SUCCEEDED", result.get("output"), self.steps)


@contextmanager
def gcp_runner(activities: Mapping[str, Callable[[Any], Any]]) -> Iterator[GcpRunner]:
    runner = GcpRunner(activities)
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
    original_switch = emulator.StepSwitch.execute

    def switch(self: Any) -> Any:
        # workflows-emulator bug: a switch runs every condition that holds, not only the
        # first (Workflows runs the first). Keep only the conditions up to the first that holds.
        for i, condition in enumerate(self.config["switch"]):
            if render.render_config(copy.deepcopy(condition["condition"]), self.context) is True:
                self.config = {**self.config, "switch": self.config["switch"][: i + 1]}
                break
        return original_switch(self)

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
    saved = {k: STANDARD_LIBRARY.get(k) for k in ("http", "events", "true", "false", "null", "_if")}
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
    )
    emulator.get_step = get_step
    emulator.StepSwitch.execute = switch  # type: ignore[method-assign]
    render.run_code = emulator.run_code = run_code
    render.render_str = render_str
    try:
        yield runner
    finally:
        emulator.get_step = original_get_step
        emulator.StepSwitch.execute = original_switch  # type: ignore[method-assign]
        render.run_code = emulator.run_code = original_run_code
        render.render_str = original_render_str
        for k, v in saved.items():
            if v is None:
                STANDARD_LIBRARY.pop(k, None)
            else:
                STANDARD_LIBRARY[k] = v
        runner.server.shutdown()
        runner.server.server_close()
