"""The callback registry: how ``raise_event`` reaches a translated ``wait_for_external_event``.

The workflow creates a callback endpoint and POSTs ``{"key": "<execution id>#<event>", "url":
<endpoint>}`` to the registry function; :func:`register` stores the URL (or, if the event was
raised first, delivers the buffered payload at once). :func:`raise_event` posts the payload to
the registered endpoint, or buffers it. The store (Firestore in the deployed function) and the
HTTP post are parameters, so tests pass a dict and a local server.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

Post = Callable[[str, Any], None]


def register(store: MutableMapping[str, dict[str, Any]], post: Post, key: str, url: str) -> str:
    item = store.get(key)
    if item is not None and "payload" in item:
        del store[key]
        post(url, item["payload"])
        return "delivered"
    store[key] = {"url": url}
    return "waiting"


def raise_event(
    store: MutableMapping[str, dict[str, Any]], post: Post, execution: str, event: str, payload: Any
) -> str:
    key = f"{execution}#{event}"
    item = store.get(key)
    if item is not None and "url" in item:
        del store[key]
        post(item["url"], payload)
        return "delivered"
    store[key] = {"payload": payload}
    return "buffered"
