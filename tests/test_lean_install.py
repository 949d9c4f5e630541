"""The lean install: ``pip install faas-iac`` runs ``faas-iac dev`` with no cloud SDK, no Pulumi
and no test tool; ``faas-iac[aws|azure|gcp]`` adds a cloud.

Judged against the installed packages' own metadata (``importlib.metadata``, requirement markers
read by ``packaging``): the real ``faas-iac dev`` command serves examples/shop/app.py in a fresh
process and takes an order through its queue, orchestration and activities, and every
third-party module that process imported must belong to a distribution that ``faas-iac`` itself
requires (its dependencies, transitively, without extras). A fresh virtualenv with only
``pip install .`` would fail on exactly those imports.
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

# The dev command run for real in this process, stopped with Ctrl-C (SIGINT) once an order has
# gone through; prints the modules it imported beyond what interpreter start-up had loaded.
PROBE = r"""
import contextlib, json, os, signal, sys, threading, time, urllib.request
from pathlib import Path

before = set(sys.modules)
app, state = sys.argv[1], Path(sys.argv[2])


def drive() -> None:
    deadline = time.monotonic() + 60
    while not (state / "host.json").exists():
        assert time.monotonic() < deadline, "host did not start"
        time.sleep(0.05)
    host = json.loads((state / "host.json").read_text())
    key = json.loads((state / "keys.json").read_text())["master"]
    url = host["url"] + "/api/orders"
    body = json.dumps({"id": "o1", "items": ["book"]}).encode()
    req = urllib.request.Request(url, body, {"x-functions-key": key}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as reply:
        print("order", reply.status, file=sys.stderr)
    while True:  # the queue trigger starts fulfil_order, which calls both activities
        with urllib.request.urlopen(
            urllib.request.Request(host["url"] + "/runtime/webhooks/durabletask/instances",
                                   headers={"x-functions-key": key}), timeout=30) as reply:
            listed = json.loads(reply.read())
        if any(i["runtimeStatus"] == "Completed" for i in listed):
            break
        assert time.monotonic() < deadline, f"orchestration did not complete: {listed}"
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGINT)


threading.Thread(target=drive, daemon=True).start()
from faas_iac.cli import main

sys.argv = ["faas-iac", "dev", app, "--port", "0", "--no-reload", "--state-dir", str(state)]
with contextlib.suppress(SystemExit):  # the host stops on the SIGINT drive() sends
    main()
new = sorted(set(sys.modules) - before)
print(json.dumps({name: getattr(sys.modules[name], "__file__", None) for name in new}))
"""

CLOUD_AND_TOOLS = (
    "boto3", "botocore", "pulumi", "azure-", "google-", "moto", "pytest", "mypy", "hypothesis",
    "dbos", "playwright", "aws-durable-execution", "faas-iac-",
)  # fmt: skip


def closure(name: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """The distributions ``name[extras]`` requires, transitively, as pip resolves them here."""
    seen: dict[str, set[str]] = {}
    todo = [(name, extras)]
    while todo:
        current, wanted = todo.pop()
        key = canonicalize_name(current)
        if key in seen and wanted <= seen[key]:
            continue
        seen.setdefault(key, set()).update(wanted)
        for text in distribution(current).requires or []:
            req = Requirement(text)
            envs = [{"extra": extra} for extra in (wanted or {""})]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, frozenset(req.extras)))
    return set(seen)


def optional(dists: set[str]) -> set[str]:
    """What these distributions import only when present: the requirements of their own extras
    (pathspec tries google-re2, for one)."""
    found: set[str] = set()
    for name in dists:
        meta = distribution(name).metadata
        for text in distribution(name).requires or []:
            req = Requirement(text)
            extras = meta.get_all("Provides-Extra") or []
            if req.marker is not None and any(req.marker.evaluate({"extra": e}) for e in extras):
                found.add(canonicalize_name(req.name))
    return found


def cloudy(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.startswith(CLOUD_AND_TOOLS))


@pytest.fixture(scope="module")
def dev_imports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    """Each module the dev command imported, with its file (None for built-in ones)."""
    state = tmp_path_factory.mktemp("lean") / "state"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "examples" / "shop" / "app.py"), str(state)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=state.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "order 200" in done.stderr, done.stderr[-3000:]
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_faas_iac_alone_requires_no_cloud_sdk_pulumi_or_test_tool() -> None:
    assert cloudy(closure("faas-iac")) == []


def test_each_cloud_extra_adds_its_provider_and_sdk() -> None:
    lean = closure("faas-iac")
    added = {
        cloud: closure("faas-iac", frozenset({cloud})) - lean for cloud in ("aws", "azure", "gcp")
    }
    assert {"faas-iac-aws", "boto3", "pulumi-aws"} <= added["aws"]
    assert {"faas-iac-azure", "pulumi-azure-native", "azure-mgmt-web"} <= added["azure"]
    assert {"faas-iac-gcp", "pulumi-gcp", "google-cloud-functions"} <= added["gcp"]
    assert "pulumi-aws" not in added["azure"] | added["gcp"]


def test_dev_imports_only_what_faas_iac_requires(dev_imports: dict[str, str | None]) -> None:
    lean = closure("faas-iac")
    allowed = lean | optional(lean - {"faas-iac"})
    installed = tuple(str(Path(p)) for p in site.getsitepackages())
    owners = packages_distributions()
    outside: dict[str, list[str]] = {}
    for module, file in sorted(dev_imports.items()):
        top = module.split(".")[0]
        if file is None or not file.startswith(installed) or top == "faas_iac":
            continue  # built in, the standard library, the app itself, or this package
        dists = {canonicalize_name(d) for d in owners.get(top, [])}
        if not dists & allowed:
            outside[top] = sorted(dists)
    assert outside == {}, "faas-iac dev imports modules that `pip install faas-iac` lacks"


def test_dev_served_the_shop(dev_imports: dict[str, str | None]) -> None:
    """The probe really ran the host: its HTTP server, durable engine and the app were loaded,
    and third-party modules from the virtualenv were seen (the check above judged something)."""
    assert {"uvicorn", "faas_iac.local.server", "faas_iac.durable", "pydantic"} <= set(dev_imports)
