"""The clock moto's executor runs on in the harness: it moves only when a wait runs its full
length, by exactly that length, so a monitor's number of polls does not follow the machine's
load (the job-monitor cases of tests/translate/test_execution.py and the corpus run on it)."""

from __future__ import annotations

import threading
import time

from tests.translate.clock import WaitingClock


def test_it_stands_still_between_waits() -> None:
    clock = WaitingClock()
    before = clock.now()
    time.sleep(0.02)  # 72 s of orchestration time on a scaled clock
    assert clock.now() == before
    assert before == int(before)  # starts on a whole second: no fraction for a timer to round


def test_a_full_wait_moves_it_by_exactly_its_length() -> None:
    clock = WaitingClock()
    start = clock.now()
    for _ in range(3):  # each slept a little longer than asked, as a loaded machine does
        assert clock.wait(36.0, lambda real: time.sleep(real + 0.01) or False) is False
    assert clock.now() == start + 108.0
    clock.sleep(0.1)
    clock.sleep(0.2)
    assert clock.now() == start + 108.3  # kept in microseconds: no float drift


def test_entering_a_state_takes_a_millisecond() -> None:
    clock = WaitingClock()
    start = clock.now()
    assert [clock.entered() for _ in range(3)] == [start, start + 0.001, start + 0.002]
    assert clock.now() == start + 0.003


def test_a_wait_ended_early_moves_it_by_nothing() -> None:
    clock = WaitingClock()
    start = clock.now()
    done = clock.event_class()()
    threading.Timer(0.01, done.set).start()
    assert done.wait(7200.0) is True  # the awaited result came (after 36 s of scaled time)
    assert clock.now() == start
    assert clock.event_class()().wait(36.0) is False  # nothing came: the timeout ran out
    assert clock.now() == start + 36.0


def test_waits_at_once_each_move_it_to_their_own_end() -> None:
    clock = WaitingClock()
    start = clock.now()
    threads = [threading.Thread(target=clock.sleep, args=(s,)) for s in (72.0, 36.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clock.now() == start + 72.0


def test_the_engine_timer_wait_ends_exactly_on_its_timer() -> None:
    clock = WaitingClock()
    start = clock.now()
    real = clock.wait_seconds(36.0)  # the local engine waits on its inbox this long
    assert 0 < real <= 0.01
    assert clock.now() == start  # a message came first: nothing moved
    again = clock.wait_seconds(36.0)  # the same timer: the same wait goes on
    assert again <= real
    time.sleep(again + 0.01)
    assert clock.now() == start + 36.0
