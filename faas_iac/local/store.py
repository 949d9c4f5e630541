"""The local host's one I/O boundary to SQLite (WAL): durable deliveries, tables, schedules.

Every asynchronous trigger is a *channel* of deliveries in one table: ``queue:<name>`` for a
queue (competing consumers), ``fn:<function>`` for a topic, bucket, table, stream or bus
subscriber and for schedule ticks. A delivery is claimed for a visibility timeout, acked when
the handler succeeds, released for a retry when it fails, and dead-lettered after its last
allowed delivery. A kill -9 loses nothing: WAL with ``synchronous=NORMAL`` keeps every commit
across a process crash, and a claim that is never acked becomes visible again. Enqueue times,
visibility and retry delays are read from the host's clock (:mod:`.clock`), so a test's clock
or ``--time-scale`` moves them with every other timer.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .clock import SYSTEM, Clock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    channel TEXT NOT NULL,
    part INTEGER NOT NULL DEFAULT 0,
    body BLOB NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    enqueued REAL NOT NULL,
    visible_at REAL NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 0,
    claimed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_channel ON deliveries (channel, part, visible_at, seq);
CREATE TABLE IF NOT EXISTS kv (
    tbl TEXT NOT NULL, key TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (tbl, key)
);
CREATE TABLE IF NOT EXISTS schedules (fn TEXT PRIMARY KEY, last_fire REAL NOT NULL);
"""


@dataclass(frozen=True)
class Delivery:
    """One claimed delivery: ``deliveries`` counts this attempt (1 on the first)."""

    seq: int
    id: str
    channel: str
    part: int
    body: bytes
    attributes: dict[str, str]
    enqueued: float
    deliveries: int


@dataclass(frozen=True)
class Enqueue:
    channel: str
    body: bytes
    attributes: Mapping[str, str]
    part: int = 0
    id: str = ""


def _rows(items: Iterable[Enqueue], now: float) -> list[tuple[Any, ...]]:
    return [
        (
            i.id or uuid.uuid4().hex,
            i.channel,
            i.part,
            i.body,
            json.dumps(dict(i.attributes)),
            now,
            now,
        )
        for i in items
    ]


