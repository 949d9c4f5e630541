"""How many orchestrations run at once: per orchestrator function (its ``max_instances``) and
top-level instances host-wide (``max_concurrent_orchestrations``). The others wait as Pending
and start oldest first as slots free up. Sub-orchestrations are not held by the host-wide
limit: their parents already hold slots, and making them wait could deadlock."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .orchestration import Orchestration


class Slots:
    def __init__(self, limits: dict[str, int], max_top_level: int) -> None:
        self._limits = limits
        self._max_top = max_top_level
        self._running: dict[str, int] = {}
        self._top = 0
        self.pending: deque[Orchestration] = deque()

    def _free(self, inst: Orchestration) -> bool:
        limit = self._limits.get(inst.name)
        if limit is not None and self._running.get(inst.name, 0) >= limit:
            return False
        return inst.parent is not None or self._top < self._max_top

    def take(self, inst: Orchestration) -> None:
        """Count ``inst`` as running (it started, or was running before a restart)."""
        self._running[inst.name] = self._running.get(inst.name, 0) + 1
        if inst.parent is None:
            self._top += 1

    def try_take(self, inst: Orchestration) -> bool:
        """Take a slot for ``inst`` if one is free; otherwise it waits in ``pending``."""
        if self._free(inst):
            self.take(inst)
            return True
        self.pending.append(inst)
        return False

    def give(self, inst: Orchestration) -> bool:
        """``inst`` ended: free its slot. True when Pending instances may now start."""
        if inst in self.pending:
            self.pending.remove(inst)
            return False
        self._running[inst.name] = self._running.get(inst.name, 1) - 1
        if inst.parent is None:
            self._top -= 1
        return bool(self.pending)

    def admit(self, alive: Callable[[Orchestration], bool]) -> list[Orchestration]:
        """The Pending instances that free slots now admit, oldest first, their slots taken."""
        admitted: list[Orchestration] = []
        for _ in range(len(self.pending)):
            waiting = self.pending.popleft()
            if not alive(waiting):
                continue
            if self._free(waiting):
                self.take(waiting)
                admitted.append(waiting)
            else:
                self.pending.append(waiting)
        return admitted

    def clear(self) -> None:
        self._running.clear()
        self._top = 0
        self.pending.clear()
