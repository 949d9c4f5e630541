"""The same trivial JSON function for Google's functions-framework (the peer)."""

from __future__ import annotations

from typing import Any


def hello(request: Any) -> dict[str, str]:
    return {"hello": "world"}
