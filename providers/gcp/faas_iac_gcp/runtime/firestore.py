"""Firestore event data in its JSON form, whatever form Eventarc sent.

Eventarc delivers Firestore events as ``application/protobuf`` (``DocumentEventData``) unless
the trigger asks for JSON; functions-framework hands the function the raw bytes. The protobuf
is decoded with google-events' own message type and printed by protobuf's ``json_format``
(only fields that are set: proto-plus's ``to_json`` defaults would print every empty field and
null as ``0``), so :func:`.events.firestore_event` reads one form.
"""

from __future__ import annotations

import json
from typing import Any

PROTOBUF = "application/protobuf"


def document_event(data: Any, content_type: str | None) -> dict[str, Any]:
    """``{"value": ..., "oldValue": ...}`` (each present only when the event has it)."""
    if isinstance(data, dict):
        return data
    raw = data if isinstance(data, bytes) else str(data or "").encode()
    if (content_type or "").startswith("application/json"):
        decoded = json.loads(raw or b"{}")
        return decoded if isinstance(decoded, dict) else {}
    from google.events.cloud.firestore_v1.types import DocumentEventData
    from google.protobuf import json_format

    message = DocumentEventData.pb(DocumentEventData.deserialize(raw))
    return dict(json_format.MessageToDict(message))
