"""One app whose HTTP functions answer with the portable request they were given, so the same
client request can be compared on every target."""

from typing import Any

from faas_iac import App, Context, HttpRequest

app = App("echo", http_auth="anonymous")


def view(req: HttpRequest) -> dict[str, Any]:
    return {
        "method": req.method,
        "path": req.path,
        "query": dict(req.query),
        "lists": {k: req.query_list(k) for k in req.query},
        "cookie": req.header("cookie"),
        "tag": req.header("x-tag"),
        "params": dict(req.route_params),
    }


@app.http("/echo", methods=["GET"])
def echo(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return view(req)


@app.http("/files/{name}", methods=["GET"])
def files(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return view(req)
