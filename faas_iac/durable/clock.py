"""The durable engine's clock: the one seam through which the engine reads time and waits for it.

The engine stamps every history event with ``clock.now()`` (so ``ctx.current_utc_datetime``
follows it), fires a timer when ``clock.now()`` reaches its fire time, and sleeps for
``clock.wait_seconds(until the next timer)``. The clocks themselves live in
:mod:`faas_iac.local.clock`, shared with the local host's schedules and queues: :data:`SYSTEM`
(the wall clock), :class:`ScaledClock` (``--time-scale``) and :class:`VirtualClock` (moved only
by a test, which then calls :meth:`Engine.wake`).
"""

from __future__ import annotations

from ..local.clock import SYSTEM, Clock, ScaledClock, SystemClock, VirtualClock

__all__ = ["SYSTEM", "Clock", "ScaledClock", "SystemClock", "VirtualClock"]
