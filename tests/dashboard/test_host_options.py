"""``faas-iac dev --cors ORIGIN`` judged by a real browser's CORS checks (Debian's chromium):
a page of the listed origin calls a keyed function (preflight included) and reads the answer;
a page of any other origin cannot, and its call never runs. ``--host`` listens where asked."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from tests.local.hostproc import ROOT, HostProcess

APP = ROOT / "examples" / "approvals" / "app.py"
CALL = """async ([url, key]) => {
  try {
    const headers = {"content-type": "application/json"};
    if (key) headers["x-functions-key"] = key;
    const r = await fetch(url, {method: "POST", headers, body: JSON.stringify({request: "x"})});
    return {status: r.status, invocation: r.headers.get("x-invocation-id"), body: await r.text()};
  } catch (e) {
    return {error: String(e)};
  }
}"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>another site</title><p>another site"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def site() -> Iterator[str]:
    """Another origin: a page served on its own 127.0.0.1 port; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _call_from(browser: Any, origin: str, url: str, key: str | None) -> dict[str, Any]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(origin + "/")
        return dict(page.evaluate(CALL, [url, key]))
    finally:
        context.close()


def test_only_a_listed_origin_calls_the_api_from_a_browser(browser: Any, tmp_path: Path) -> None:
    with site() as listed, site() as other:
        host = HostProcess(APP, tmp_path / "state", "--no-reload", "--cors", listed)
        with host:
            url = f"{host.url}/api/requests"
            key = host.keys["functions"]["request_approval"]
            ok = _call_from(browser, listed, url, key)
            refused = _call_from(browser, other, url, key)
            keyless = _call_from(browser, listed, url, None)
        ran = [
            line
            for line in host.log_lines()
            if line.get("event") == "function.completed"
            and line.get("function") == "request_approval"
        ]
    assert ok["status"] == 200 and '"instanceId"' in ok["body"], ok
    assert ok["invocation"] == ran[0]["invocation_id"]  # exposed to the page's script
    assert "Failed to fetch" in refused.get("error", ""), refused
    assert keyless["status"] == 401 and "function key is required" in keyless["body"], keyless
    assert len(ran) == 1, ran  # the other origin's call was stopped at its preflight


def test_without_cors_a_browser_page_of_another_origin_cannot_call(
    browser: Any, tmp_path: Path
) -> None:
    with site() as origin, HostProcess(APP, tmp_path / "state", "--no-reload") as host:
        key = host.keys["functions"]["request_approval"]
        refused = _call_from(browser, origin, f"{host.url}/api/requests", key)
    assert "Failed to fetch" in refused.get("error", ""), refused


def test_host_option_listens_where_asked_and_warns_beyond_loopback(tmp_path: Path) -> None:
    with HostProcess(APP, tmp_path / "state", "--no-reload", "--host", "0.0.0.0") as host:
        key = host.keys["functions"]["request_approval"]
        reply = httpx.post(f"{host.url}/api/requests?code={key}", json={"request": "x"})
        banner = host.out_path.read_text()
    assert reply.status_code == 200
    assert f"{host.url}/_faas/?code=" in banner  # a wildcard is shown as loopback: clickable
    assert "listening on 0.0.0.0: other machines can reach this host" in host.log()
    bad = HostProcess(APP, tmp_path / "bad", "--no-reload", "--host", "203.0.113.9")
    try:
        bad.start(timeout=20)
    except AssertionError as exc:
        assert "FIAC816" in str(exc) and "cannot listen on 203.0.113.9" in str(exc)
    else:
        bad.stop()
        raise AssertionError("an address of another machine was accepted")


def test_the_apps_own_cors_origins_are_served_locally(browser: Any, tmp_path: Path) -> None:
    web_api = Path(__file__).parent / "apps" / "web_api.py"
    with site() as listed, site() as other:
        app = tmp_path / "app.py"
        app.write_text(re.sub(r"cors=\[[^]]*\]", f"cors=[{listed!r}]", web_api.read_text()))
        with HostProcess(app, tmp_path / "state", "--no-reload") as host:
            ok = _call_from(browser, listed, f"{host.url}/api/items", None)
            refused = _call_from(browser, other, f"{host.url}/api/items", None)
    assert ok["status"] == 200 and '"method":"POST"' in ok["body"], ok
    assert "Failed to fetch" in refused.get("error", ""), refused
