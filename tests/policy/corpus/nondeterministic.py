"""Orchestrators that break replay, each offending line marked ``# expect FIAC7xx`` (one or
more codes). tests/policy/test_durability_corpus.py checks that faas-iac check finds exactly
these, at these lines."""

# mypy: ignore-errors

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import os
import random
import secrets
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from datetime import date
from datetime import datetime as dt
from os import environ, getenv
from pathlib import Path
from random import choice, randint
from time import monotonic, perf_counter

from faas_iac import App

app = App("corpus")
COUNTS: dict[str, int] = {}
SEEN: list[str] = []
TOTAL = 0


@app.activity
def work(x):
    return x


@app.orchestrator
def clock_now(ctx):
    stamp = datetime.datetime.now()  # expect FIAC730
    return (yield ctx.call_activity("work", str(stamp)))


@app.orchestrator
def clock_utcnow(ctx):
    stamp = datetime.datetime.utcnow()  # expect FIAC730
    return (yield ctx.call_activity("work", str(stamp)))


@app.orchestrator
def clock_alias(ctx):
    stamp = dt.now()  # expect FIAC730
    return (yield ctx.call_activity("work", str(stamp)))


@app.orchestrator
def clock_today(ctx):
    day = date.today()  # expect FIAC730
    return (yield ctx.call_activity("work", str(day)))


@app.orchestrator
def clock_time(ctx):
    started = time.time()  # expect FIAC730
    return (yield ctx.call_activity("work", started))


@app.orchestrator
def clock_time_ns(ctx):
    return (yield ctx.call_activity("work", time.time_ns()))  # expect FIAC730


@app.orchestrator
def clock_monotonic(ctx):
    tick = monotonic()  # expect FIAC730
    return (yield ctx.call_activity("work", tick))


@app.orchestrator
def clock_perf(ctx):
    yield ctx.call_activity("work", 1)
    return perf_counter()  # expect FIAC730


@app.orchestrator
def dice_random(ctx):
    if random.random() < 0.5:  # expect FIAC730
        return (yield ctx.call_activity("work", "heads"))
    return (yield ctx.call_activity("work", "tails"))


@app.orchestrator
def dice_choice(ctx):
    pick = choice(["a", "b"])  # expect FIAC730
    return (yield ctx.call_activity("work", pick))


@app.orchestrator
def dice_randint(ctx):
    return (yield ctx.call_activity("work", randint(1, 6)))  # expect FIAC730


@app.orchestrator
def dice_generator(ctx):
    rng = random.Random()  # expect FIAC730
    return (yield ctx.call_activity("work", rng.random()))


@app.orchestrator
def dice_local_import(ctx):
    import random as rnd

    return (yield ctx.call_activity("work", rnd.uniform(0, 1)))  # expect FIAC730


@app.orchestrator
def id_uuid4(ctx):
    order = str(uuid.uuid4())  # expect FIAC730
    return (yield ctx.call_activity("work", order))


@app.orchestrator
def id_uuid1(ctx):
    return (yield ctx.call_activity("work", uuid.uuid1().hex))  # expect FIAC730


@app.orchestrator
def id_secrets(ctx):
    token = secrets.token_hex(8)  # expect FIAC730
    return (yield ctx.call_activity("work", token))


@app.orchestrator
def id_urandom(ctx):
    salt = os.urandom(4).hex()  # expect FIAC730
    return (yield ctx.call_activity("work", salt))


@app.orchestrator
def env_getenv(ctx):
    region = os.getenv("REGION", "eu")  # expect FIAC732
    return (yield ctx.call_activity("work", region))


@app.orchestrator
def env_subscript(ctx):
    region = os.environ["REGION"]  # expect FIAC732
    return (yield ctx.call_activity("work", region))


@app.orchestrator
def env_get(ctx):
    return (yield ctx.call_activity("work", os.environ.get("REGION")))  # expect FIAC732


@app.orchestrator
def env_imported(ctx):
    mode = environ.get("MODE") or getenv("FALLBACK")  # expect FIAC732
    return (yield ctx.call_activity("work", mode))


@app.orchestrator
def sleep_time(ctx):
    time.sleep(1)  # expect FIAC731
    return (yield ctx.call_activity("work", 1))


@app.orchestrator
def sleep_asyncio(ctx):
    yield asyncio.sleep(1)  # expect FIAC731 FIAC735
    return (yield ctx.call_activity("work", 1))


@app.orchestrator
def io_open(ctx):
    with open("/tmp/config.json") as handle:  # expect FIAC733
        config = handle.read()
    return (yield ctx.call_activity("work", config))


@app.orchestrator
def io_http(ctx):
    body = urllib.request.urlopen("https://example.com").read()  # expect FIAC733
    return (yield ctx.call_activity("work", len(body)))


@app.orchestrator
def io_socket(ctx):
    conn = socket.create_connection(("example.com", 80))  # expect FIAC733
    conn.close()
    return (yield ctx.call_activity("work", 1))


@app.orchestrator
def io_subprocess(ctx):
    out = subprocess.run(["date"], capture_output=True, check=False).stdout  # expect FIAC733
    return (yield ctx.call_activity("work", out.decode()))


@app.orchestrator
def io_path(ctx):
    text = Path("/etc/hostname").read_text()  # expect FIAC733
    return (yield ctx.call_activity("work", text))


@app.orchestrator
def thread_start(ctx):
    worker = threading.Thread(target=print)  # expect FIAC734
    worker.start()
    return (yield ctx.call_activity("work", 1))


@app.orchestrator
def thread_pool(ctx):
    with concurrent.futures.ThreadPoolExecutor() as pool:  # expect FIAC734
        result = pool.submit(sum, [1, 2]).result()
    return (yield ctx.call_activity("work", result))


async def lookup(key):
    return key


@app.orchestrator
def yield_coroutine(ctx):
    value = yield lookup("a")  # expect FIAC735
    return (yield ctx.call_activity("work", value))


@app.orchestrator
def yield_plain_value(ctx):
    value = yield ctx.get_input()  # expect FIAC735
    return (yield ctx.call_activity("work", value))


@app.orchestrator
def global_counter(ctx):
    global TOTAL
    TOTAL += 1  # expect FIAC736
    return (yield ctx.call_activity("work", TOTAL))


@app.orchestrator
def global_dict(ctx):
    COUNTS[ctx.instance_id] = 1  # expect FIAC736
    return (yield ctx.call_activity("work", 1))


@app.orchestrator
def global_list(ctx):
    SEEN.append(ctx.instance_id)  # expect FIAC736
    return (yield ctx.call_activity("work", len(SEEN)))


@app.orchestrator
def endless(ctx):
    while True:  # expect FIAC737
        yield ctx.call_activity("work", 1)
