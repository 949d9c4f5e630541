"""The dashboard driven in a real browser (Debian's chromium through Playwright), against a real
``faas-iac dev`` host serving ``examples/approvals``: approve a waiting orchestration, terminate
a stuck one, redrive a dead letter once its cause is fixed, see live logs, check that hostile
payloads render as text and that the page is refused without the key. Screenshots of the main
views go to ``out/dashboard-screenshots/`` (build artifacts, not committed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.local.hostproc import ROOT, HostProcess, wait_for

SHOTS = ROOT / "out" / "dashboard-screenshots"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
APP = ROOT / "examples" / "approvals" / "app.py"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    state = tmp_path_factory.mktemp("dash") / "state"
    with HostProcess(APP, state, "--no-reload") as h:
        yield h


@pytest.fixture()
def page(browser: Any, host: HostProcess) -> Iterator[Any]:
    """A page signed in the way a user is: the URL printed at start, with the key. The page's
    Content-Security-Policy is bypassed (Playwright's waits evaluate script text, and a hostile
    payload must stay inert through escaping alone; the policy is checked on its own)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(f"{host.url}/_faas/?code={host.master}")
    assert pg.url == f"{host.url}/_faas/", "the key must leave the address bar"
    pg.wait_for_selector("tr[data-function]")
    yield pg
    context.close()
    assert errors == []


