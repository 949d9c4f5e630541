"""The SQLite event store: instances, their history (one row per event) and entity states.

One writer (the engine thread) commits each batch of work in one transaction: the group
commit. ``durability="full"`` is WAL with ``synchronous=FULL`` (a committed step survives a
power loss); ``"normal"`` is WAL with ``synchronous=NORMAL`` (faster; a committed step
survives a crash of the process, and a power loss may lose the last batches, never corrupt).
Readers (status queries, from any thread) use their own connections, which WAL lets run
beside the writer.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, input TEXT, output TEXT,
  custom_status TEXT, created REAL NOT NULL, updated REAL NOT NULL, parent TEXT,
  parent_task INTEGER, generation INTEGER NOT NULL DEFAULT 0, error TEXT
);
CREATE INDEX IF NOT EXISTS instances_status ON instances(status);
CREATE TABLE IF NOT EXISTS history (
  instance_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,
  PRIMARY KEY (instance_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL, state TEXT, updated REAL NOT NULL
);
"""
_SYNC = {"full": "FULL", "normal": "NORMAL"}
_UPSERT = (
    "INSERT INTO instances VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
    "name=excluded.name, status=excluded.status, input=excluded.input, "
    "output=excluded.output, custom_status=excluded.custom_status, created=excluded.created, "
    "updated=excluded.updated, parent=excluded.parent, parent_task=excluded.parent_task, "
    "generation=excluded.generation, error=excluded.error"
)
ACTIVE = ("Pending", "Running", "Suspended", "ContinuedAsNew")
FINISHED = ("Completed", "Failed", "Terminated")
INSTANCE_COLUMNS = (
    "id, name, status, input, output, custom_status, created, updated, parent, parent_task, "
    "generation, error"
)


@dataclass(frozen=True)
class InstanceRow:
    id: str
    name: str
    status: str
    input: str | None
    output: str | None
    custom_status: str | None
    created: float
    updated: float
    parent: str | None
    parent_task: int | None
    generation: int
    error: str | None


@dataclass
class Batch:
    """Everything one group commit writes."""

    instances: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[str, int, str]] = field(default_factory=list)
    resets: list[str] = field(default_factory=list)
    entities: list[tuple[str, str, str, str | None, float]] = field(default_factory=list)
    purges: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.instances or self.history or self.resets or self.entities or self.purges)


