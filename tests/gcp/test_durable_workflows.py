"""Durable on GCP, executed: each orchestrator's Workflow — the YAML the GCP plan deploys, with
its function URLs read from the workflow's environment — runs in workflows-emulator, its
activities served over HTTP by functions-framework from the generated ``gcp-app/`` folder; its
output equals the local durable engine's for the same input and events.

The portable client (``GcpDurableClient``) drives one orchestration end to end: it starts the
execution through google-cloud-workflows' own gRPC transport (a server on 127.0.0.1 answering
with the library's message types runs the YAML in the emulator), an event raised through it
completes the waiting execution, and its ``get_status`` gives the local engine's output.

The emulator patches (callbacks, OIDC dropped, ``if()``...) are the translator harness's
(:mod:`tests.translate.gcp_exec`). Not run here: workflows that call the Firestore or Workflow
Executions connectors (custom status, continue_as_new), which the emulator sends to Google.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc
import pytest
from faas_iac_gcp.plan.durable import CALLBACKS, env_name, names
from faas_iac_gcp.runtime.durable import GcpDurableClient
from faas_iac_gcp.workflows import to_yaml
from google.cloud.workflows import executions_v1
from google.cloud.workflows.executions_v1.services.executions.transports import (
    ExecutionsGrpcTransport,
)

from faas_iac.api import load
from faas_iac.translate import ir, translate_app
from tests.gcp import ff
from tests.local.hostproc import free_port, wait_for
from tests.translate.fourway import Case
from tests.translate.gcp_exec import GcpRunner, gcp_runner
from tests.translate.local_exec import local_runner
from tests.translate.test_execution import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "examples" / "shop" / "app.py"
DURABLE = ROOT / "examples" / "durable" / "app.py"
BINDINGS = ROOT / "tests" / "gcp" / "apps" / "bindings" / "gcp_bindings.py"
#: (app, orchestrator, input, events): every translated orchestrator of the examples that uses
#: no connector, and one that waits for an event
CASES = [
    (SHOP, "fulfil_order", {"id": "o1", "items": ["a"], "total": 12}, []),
    (SHOP, "fulfil_order", {"id": "o2", "items": []}, []),
    (DURABLE, "hello_sequence", None, []),
    (DURABLE, "backup_site", 3, []),
    (BINDINGS, "decide", {"who": "ann"}, [("decision", {"ok": True})]),
]


#: examples/durable's orchestrators not run as deployed here: their entity functions keep
#: state in Firestore, which no emulator here serves (the translator harness runs them with the
#: entity runtime over an in-memory transaction: tests/translate/test_execution.py)
ENTITY_ORCHESTRATORS = ("aggregate_readings",)


def connectors(wf: ir.Workflow) -> bool:
    return wf.uses_status or any(isinstance(s, ir.ContinueAsNew) for s in ir.walk(wf.steps))


class Deployed:
    """One app as GCP runs it: its workflows' YAML and its activities on functions-framework."""

    def __init__(self, app: Path, tmp: Path) -> None:
        self.model, root = load(str(app))
        self.workflows = translate_app(self.model, root).workflows
        self.folder = ff.write_app(app, tmp)
        self.port = free_port()
        self.activities = [f.name for f in self.model.by_kind("activity")]
        self.proc: subprocess.Popen[bytes] | None = None

    def yaml(self, name: str) -> str:
        return to_yaml(self.workflows[name], names(self.model), self.workflows)

    @contextmanager
    def serving(self) -> Iterator[str]:
        env = {**os.environ, "PYTHONPATH": str(self.folder)}
        script = str(Path(__file__).with_name("serve_activities.py"))
        cmd = [sys.executable, script, str(self.folder), str(self.port), *self.activities]
        log = (self.folder / "activities.log").open("wb")
        self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{self.port}"

        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, "activities exited"
            return ff.listening(self.port)

        try:
            wait_for(up, timeout=30)
            yield base
        finally:
            self.proc.terminate()
            self.proc.wait(10)
            log.close()


