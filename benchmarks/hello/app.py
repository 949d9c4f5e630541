"""The trivial JSON function of benchmarks/http_serving.py, for `faas-iac dev`."""

from __future__ import annotations

from faas_iac import App, Context, HttpRequest

app = App("hello")


@app.http("/hello", methods=["GET"], auth="anonymous")
def hello(req: HttpRequest, ctx: Context) -> dict[str, str]:
    return {"hello": "world"}


@app.http("/hello_async", methods=["GET"], auth="anonymous")
async def hello_async(req: HttpRequest, ctx: Context) -> dict[str, str]:
    return {"hello": "world"}
