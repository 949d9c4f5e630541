"""An app whose Azure bindings use Storage: a queue (sent to, and triggering a function) and
a blob container (put, get, list, delete)."""

from typing import Any

from faas_iac import App, Bucket, Context, HttpRequest, HttpResponse, Message

app = App("store", http_auth="anonymous")
app.declare(Bucket("uploads"))


@app.http("/jobs", methods=["POST"], writes=["queue:jobs"])
def submit(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return {"id": ctx.send("jobs", req.body, kind=req.query.get("kind", "plain"))}


@app.queue("jobs", writes=["bucket:uploads"])
def work(msg: Message, ctx: Context) -> None:
    ctx.bucket("uploads").put(f"jobs/{msg.id}.bin", msg.body, "application/octet-stream")


@app.http("/files/{*key}", methods=["GET", "PUT", "DELETE"], reads=["bucket:uploads"],
          writes=["bucket:uploads"])  # fmt: skip
def files(req: HttpRequest, ctx: Context) -> Any:
    bucket, key = ctx.bucket("uploads"), req.route_params["key"]
    if req.method == "PUT":
        bucket.put(key, req.body, req.header("content-type") or "")
        return HttpResponse(b"", 201)
    if req.method == "DELETE":
        bucket.delete(key)
        return None
    if key == "_list":
        return bucket.list(req.query.get("prefix", ""))
    data = bucket.get(key)
    return HttpResponse(b"", 404) if data is None else data
