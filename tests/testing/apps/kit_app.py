"""An app for the test kit's own tests: a deadline race, a nightly report in Paris time, a
flaky queue consumer, and an HTTP function that waits for an orchestration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import App, Context, HttpRequest, Message, Queue, TimerInfo

app = App("kit")
app.declare(Queue("jobs", max_deliveries=3, visibility_timeout=30))


@app.orchestrator
def deadline_race(ctx: Any) -> Any:
    deadline = ctx.current_utc_datetime + timedelta(hours=1)
    timer = ctx.create_timer(deadline)
    answer = ctx.wait_for_external_event("Answer")
    winner = yield ctx.task_any([answer, timer])
    if winner == answer:
        timer.cancel()
    return {"answered": winner == answer, "at": ctx.current_utc_datetime.isoformat()}


@app.orchestrator
def slow_job(ctx: Any) -> Any:  # waits the minutes it is given
    yield ctx.create_timer(ctx.current_utc_datetime + timedelta(minutes=ctx.get_input()))
    done = yield ctx.call_activity("finish", ctx.get_input())
    return done


@app.activity
def finish(minutes: int) -> dict[str, int]:
    return {"done after minutes": minutes}


@app.schedule("0 2 * * *", tz="Europe/Paris")
def nightly_report(timer: TimerInfo) -> str:
    return timer.scheduled_time.isoformat()


@app.queue("jobs", batch_size=1)
def take_job(msg: Message) -> str:
    body = msg.json()
    if msg.delivery_count <= body.get("fail_times", 0):
        raise RuntimeError(f"attempt {msg.delivery_count} fails on purpose")
    return f"took {body['id']}"


@app.http("/jobs/{minutes}", methods=["POST"], durable_client=True)
async def run_job(req: HttpRequest, ctx: Context) -> Any:
    minutes = int(req.route_params["minutes"])
    instance_id = await ctx.durable.start_new("slow_job", None, minutes)
    return await ctx.durable.wait_for_completion_or_create_check_status_response(
        req, instance_id, timeout_in_milliseconds=10 * 60_000
    )