def _insert(db: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    db.executemany(
        "INSERT INTO deliveries (id, channel, part, body, attributes, enqueued, visible_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


class Store:
    """Thread-safe: handlers running in worker threads write through the same connection."""

    def __init__(self, path: Path, clock: Clock = SYSTEM) -> None:
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self, work: Any) -> Any:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    # -- deliveries -----------------------------------------------------------------------------
    def enqueue(
        self, items: Iterable[Enqueue], *, schedule: tuple[str, float] | None = None
    ) -> list[str]:
        """Add deliveries atomically, optionally with a schedule mark in the same transaction
        (a tick is recorded exactly when its delivery is)."""
        rows = _rows(items, self.clock.now())

        def work(db: sqlite3.Connection) -> list[str]:
            if schedule is not None:
                db.execute(
                    "INSERT OR REPLACE INTO schedules (fn, last_fire) VALUES (?, ?)", schedule
                )
            _insert(db, rows)
            return [r[0] for r in rows]

        result: list[str] = self._tx(work)
        return result

    def kv_change(
        self,
        tbl: str,
        key: str,
        item: Mapping[str, Any] | None,
        events: Callable[[dict[str, Any] | None], list[Enqueue]],
    ) -> None:
        """Write (or delete, ``item=None``) one row and add the change events ``events(old)``
        returns, in one transaction: a change event exists exactly when its change does."""

        def work(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT item FROM kv WHERE tbl = ? AND key = ?", (tbl, key)).fetchone()
            old = None if row is None else dict(json.loads(row[0]))
            if item is None:
                db.execute("DELETE FROM kv WHERE tbl = ? AND key = ?", (tbl, key))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO kv (tbl, key, item) VALUES (?, ?, ?)",
                    (tbl, key, json.dumps(dict(item), default=str)),
                )
            if old is not None or item is not None:
                _insert(db, _rows(events(old), self.clock.now()))

        self._tx(work)

    def claim(
        self,
        channel: str,
        limit: int,
        visibility: float,
        *,
        part: int | None = None,
        ordered: bool = False,
    ) -> list[Delivery]:
        """Claim up to ``limit`` visible deliveries for ``visibility`` seconds. ``ordered``
        (streams, table changes) stops at the first delivery that is not yet visible, so a
        partition is handled strictly in order."""
        now = self.clock.now()

        def work(db: sqlite3.Connection) -> list[Delivery]:
            if ordered:
                rows = db.execute(
                    "SELECT seq, id, channel, part, body, attributes, enqueued, deliveries, "
                    "visible_at FROM deliveries WHERE channel = ? AND part = ? ORDER BY seq "
                    "LIMIT ?",
                    (channel, part or 0, limit),
                ).fetchall()
                taken = []
                for row in rows:
                    if row[8] > now:
                        break
                    taken.append(row[:8])
                rows = taken
            else:
                rows = db.execute(
                    "SELECT seq, id, channel, part, body, attributes, enqueued, deliveries "
                    "FROM deliveries WHERE channel = ? AND visible_at <= ? ORDER BY seq LIMIT ?",
                    (channel, now, limit),
                ).fetchall()
            db.executemany(
                "UPDATE deliveries SET visible_at = ?, deliveries = deliveries + 1, claimed = 1 "
                "WHERE seq = ?",
                [(now + visibility, r[0]) for r in rows],
            )
            return [
                Delivery(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7] + 1)
                for r in rows
            ]

        result: list[Delivery] = self._tx(work)
        return result

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> int:
        cur: sqlite3.Cursor = self._tx(lambda db: db.executemany(sql, rows))
        return int(cur.rowcount)

    def ack(self, seqs: Iterable[int]) -> None:
        self._many("DELETE FROM deliveries WHERE seq = ?", [(s,) for s in seqs])

    def release(self, seqs: Iterable[int], delay: float = 0.0) -> None:
        """Make claimed deliveries visible again after ``delay`` seconds (a retry)."""
        when = self.clock.now() + delay
        sql = "UPDATE deliveries SET visible_at = ?, claimed = 0 WHERE seq = ?"
        self._many(sql, [(when, s) for s in seqs])

    def dead_letter(self, seq: int, channel: str) -> None:
        """Move a delivery that used its last attempt to ``channel`` (a dead-letter queue or
        ``dead:<channel>``), keeping its id, body, attributes and delivery count."""
        sql = "UPDATE deliveries SET channel = ?, visible_at = ?, claimed = 0, part = 0 "
        sql += "WHERE seq = ?"
        self._many(sql, [(channel, self.clock.now(), seq)])

    def recover(self) -> int:
        """At start-up: every claim of a previous process is released for immediate delivery
        (the host holds the state folder's lock, so no other consumer holds them)."""
        sql = "UPDATE deliveries SET visible_at = ?, claimed = 0 WHERE claimed = ?"
        return self._many(sql, [(self.clock.now(), 1)])

    def next_visible(self, channel: str) -> float | None:
        """When the channel's earliest delivery becomes visible (the test kit's clock jumps
        there); ``None``: the channel is empty."""
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(visible_at) FROM deliveries WHERE channel = ?", (channel,)
            ).fetchone()
        return None if row[0] is None else float(row[0])

    def count(self, channel: str) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM deliveries WHERE channel = ?", (channel,)
            ).fetchone()
        return int(row[0])

    def peek(self, channel: str, limit: int = 100) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, body, attributes, deliveries FROM deliveries WHERE channel = ? "
                "ORDER BY seq LIMIT ?",
                (channel, limit),
            ).fetchall()
        return [
            {
                "id": r[0],
                "body": r[1].decode("utf-8", "replace"),
                "attributes": json.loads(r[2]),
                "deliveries": r[3],
            }
            for r in rows
        ]

    # -- key-value tables -----------------------------------------------------------------------
    def kv_get(self, tbl: str, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT item FROM kv WHERE tbl = ? AND key = ?", (tbl, key)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    # -- schedules ------------------------------------------------------------------------------
    def last_fire(self, fn: str) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT last_fire FROM schedules WHERE fn = ?", (fn,)).fetchone()
        return None if row is None else float(row[0])
