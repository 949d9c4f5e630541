"""What every dashboard answer shares: the security headers and the JSON reply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..asgi import Send

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


@dataclass(frozen=True)
class Reply:
    status: int
    data: Any

    def body(self) -> bytes:
        return json.dumps(self.data, default=str).encode()


async def send_bytes(send: Send, status: int, body: bytes, content_type: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *SECURITY,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_reply(send: Send, reply: Reply) -> None:
    await send_bytes(send, reply.status, reply.body(), "application/json")
