"""An HTTP API a web page of another origin calls from the browser: ``App(cors=...)``."""

from __future__ import annotations

from typing import Any

from faas_iac import App, Context, HttpRequest

app = App("webapi", cors=["https://shop.example", "http://127.0.0.1:8765"])


@app.http("/items", methods=["GET", "POST"], auth="anonymous")
def items(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return {"items": ["book"], "method": req.method}
