"""The local dashboard at ``/_faas/``: one static page (vendored here, nothing fetched from the
internet) and the JSON API it reads, served by the host itself.

Access: the master key, once (``/_faas/?code=KEY``, the URL ``faas-iac dev`` prints), is traded
for an HttpOnly, SameSite=Strict cookie holding a token derived from it, and the page moves to
``/_faas/`` without the key in its address. Every request needs that cookie or the key;
actions (POST) also need the ``x-faas-dashboard`` header, which no other site's page can send
without a CORS preflight the host never grants. Every answer carries a strict
Content-Security-Policy (scripts from this host only, no inline script), and the page writes
every value as text (``textContent``), so a payload of ``<script>`` is shown, never run.
"""

from __future__ import annotations

import hashlib
import hmac
from http.cookies import SimpleCookie
from importlib.resources import files
from typing import TYPE_CHECKING

from ..asgi import Receive, Scope, Send, headers_of, query_of
from ..keys import same_secret
from ..paths import split_raw
from .api import Api
from .web import SECURITY, Reply, send_bytes, send_reply

if TYPE_CHECKING:
    from ..host import Host

PREFIX = "/_faas"
COOKIE = "faas_dashboard"
_STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_REFUSED = (
    b"<!doctype html><meta charset=utf-8><title>faas-iac dashboard: key required</title>"
    b"<h1>Key required</h1><p>Open the dashboard with the URL <code>faas-iac dev</code> printed "
    b"at start (it ends with <code>?code=</code> and the master key, from "
    b"<code>keys.json</code> in the state folder).</p>"
)


def token(master: str) -> str:
    """The cookie value: derived from the master key, which never goes into a cookie."""
    return hmac.new(master.encode(), b"faas-iac dashboard", hashlib.sha256).hexdigest()


def _asset(name: str) -> bytes:
    return files(__package__).joinpath("static", name).read_bytes()


class Dashboard:
    """The ASGI app under ``/_faas``; reads the host's current runtime on every request, so a
    reload is seen at once."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.api = Api(host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = headers_of(scope)
        query = query_of(scope)
        try:
            parts = split_raw(scope.get("raw_path") or scope["path"].encode())[1:]
        except UnicodeDecodeError:
            parts = ["?"]
        method = scope["method"]
        master = self.host.keys.master
        given = headers.get("x-functions-key") or query.get("code")
        by_key = bool(given) and bool(master) and same_secret(given or "", master)
        if by_key and method == "GET" and parts in ([], [""]):
            await self._enter(send, master)
            return
        if not by_key and not self._cookie_ok(headers, master):
            await self._refuse(send, parts)
            return
        if parts in ([], [""]):
            await send_bytes(send, 200, _asset("index.html"), "text/html; charset=utf-8")
        elif len(parts) == 2 and parts[0] == "static" and parts[1] in _STATIC:
            await send_bytes(send, 200, _asset(parts[1]), _STATIC[parts[1]])
        elif parts[:1] == ["api"]:
            if method != "GET" and headers.get("x-faas-dashboard") != "1":
                await send_reply(
                    send, Reply(403, {"error": "actions need the x-faas-dashboard header"})
                )
                return
            await self.api.handle(method, parts[1:], query, receive, send)
        else:
            await send_reply(send, Reply(404, {"error": f"no dashboard page {scope['path']!r}"}))

    def _cookie_ok(self, headers: dict[str, str], master: str) -> bool:
        if not master or "cookie" not in headers:
            return False
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers["cookie"])
        except Exception:  # a malformed cookie header is no cookie
            return False
        got = jar.get(COOKIE)
        return got is not None and same_secret(got.value, token(master))

    async def _enter(self, send: Send, master: str) -> None:
        """Trade the key in the URL for the cookie, and drop the key from the address."""
        cookie = f"{COOKIE}={token(master)}; Path={PREFIX}/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", f"{PREFIX}/".encode()),
                    (b"set-cookie", cookie.encode()),
                    (b"content-length", b"0"),
                    *SECURITY,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, send: Send, parts: list[str]) -> None:
        if parts[:1] == ["api"]:
            await send_reply(send, Reply(401, {"error": "the dashboard needs the master key"}))
        else:
            await send_bytes(send, 401, _REFUSED, "text/html; charset=utf-8")


__all__ = ["PREFIX", "Dashboard", "token"]
