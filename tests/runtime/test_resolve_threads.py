"""A handler resolved by two threads at once, the first still importing its module (a served
function's first concurrent requests): the second waits for the import instead of reading a
half-initialised module (it answered 500 under functions-framework's threaded server)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from faas_iac.runtime.handlers import resolve

MODULE = """
import time

time.sleep(0.2)  # the module is in sys.modules, half initialised, for this long


def handler(value):
    return value
"""


def test_a_second_thread_waits_for_the_first_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "slow_handlers_mod.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "slow_handlers_mod", raising=False)
    got: list[object] = []
    first = threading.Thread(target=lambda: got.append(resolve("slow_handlers_mod:handler")))
    first.start()
    while "slow_handlers_mod" not in sys.modules:  # the first thread is inside the import
        threading.Event().wait(0.001)
    second = resolve("slow_handlers_mod:handler")
    first.join()
    assert second(7) == 7 and got == [second]
