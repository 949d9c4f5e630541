"""A queue consumer that notes every message it handles in a file (kill -9 and shutdown tests)."""

from __future__ import annotations

import os
import time

from faas_iac import App, Context, Message

app = App("durable-queue")


@app.queue("jobs", batch_size=10, visibility_timeout=30)
def job(msg: Message, ctx: Context) -> None:
    time.sleep(float(os.environ.get("JOB_SLEEP_S", "0.002")))
    fd = os.open(os.environ["HANDLED_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{msg.id}\n".encode())
    finally:
        os.close(fd)
