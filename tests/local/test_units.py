"""The pure pieces of the local host, without a server: routes, the store's delivery rules,
and the scheduler's catch-up through its clock seam."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from faas_iac.local.clock import VirtualClock
from faas_iac.local.routes import Router
from faas_iac.local.store import Enqueue, Store
from faas_iac.local.workers import MAX_CATCH_UP, Scheduler
from faas_iac.model import Function


def test_routes_literal_params_and_catch_all() -> None:
    r = Router(
        [
            ("/orders", ["GET", "POST"], "list"),
            ("/orders/{id}", ["GET"], "one"),
            ("/orders/special", ["GET"], "special"),
            ("/files/{*path}", ["GET"], "files"),
            ("/", ["GET"], "root"),
        ]
    )
    assert r.match("/orders", "POST").target == "list"
    assert r.match("/orders/", "GET").target == "list"
    m = r.match("/orders/42", "GET")
    assert (m.target, m.params) == ("one", {"id": "42"})
    assert r.match("/orders/special", "GET").target == "special"
    m = r.match("/files/a/b/c.txt", "GET")
    assert (m.target, m.params) == ("files", {"path": "a/b/c.txt"})
    assert r.match("/", "GET").target == "root"
    assert r.match("/orders/42", "HEAD").target == "one"
    m = r.match("/orders/42", "DELETE")
    assert m.target is None and m.allowed == {"GET"}
    assert r.match("/orders/1/2", "GET").target is None and not r.match("/x", "GET").allowed


def test_store_visibility_retry_and_dead_letter(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.enqueue([Enqueue("queue:q", f"m{i}".encode(), {"i": str(i)}) for i in range(5)])
    first = store.claim("queue:q", 3, visibility=30)
    assert [d.body for d in first] == [b"m0", b"m1", b"m2"] and first[0].deliveries == 1
    assert [d.body for d in store.claim("queue:q", 10, visibility=30)] == [b"m3", b"m4"]
    assert store.claim("queue:q", 10, visibility=30) == []  # all claimed, none visible
    store.ack([first[0].seq])
    store.release([first[1].seq])
    again = store.claim("queue:q", 10, visibility=30)
    assert [(d.body, d.deliveries, d.attributes) for d in again] == [(b"m1", 2, {"i": "1"})]
    store.dead_letter(again[0].seq, "queue:dlq")
    assert store.peek("queue:dlq")[0]["deliveries"] == 2
    assert store.count("queue:q") == 3
    assert store.recover() == 3  # a restart makes every claim visible again
    assert len(store.claim("queue:q", 10, visibility=30)) == 3
    store.close()


def test_ordered_claims_wait_for_the_earliest_record(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.enqueue([Enqueue("fn:s", f"r{i}".encode(), {}, part=0) for i in range(3)])
    store.enqueue([Enqueue("fn:s", b"other", {}, part=1)])
    head = store.claim("fn:s", 1, visibility=30, part=0, ordered=True)
    assert [d.body for d in head] == [b"r0"]
    store.release([head[0].seq], delay=60)  # r0 failed and waits: r1, r2 must wait too
    assert store.claim("fn:s", 10, visibility=30, part=0, ordered=True) == []
    assert [d.body for d in store.claim("fn:s", 10, 30, part=1, ordered=True)] == [b"other"]
    store.close()


def _tick_function() -> Function:
    return Function.model_validate(
        {
            "name": "tick",
            "handler": {"module": "m", "qualname": "tick"},
            "trigger": {"type": "schedule", "cron": "* * * * * *"},
        }
    )


def _run_scheduler(store: Store, now: float) -> None:
    async def main() -> None:
        sched = Scheduler([_tick_function()], store, lambda channel: None, clock=VirtualClock(now))
        sched.start()
        await asyncio.sleep(0.3)
        await sched.stop()

    asyncio.run(main())


def test_scheduler_catches_up_once_after_downtime(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    t0 = float(int(time.time()) - 3600)
    store.enqueue([], schedule=("tick", t0))
    _run_scheduler(store, t0 + 10.5)
    fired = [json.loads(m["body"]) for m in store.peek("fn:tick")]
    assert [f["scheduled"] - t0 for f in fired] == [float(i) for i in range(1, 11)]
    assert [f["past_due"] for f in fired] == [True] * 9 + [False]
    assert store.last_fire("tick") == t0 + 10
    _run_scheduler(store, t0 + 10.5)  # a restart at the same instant fires nothing again
    assert store.count("fn:tick") == 10
    store.close()


def test_scheduler_caps_the_catch_up(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    t0 = float(int(time.time()) - 86400)
    store.enqueue([], schedule=("tick", t0))
    _run_scheduler(store, t0 + 5000.5)
    fired = [json.loads(m["body"]) for m in store.peek("fn:tick", 1000)]
    assert len(fired) == MAX_CATCH_UP + 1
    assert fired[-1]["scheduled"] == t0 + 5000 and not fired[-1]["past_due"]
    store.close()


def test_run_on_startup_runs_once_per_start_without_moving_the_schedule(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    t0 = float(int(time.time()) - 3600)
    store.enqueue([], schedule=("tick", t0))
    fn = _tick_function()
    trigger = fn.trigger.model_copy(update={"run_on_startup": True, "cron": "0 0 0 1 1 *"})
    fn = fn.model_copy(update={"trigger": trigger})

    async def main() -> None:
        sched = Scheduler([fn], store, lambda channel: None, clock=VirtualClock(t0 + 5.0))
        sched.start()
        await asyncio.sleep(0.2)
        await sched.stop()

    asyncio.run(main())
    fired = [json.loads(m["body"]) for m in store.peek("fn:tick")]
    assert fired == [{"scheduled": t0 + 5.0, "last": t0, "past_due": False}]
    assert store.last_fire("tick") == t0
    store.close()


def test_every_local_host_code_is_listed() -> None:
    import re

    from faas_iac.errors import CODES
    from tests.local.hostproc import ROOT

    sources = [*(ROOT / "faas_iac" / "local").glob("*.py"), ROOT / "faas_iac" / "cli" / "dev.py"]
    used = {c for path in sources for c in re.findall(r"FIAC\d{3}", path.read_text())}
    assert {c for c in used if c.startswith("FIAC8")} >= {"FIAC801", "FIAC816"}
    assert used <= set(CODES), sorted(used - set(CODES))


def test_routes_literal_answers_are_precomputed_alike() -> None:
    r = Router(
        [
            ("/a", ["GET"], "get-a"),
            ("/a", ["GET", "POST"], "second"),
            ("/b", ["POST"], "post-b"),
        ]
    )
    assert r.match("/a", "GET").target == "get-a"  # the first route that takes it wins
    assert r.match("/a/", "HEAD").target == "get-a"
    assert r.match("/a", "POST").target == "second"
    assert r.match("/b", "HEAD").target is None and r.match("/b", "HEAD").allowed == {"POST"}
    m = r.match("/a", "PUT")
    assert m.target is None and m.allowed == {"GET", "POST"}
    assert r.match("/a", "GET").params == {}
