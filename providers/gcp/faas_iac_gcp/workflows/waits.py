"""A wait for an external event whose timeout is computed at run time.

``events.await_callback`` takes its ``timeout`` as a number written in the definition (the
published Workflows schema types ``args.timeout`` as a number, not an expression). A computed
timeout is therefore waited as a sum of constant ones: the :data:`HELPER` subworkflow (emitted
once per definition) waits on the same callback in chunks of 10^k seconds, largest first, the
time left re-read from ``sys.now()`` before each chunk, then one last second for what is left
under a second (an event is never refused before the deadline, as a durable timer fires at or
after it). A callback that arrives between two chunks is kept by the endpoint and taken by the
next wait. It returns what ``events.await_callback`` returns and raises its ``TimeoutError``.
"""

from __future__ import annotations

from typing import Any

HELPER = "faas_iac_await"
#: Chunk sizes in seconds, largest first; 10^7 three times covers Workflows' longest wait (a
#: year), and each smaller size is waited at most nine times.
CHUNKS = (10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1)
TIMED_OUT = {"message": "timed out waiting for the callback", "tags": ["TimeoutError"]}


def _chunk(name: str, seconds: int, repeats: int, enough: str) -> dict[str, Any]:
    """Wait ``seconds`` at a time (at most ``repeats`` times) until ``deadline - now`` is
    ``enough`` (a comparison)."""
    return {
        f"wait_{name}": {
            "for": {
                "value": "n",
                "range": [1, repeats],
                "steps": [
                    {
                        f"left_{name}": {
                            "switch": [
                                {
                                    "condition": "${deadline - sys.now() " + enough + "}",
                                    "next": "break",
                                }
                            ]
                        }
                    },
                    {
                        f"await_{name}": {
                            "try": {
                                "call": "events.await_callback",
                                "args": {"callback": "${callback}", "timeout": seconds},
                                "result": "got",
                            },
                            "except": {
                                "as": "e",
                                "steps": [
                                    {
                                        f"not_timeout_{name}": {
                                            "switch": [
                                                {
                                                    "condition": '${not("TimeoutError" in e.tags)}',
                                                    "raise": "${e}",
                                                }
                                            ]
                                        }
                                    }
                                ],
                            },
                        }
                    },
                    {
                        f"got_{name}": {
                            "switch": [{"condition": "${got != null}", "return": "${got}"}]
                        }
                    },
                ],
            }
        }
    }


def helper() -> dict[str, Any]:
    """The subworkflow ``(callback, seconds) -> the callback's request``."""
    steps: list[dict[str, Any]] = [
        {"start": {"assign": [{"deadline": "${sys.now() + seconds}"}, {"got": None}]}}
    ]
    for i, seconds in enumerate(CHUNKS):
        steps.append(_chunk(str(seconds), seconds, 3 if i == 0 else 9, f"< {seconds}"))
    steps.append(_chunk("rest", 1, 1, "<= 0"))  # under a second left: one more second
    steps.append({"timed_out": {"raise": TIMED_OUT}})
    return {"params": ["callback", "seconds"], "steps": steps}