@contextmanager
def deployed(app: Path, tmp: Path, runner: GcpRunner) -> Iterator[Deployed]:
    """The app's activities served, and each workflow's URLs in the environment, as the
    Workflow resource's ``user_env_vars`` put them."""
    app_ = Deployed(app, tmp)
    with app_.serving() as base:
        saved = dict(os.environ)
        os.environ.update({env_name(a): f"{base}/fn/{a}" for a in app_.activities})
        os.environ[env_name(CALLBACKS)] = f"{runner.base}/callbacks"
        try:
            yield app_
        finally:
            os.environ.clear()
            os.environ.update(saved)


@pytest.fixture(scope="module")
def runner() -> Iterator[GcpRunner]:
    with gcp_runner({}) as found:
        yield found


@pytest.mark.parametrize(
    ("app", "name", "value", "events"),
    CASES,
    ids=[f"{a.parent.name}-{n}-{i}" for i, (a, n, _, _) in enumerate(CASES)],
)
def test_workflow_output_equals_the_local_engine(
    app: Path, name: str, value: Any, events: list[Any], runner: GcpRunner, tmp_path: Path
) -> None:
    model, root = load(str(app))
    with local_runner(model, root, tmp_path / "engine") as local:
        expected = local.run(name, value, events)
    assert expected.status == "Completed", expected
    with deployed(app, tmp_path, runner) as gcp:
        assert not connectors(gcp.workflows[name])
        got = runner.run(gcp.yaml(name), value, f"exec-{uuid.uuid4().hex}", events)
    assert (got.status, got.error) == ("SUCCEEDED", None)
    assert got.output == expected.output


# -- the portable client, over google-cloud-workflows' own transport ---------------------------

SERVICE = "google.cloud.workflows.executions.v1.Executions"


class ExecutionsApi:
    """The Workflow Executions API on 127.0.0.1 (gRPC), executing in the emulator."""

    def __init__(self, runner: GcpRunner, definitions: dict[str, str]) -> None:
        self.runner, self.definitions = runner, definitions
        self.executions: dict[str, executions_v1.Execution] = {}
        self.lock = threading.Lock()

    def create(self, request: executions_v1.CreateExecutionRequest, _: Any) -> Any:
        name = f"{request.parent}/executions/{uuid.uuid4().hex}"
        started = executions_v1.Execution(
            name=name,
            argument=request.execution.argument,
            state=executions_v1.Execution.State.ACTIVE,
        )
        with self.lock:
            self.executions[name] = started
        definition = self.definitions[request.parent]
        value = json.loads(request.execution.argument)

        def run() -> None:
            outcome = self.runner.run(definition, value, name.rsplit("/", 1)[-1])
            done = executions_v1.Execution(
                name=name,
                argument=request.execution.argument,
                state=executions_v1.Execution.State[outcome.status],
                result=json.dumps(outcome.output),
            )
            with self.lock:
                self.executions[name] = done

        threading.Thread(target=run, daemon=True).start()
        return started

    def get(self, request: executions_v1.GetExecutionRequest, context: Any) -> Any:
        with self.lock:
            found = self.executions.get(request.name)
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"{request.name} not found")
        return found

    @contextmanager
    def serving(self) -> Iterator[executions_v1.ExecutionsClient]:
        handlers = {
            "CreateExecution": grpc.unary_unary_rpc_method_handler(
                self.create,
                request_deserializer=executions_v1.CreateExecutionRequest.deserialize,
                response_serializer=executions_v1.Execution.serialize,
            ),
            "GetExecution": grpc.unary_unary_rpc_method_handler(
                self.get,
                request_deserializer=executions_v1.GetExecutionRequest.deserialize,
                response_serializer=executions_v1.Execution.serialize,
            ),
        }
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, handlers)])
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            yield executions_v1.ExecutionsClient(transport=ExecutionsGrpcTransport(channel=channel))
        finally:
            channel.close()
            server.stop(None)