def connect(path: Path, durability: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={_SYNC[durability]}")
    return conn


class Store:
    def __init__(self, path: Path, durability: str = "full") -> None:
        if durability not in _SYNC:
            raise ValueError(f"durability must be 'full' or 'normal', not {durability!r}")
        self.path = path
        self.durability = durability
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = connect(path, durability)
        self._writer.executescript(SCHEMA)
        self._local = threading.local()

    def close(self) -> None:
        self._writer.close()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing (engine thread only) ---------------------------------------------------------
    def commit(self, batch: Batch) -> None:
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            if batch.resets:
                conn.executemany(
                    "DELETE FROM history WHERE instance_id = ?", [(i,) for i in batch.resets]
                )
            if batch.instances:
                conn.executemany(_UPSERT, batch.instances)
            if batch.history:
                conn.executemany("INSERT OR REPLACE INTO history VALUES (?,?,?)", batch.history)
            if batch.entities:
                conn.executemany(
                    "INSERT OR REPLACE INTO entities VALUES (?,?,?,?,?)", batch.entities
                )
            if batch.purges:
                conn.executemany(
                    "DELETE FROM history WHERE instance_id = ?", [(i,) for i in batch.purges]
                )
                conn.executemany("DELETE FROM instances WHERE id = ?", [(i,) for i in batch.purges])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def writer_instance(self, instance_id: str) -> InstanceRow | None:
        return self._one(self._writer, instance_id)

    def writer_entity(self, entity_id: str) -> tuple[str | None, bool]:
        row = self._writer.execute(
            "SELECT state FROM entities WHERE id = ?", (entity_id,)
        ).fetchone()
        return (None, False) if row is None or row[0] is None else (row[0], True)

    def active(self) -> list[InstanceRow]:
        marks = ",".join("?" * len(ACTIVE))
        rows = self._writer.execute(
            f"SELECT {INSTANCE_COLUMNS} FROM instances WHERE status IN ({marks}) ORDER BY created",
            ACTIVE,
        ).fetchall()
        return [InstanceRow(*r) for r in rows]

    def writer_history(self, instance_id: str) -> list[dict[str, Any]]:
        return self._history(self._writer, instance_id)

    # -- reading (any thread) --------------------------------------------------------------------
    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, self.durability)
            self._local.conn = conn
        return conn

    @staticmethod
    def _one(conn: sqlite3.Connection, instance_id: str) -> InstanceRow | None:
        row = conn.execute(
            f"SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = ?", (instance_id,)
        ).fetchone()
        return InstanceRow(*row) if row else None

    @staticmethod
    def _history(conn: sqlite3.Connection, instance_id: str) -> list[dict[str, Any]]:
        rows = conn.execute(
            "SELECT event FROM history WHERE instance_id = ? ORDER BY seq", (instance_id,)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def instance(self, instance_id: str) -> InstanceRow | None:
        return self._one(self._reader(), instance_id)

    def history(self, instance_id: str) -> list[dict[str, Any]]:
        return self._history(self._reader(), instance_id)

    def entity(self, entity_id: str) -> tuple[str | None, bool]:
        row = (
            self._reader()
            .execute("SELECT state FROM entities WHERE id = ?", (entity_id,))
            .fetchone()
        )
        return (None, False) if row is None or row[0] is None else (row[0], True)

    def query(
        self,
        statuses: Sequence[str] = (),
        created_from: float | None = None,
        created_to: float | None = None,
        prefix: str = "",
        limit: int = 1000,
    ) -> list[InstanceRow]:
        where: list[str] = []
        args: list[Any] = []
        if statuses:
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            args.extend(statuses)
        _span(where, args, "created", created_from, created_to)
        if prefix:
            where.append("id >= ? AND id < ?")
            args.extend([prefix, prefix + "\U0010ffff"])
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = (
            self._reader()
            .execute(
                f"SELECT {INSTANCE_COLUMNS} FROM instances {clause} ORDER BY created LIMIT ?",
                [*args, limit],
            )
            .fetchall()
        )
        return [InstanceRow(*r) for r in rows]

    def purgeable(
        self,
        statuses: Sequence[str] | None,
        created_from: float | None = None,
        created_to: float | None = None,
        prefix: str = "",
    ) -> list[InstanceRow]:
        """The finished instances a filtered purge deletes. ``statuses`` None means every
        finished status; a filter naming no finished status selects nothing (never "all")."""
        wanted = FINISHED if statuses is None else [s for s in FINISHED if s in statuses]
        if not wanted:
            return []
        return self.query(wanted, created_from, created_to, prefix, 1_000_000)

    def entities(
        self,
        name: str | None = None,
        updated_from: float | None = None,
        updated_to: float | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, str, str, float]]:
        """(name, key, state JSON, last operation time) of the entities that exist (a deleted
        entity has no state), by name and key; ``name`` is matched in any case."""
        where = ["state IS NOT NULL"]
        args: list[Any] = []
        if name:
            where.append("name = ? COLLATE NOCASE")
            args.append(name)
        _span(where, args, "updated", updated_from, updated_to)
        sql = f"SELECT name, key, state, updated FROM entities WHERE {' AND '.join(where)} "
        sql += "ORDER BY name, key LIMIT ?"
        rows = self._reader().execute(sql, [*args, -1 if limit is None else limit]).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2]), float(r[3])) for r in rows]


def _span(
    where: list[str], args: list[Any], column: str, low: float | None, high: float | None
) -> None:
    """Add ``low <= column <= high`` (either end optional) to a WHERE clause being built."""
    if low is not None:
        where.append(f"{column} >= ?")
        args.append(low)
    if high is not None:
        where.append(f"{column} <= ?")
        args.append(high)