def shot(pg: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def start(host: HostProcess, name: str, data: Any) -> str:
    with host.client() as c:
        r = c.post(
            f"/runtime/webhooks/durabletask/orchestrators/{name}",
            json=data,
            headers={"x-functions-key": host.master},
        )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def status(host: HostProcess, iid: str) -> str:
    with host.client() as c:
        r = c.get(
            f"/runtime/webhooks/durabletask/instances/{iid}",
            headers={"x-functions-key": host.master},
        )
    return str(r.json()["runtimeStatus"])


def open_instance(pg: Any, host: HostProcess, iid: str) -> None:
    pg.goto(f"{host.url}/_faas/#/instance/{iid}")
    pg.wait_for_selector("#diagram")


def test_without_the_key_the_page_and_its_api_are_refused(browser: Any, host: HostProcess) -> None:
    context = browser.new_context()
    pg = context.new_page()
    for url in (f"{host.url}/_faas/", f"{host.url}/_faas/?code=wrong-key"):
        reply = pg.goto(url)
        assert reply is not None and reply.status == 401
        assert "Key required" in pg.inner_text("h1")
        assert pg.query_selector("tr[data-function]") is None
    api = httpx.get(f"{host.url}/_faas/api/overview")
    assert api.status_code == 401 and "master key" in api.json()["error"]
    forged = httpx.get(f"{host.url}/_faas/api/overview", headers={"cookie": "faas_dashboard=00"})
    assert forged.status_code == 401
    page = httpx.get(f"{host.url}/_faas/", headers={"x-functions-key": host.master})
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    context.close()


def test_approve_a_waiting_orchestration(page: Any, host: HostProcess) -> None:
    iid = start(host, "approval", {"request": "laptop", "amount": 1200})
    wait_for(lambda: "waiting_for" in json.dumps(instance(host, iid)["customStatus"]))
    page.goto(f"{host.url}/_faas/#/orchestrations?name=approval&status=Running")
    page.wait_for_selector(f'tr[data-instance="{iid}"]')
    shot(page, "orchestrations")
    page.click(f'tr[data-instance="{iid}"] a')
    page.wait_for_selector("#diagram")
    current = page.inner_text("#diagram li[data-state=current] > .label")
    assert "wait for event Approval" in current
    done = page.eval_on_selector_all(
        "#diagram li[data-state=done] > .label", "nodes => nodes.map(n => n.textContent)"
    )
    assert any("activity file_request" in d for d in done), done
    assert not any("notify" in d for d in done), done
    shot(page, "instance-waiting")
    page.fill("#raise-form input[name=event]", "Approval")
    page.fill("#raise-form textarea[name=data]", '{"approved": true, "by": "ana"}')
    page.click("#raise")
    page.wait_for_function("document.querySelector('#runtime-status')?.textContent === 'Completed'")
    output = json.loads(page.inner_text("#output"))
    assert output["decision"] == {"approved": True, "by": "ana"}
    assert page.query_selector("#diagram li[data-state=current]") is None
    history = page.inner_text("table.timeline")
    assert "EventRaised" in history and "ExecutionCompleted" in history
    shot(page, "instance-completed")
    # the Functions view counts the orchestration and its activities (from the engine's journal)
    page.goto(f"{host.url}/_faas/#/functions")
    page.wait_for_function(
        "document.querySelector('tr[data-function=notify] td:nth-child(4)')?.textContent === '1'"
    )
    ran = page.inner_text("tr[data-function=approval] td:nth-child(4)")
    assert int(ran) >= 1, ran


def test_terminate_a_stuck_orchestration(page: Any, host: HostProcess) -> None:
    iid = start(host, "wait_forever", None)
    wait_for(lambda: status(host, iid) == "Running")
    open_instance(page, host, iid)
    page.fill("input[name=reason]", "stuck for ever")
    page.click("#terminate")
    page.wait_for_function(
        "document.querySelector('#runtime-status')?.textContent === 'Terminated'"
    )
    assert status(host, iid) == "Terminated"
    assert "stuck for ever" in page.inner_text("table.timeline")


def test_redrive_a_dead_letter_after_fixing_its_cause(page: Any, host: HostProcess) -> None:
    host.admin("POST", "/queues/jobs", json={"body": {"id": "j1", "needs_fix": True}})
    wait_for(lambda: host.admin("GET", "/dead/jobs").json()["messages"], timeout=20)
    page.goto(f"{host.url}/_faas/#/queues")
    row = 'tr[data-channel="jobs"]'
    page.wait_for_selector(f"{row} a")
    assert page.inner_text(f"{row} td:nth-child(5)") == "1"
    shot(page, "queues")
    page.click(f"{row} a")
    page.wait_for_selector("tr[data-message]")
    assert '"needs_fix":true' in page.inner_text("tr[data-message] pre.body")
    shot(page, "dead-letters")
    assert host.admin("PUT", "/tables/fixes", json={"id": "j1"}).status_code == 200
    page.click("#redrive-all")
    page.wait_for_selector("#no-dead")
    wait_for(lambda: any("ran job j1" in str(x.get("msg")) for x in host.log_lines()))
    assert host.admin("GET", "/dead/jobs").json()["messages"] == []


def test_live_logs_show_a_new_call_as_it_happens(page: Any, host: HostProcess) -> None:
    page.goto(f"{host.url}/_faas/#/logs?function=request_approval")
    page.wait_for_selector("#log-lines")
    key = host.keys["functions"]["request_approval"]
    reply = httpx.post(f"{host.url}/api/requests?code={key}", json={"request": "live"})
    invocation = reply.headers["x-invocation-id"]
    page.wait_for_function(
        "id => [...document.querySelectorAll('#log-lines .msg')]"
        ".some(e => e.textContent.includes(`Executed 'request_approval' (Succeeded, Id=${id}`))",
        arg=invocation,
    )
    lines = page.inner_text("#log-lines")
    assert "Executing 'request_approval'" in lines and "file_request" not in lines
    shot(page, "logs")
    page.goto(f"{host.url}/_faas/#/function/request_approval")
    page.wait_for_selector("details.inv")
    assert invocation in page.inner_text("main")
    shot(page, "function")
    page.goto(f"{host.url}/_faas/#/functions")
    page.wait_for_selector('tr[data-function="request_approval"]')
    shot(page, "functions")


def test_hostile_payloads_render_as_text(page: Any, host: HostProcess) -> None:
    iid = start(host, "approval", {"request": HOSTILE})
    wait_for(lambda: status(host, iid) == "Running")
    bad = start(host, "breaks", HOSTILE)
    wait_for(lambda: status(host, bad) == "Failed")
    host.admin("POST", "/queues/jobs", json={"body": {"id": HOSTILE, "needs_fix": True}})
    wait_for(lambda: host.admin("GET", "/dead/jobs").json()["messages"], timeout=20)
    for view in (f"#/instance/{iid}", f"#/instance/{bad}", "#/dead/jobs", "#/logs"):
        page.goto(f"{host.url}/_faas/{view}")
        page.wait_for_function("document.querySelector('main').textContent.includes('<script>')")
        assert page.evaluate("window.__pwned") is None
        assert page.query_selector("main img, main script") is None
    open_instance(page, host, bad)
    assert "cannot process '<script>window.__pwned = 1</script>" in page.inner_text("#error")
    assert json.loads(page.inner_text("#input")) == HOSTILE


def test_usable_at_phone_width(browser: Any, host: HostProcess) -> None:
    iid = start(host, "approval", {"request": "phone"})
    wait_for(lambda: status(host, iid) == "Running")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True
    )
    pg = context.new_page()
    pg.goto(f"{host.url}/_faas/?code={host.master}")
    for view in ("#/functions", "#/queues", "#/orchestrations", f"#/instance/{iid}"):
        pg.goto(f"{host.url}/_faas/{view}")
        pg.wait_for_selector("main h1")
        pg.wait_for_load_state("networkidle")
        # The page itself never scrolls sideways: wide tables scroll inside their own box.
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, view
    pg.click("#raise-form input[name=event]")  # the actions are reachable and usable
    shot(pg, "instance-phone")
    context.close()


def instance(host: HostProcess, iid: str) -> dict[str, Any]:
    with host.client() as c:
        r = c.get(
            f"/runtime/webhooks/durabletask/instances/{iid}",
            headers={"x-functions-key": host.master},
        )
    return dict(r.json())
