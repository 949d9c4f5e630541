"""``durable={"durability": ...}`` reaches the live connection, and what ``"full"`` promises
holds through a power loss.

The power loss is modelled below the engine: ``powerloss/synced.c``, preloaded into the real
host, keeps a copy of the store and its WAL as of each one's last fsync. The test copies that
folder at the instant each caller is acknowledged (the start of an orchestration, then its
completion), so each copy is the disk a power cut at that instant would leave: the WAL's
unsynced tail is missing. Each copy is then opened (SQLite recovers from the WAL) and checked.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from faas_iac.durable import HttpDurableClient, OrchestrationRuntimeStatus
from faas_iac.durable.store import Store
from tests.durable.harness import build
from tests.local.hostproc import ROOT, HostProcess

APP = ROOT / "tests" / "durable" / "apps" / "powerloss_app.py"
SHIM = Path(__file__).parent / "powerloss" / "synced.c"
#: PRAGMA synchronous reads back as a number: 1 = NORMAL, 2 = FULL.
SYNCHRONOUS = {"full": 2, "normal": 1}


@pytest.mark.parametrize("mode", ["full", "normal"])
def test_pragmas_of_each_mode_on_the_live_connection(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DURABILITY", mode)
    model, host = build(str(APP), tmp_path / "state")
    assert model.durable.durability == mode
    engine = host.engine
    engine.start()
    try:
        # The writer the engine commits with (the connection under test, hence the private name).
        writer = engine.store._writer
        assert writer.execute("PRAGMA synchronous").fetchone()[0] == SYNCHRONOUS[mode]
        assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        reader = sqlite3.connect(tmp_path / "state" / "durable.sqlite3")
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # stored in the file
        reader.close()
    finally:
        engine.stop()


def synced_shim(tmp_path: Path) -> Path:
    out = tmp_path / "synced.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O2", "-o", str(out), str(SHIM), "-ldl"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out


def recover(copy: Path) -> dict[str, tuple[str, str | None]]:
    """Open a copy as a restarted host would (the product's own store, which replays the WAL and
    creates what is missing), after SQLite's integrity check: id → (status, output)."""
    db = copy / "durable.sqlite3"
    if db.exists():
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", copy
        finally:
            conn.close()
    with Store(db) as store:
        return {row.id: (row.status, row.output) for row in store.query()}


def run_through_power_cuts(mode: str, tmp_path: Path, runs: int) -> list[tuple[str, str, Path]]:
    """Start and finish ``runs`` chains one after another; after each acknowledgment, copy the
    synced files. Returns (instance id, what was acknowledged, copy) in order."""
    synced, copies = tmp_path / "synced", tmp_path / "copies"
    synced.mkdir()
    env = {
        "DURABILITY": mode,
        "LD_PRELOAD": str(synced_shim(tmp_path)),
        "FAAS_SYNCED_DIR": str(synced),
        "FAAS_SYNCED_MATCH": "durable.sqlite3",
    }
    acknowledged: list[tuple[str, str, Path]] = []

    def power_cut(iid: str, what: str) -> None:
        copy = copies / f"{len(acknowledged):02d}"
        shutil.copytree(synced, copy, ignore=shutil.ignore_patterns(".*"))
        acknowledged.append((iid, what, copy))

    with HostProcess(APP, tmp_path / "state", "--no-reload", env=env) as host:
        client = HttpDurableClient(host.url, host.master)
        for n in range(runs):
            iid = client.start_new("chain", None, n)
            power_cut(iid, "started")
            status = client.wait_for_completion(iid, 20)
            assert status is not None
            assert status.runtime_status is OrchestrationRuntimeStatus.Completed
            power_cut(iid, "completed")
    return acknowledged


def test_full_keeps_every_acknowledged_step_through_a_power_loss(tmp_path: Path) -> None:
    acknowledged = run_through_power_cuts("full", tmp_path, runs=4)
    for iid, what, copy in acknowledged:
        recovered = recover(copy)
        assert iid in recovered, f"{what} {iid} was acknowledged, then lost ({copy.name})"
        if what == "completed":
            status, output = recovered[iid]
            assert status == "Completed" and output is not None, (iid, status)


def test_normal_may_lose_acknowledged_steps_but_never_corrupts(tmp_path: Path) -> None:
    """What the README says of ``"normal"``; it also shows the model cuts something: with
    WAL + synchronous=NORMAL the WAL is synced only at checkpoints, so acknowledged steps go."""
    acknowledged = run_through_power_cuts("normal", tmp_path, runs=2)
    lost = [(iid, what) for iid, what, copy in acknowledged if iid not in recover(copy)]
    assert lost, "no acknowledged step was lost: the power-loss model cut nothing"
