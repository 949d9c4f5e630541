"""How a Cloud Function serves a durable activity to a translated workflow. Standard library.

The workflow's ``http.post`` sends ``{"input": <activity input>}`` as the JSON body (an object,
so every value travels as JSON whatever its type); the function answers
``200`` with the JSON result, or ``500`` with ``{"error": type, "message": text}`` when the
activity raises (the workflow sees an ``HttpError``, which its ``try``/``retry`` handle).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

JSON = {"Content-Type": "application/json"}


def invoke(activity: Callable[[Any], Any], body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Run ``activity`` on the JSON ``body``; returns (status, headers, JSON body)."""
    try:
        envelope = json.loads(body) if body else {}
        value = envelope["input"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        return 400, JSON, json.dumps({"error": "BadRequest", "message": repr(exc)}).encode()
    try:
        result = activity(value)
    except Exception as exc:
        return 500, JSON, json.dumps({"error": type(exc).__name__, "message": str(exc)}).encode()
    return 200, JSON, json.dumps(result).encode()
