"""What one run of an orchestrator on one target gave, in one shape for every target, and how
two runs are compared.

A target either ran the orchestrator (:class:`Ran`: status, output, custom status, the activity
calls it made, the error text of a failure), refused to translate it (:class:`Refused`: the
coded, located diagnostics), or broke (:class:`Broken`: an uncoded exception while translating,
a run that never ended, a harness failure).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from faas_iac.errors import CODES, FaasError

#: One activity call: its name and its input as canonical JSON.
Call = tuple[str, str]

_LOCATED = re.compile(r"\.py:\d+$")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def call(name: str, value: Any) -> Call:
    return name, canonical(value)


def innermost(error: str | None) -> str:
    """The portable error text: ``Type: message`` of the error that ended the orchestration,
    without the framing a host adds (``Orchestrator function 'x' failed: TaskFailedError:
    Activity function 'y' failed: ValueError: boom`` → ``ValueError: boom``)."""
    return (error or "").strip().rsplit(" failed: ", 1)[-1].removeprefix("TaskFailedError: ")


@dataclass(frozen=True)
class Ran:
    status: str  # "Completed" or "Failed" (Azure's runtime status names)
    output: Any = None
    custom_status: Any = None
    error: str | None = None  # innermost error text when Failed
    calls: tuple[Call, ...] = ()
    instance: str = ""

    def differences(self, other: Ran, ordered: bool) -> list[str]:
        """How ``other`` differs from this run (the reference)."""
        found = []
        if other.status != self.status:
            found.append(f"status {other.status!r}, expected {self.status!r}")
        if self.status == "Completed" and other.output != self.output:
            found.append(f"output {other.output!r}, expected {self.output!r}")
        if self.status == "Failed" and other.error != self.error:
            found.append(f"error {other.error!r}, expected {self.error!r}")
        if other.custom_status != self.custom_status:
            found.append(f"custom status {other.custom_status!r}, expected {self.custom_status!r}")
        if ordered and other.calls != self.calls:
            found.append(f"activity calls {list(other.calls)}, expected {list(self.calls)}")
        elif Counter(other.calls) != Counter(self.calls):
            missing = Counter(self.calls) - Counter(other.calls)
            extra = Counter(other.calls) - Counter(self.calls)
            found.append(f"activity calls: missing {dict(missing)}, unexpected {dict(extra)}")
        return found


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def without_uuids(ran: Ran) -> Ran:
    """``ctx.new_uuid()`` is deterministic per execution but each target derives it its own
    way: each distinct UUID becomes ``<uuid-N>``, numbered by first appearance (activity calls,
    then output, then custom status), so that runs compare by where UUIDs are used."""
    seen: dict[str, str] = {}

    def swap(text: str) -> str:
        return _UUID.sub(lambda m: seen.setdefault(m.group(0), f"<uuid-{len(seen) + 1}>"), text)

    def value(v: Any) -> Any:
        return None if v is None else json.loads(swap(json.dumps(v)))

    calls = tuple((name, swap(arg)) for name, arg in ran.calls)
    return replace(
        ran, calls=calls, output=value(ran.output), custom_status=value(ran.custom_status)
    )


@dataclass(frozen=True)
class Refused:
    codes: tuple[str, ...]
    locations: tuple[str, ...]
    text: str

    @classmethod
    def of(cls, error: FaasError) -> Refused:
        return cls(
            tuple(d.code for d in error.diagnostics),
            tuple(d.location for d in error.diagnostics),
            "\n".join(d.render() for d in error.diagnostics),
        )

    def problems(self) -> list[str]:
        """What makes this refusal unacceptable as a diagnostic: no code, an unlisted code, a
        diagnostic that does not say file:line."""
        found = [f"unlisted code {c}" for c in self.codes if c not in CODES]
        if not self.codes:
            found.append("no code")
        found += [f"not located: {loc!r}" for loc in self.locations if not _LOCATED.search(loc)]
        return found


@dataclass(frozen=True)
class Broken:
    reason: str


Outcome = Ran | Refused | Broken


@dataclass
class Recorder:
    """Activity calls as a target makes them (appended from any thread)."""

    calls: list[Call] = field(default_factory=list)

    def record(self, name: str, value: Any) -> None:
        self.calls.append(call(name, value))

    def take(self) -> tuple[Call, ...]:
        taken = tuple(self.calls)
        self.calls.clear()
        return taken