def test_event_raised_through_the_portable_client_completes_the_execution(
    runner: GcpRunner, tmp_path: Path
) -> None:
    model, root = load(str(BINDINGS))
    with local_runner(model, root, tmp_path / "engine") as local:
        expected = local.run("decide", {"who": "ann"}, [("decision", {"ok": True})])
    workflow = "projects/p/locations/us-central1/workflows/gcpbind-decide"

    def raiser(execution: str, event: str, payload: Any) -> str:
        from faas_iac_gcp.runtime import callbacks

        from tests.translate.gcp_exec import _post

        with runner.lock:  # the registry's transaction
            return callbacks.raise_event(runner.registry, _post, execution, event, payload)

    with deployed(BINDINGS, tmp_path, runner) as gcp:
        api = ExecutionsApi(runner, {workflow: gcp.yaml("decide")})
        with api.serving() as executions:
            client = GcpDurableClient({"decide": workflow}, executions=executions, raiser=raiser)
            instance = client.start_new("decide", None, {"who": "ann"})
            assert client.get_status(instance)["runtimeStatus"] == "Running"
            # delivered to the registered callback, or buffered until the workflow registers
            assert client.raise_event(instance, "decision", {"ok": True}) in (
                "delivered",
                "buffered",
            )
            done = wait_for(
                lambda: (s := client.get_status(instance))["runtimeStatus"] != "Running" and s,
                timeout=30,
            )
            assert client.get_status("nope")["runtimeStatus"] is None
    assert done["runtimeStatus"] == "Completed", done
    assert done["output"] == expected.output
    assert done["input"] == {"who": "ann"}


# -- every durable example, as deployed ----------------------------------------------------------

#: examples/durable's orchestrators, with the translator's execution cases (inputs, events)
EXAMPLE_CASES = [c for c in EXAMPLES if c.orchestrator not in ENTITY_ORCHESTRATORS]


@pytest.fixture(scope="module")
def durable(runner: GcpRunner, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    with deployed(DURABLE, tmp_path_factory.mktemp("durable"), runner) as app:
        yield app


def test_every_example_orchestrator_translates_for_gcp() -> None:
    """Every example orchestrator has a Workflow (entity operations call the entity
    functions, whose URLs are in the workflow's environment)."""
    model, root = load(str(DURABLE))
    workflows = translate_app(model, root).workflows
    assert set(workflows) == {f.name for f in model.by_kind("orchestrator")}
    for wf in workflows.values():
        to_yaml(wf, names(model), workflows)
    yaml_text = to_yaml(workflows["aggregate_readings"], names(model), workflows)
    assert 'sys.get_env("FAAS_IAC_FN_AGGREGATOR")' in yaml_text


@pytest.mark.parametrize("case", EXAMPLE_CASES, ids=[c.id for c in EXAMPLE_CASES])
def test_every_durable_example_runs_as_deployed(
    case: Case, durable: Deployed, runner: GcpRunner, tmp_path: Path
) -> None:
    """The Workflow the GCP plan deploys, against activities served by functions-framework
    from the generated artifact: the local engine's status, output and custom status
    (continue_as_new chains and custom status through the harness's in-memory connectors)."""
    model, root = load(str(DURABLE))
    for held in ("patterns.monitor:_CHECKS", "patterns.retry:_ATTEMPTS"):  # per-id counters
        module, attribute = held.split(":")
        if module in sys.modules:
            getattr(sys.modules[module], attribute).clear()
    with local_runner(model, root, tmp_path / "engine", runner.clock) as local:
        expected = local.run(case.orchestrator, case.input, list(case.events), case.id)
    assert expected.status == case.expect, expected
    got = runner.run_instance(
        durable.yaml(case.orchestrator), case.input, case.id, list(case.events)
    )
    if case.normalize is not None and got.status == "Completed":
        got = replace(got, output=case.normalize(got.output))
        expected = replace(expected, output=case.normalize(expected.output))
    # activity calls go to functions-framework directly here: not recorded, not compared
    assert not expected.differences(replace(got, calls=expected.calls), ordered=True)
