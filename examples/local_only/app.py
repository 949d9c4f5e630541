"""What only the local host (and Azure) can run: a schedule that fires every second. AWS and
GCP schedule to the minute at best, so `faas-iac plan` refuses this app there (FIAC201); the
portable examples (examples/triggers) schedule to the minute.

`faas-iac dev examples/local_only/app.py`, then GET /api/seen/tick:<time> reads a tick back.
"""

from __future__ import annotations

from faas_iac import App, Context, HttpRequest, HttpResponse, Table, TimerInfo

app = App("ticker", timeout=10)
app.declare(Table("seen", key="id"))


@app.schedule("* * * * * *", max_instances=1, reads=["table:seen"], writes=["table:seen"])
def tick(timer: TimerInfo, ctx: Context) -> None:
    key = f"tick:{timer.scheduled_time:%Y-%m-%dT%H:%M:%S}"
    before = ctx.table("seen").get({"id": key})
    count = (before or {}).get("count", 0) + 1
    ctx.table("seen").put({"id": key, "count": count, "past_due": timer.past_due})


@app.http("/seen/{*key}", methods=["GET"], reads=["table:seen"])
def seen(req: HttpRequest, ctx: Context) -> HttpResponse:
    item = ctx.table("seen").get({"id": req.route_params["key"]})
    return HttpResponse.json(item) if item else HttpResponse.json({"missing": True}, status=404)
