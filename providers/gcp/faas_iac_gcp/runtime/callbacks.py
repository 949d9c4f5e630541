"""The callback registry: how ``raise_event`` reaches a translated ``wait_for_external_event``.

The workflow creates a callback endpoint and POSTs ``{"key": "<execution id>#<event>", "url":
<endpoint>}`` to the registry function; :func:`register` stores the URL (or, if the event was
raised first, delivers the buffered payload at once). :func:`raise_event` posts the payload to
the registered endpoint, or buffers it. The store (Firestore in the deployed function) and the
HTTP post are parameters, so tests pass a dict and a local server. Deployed, :func:`serve`
is the registry function and :func:`in_transaction` runs either step on Firestore, atomically.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from .documents import client, transaction

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


# -- the deployed registry: Firestore, and Google-authenticated posts -------------------------


def google_post(url: str, payload: Any) -> None:
    """POST ``payload`` to a workflow's callback URL as this function's service account (the
    caller needs ``workflows.callbacks.send``)."""
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    response = session.post(url, json=payload, timeout=30)
    response.raise_for_status()


def in_transaction(
    db: Any, collection: str, step: Callable[[MutableMapping[str, dict[str, Any]], Post], str]
) -> str:
    """Run ``step`` on the registry in one Firestore transaction; its posts go out after the
    commit (a retried transaction posts nothing twice)."""
    posts: list[tuple[str, Any]] = []

    def run(entries: MutableMapping[str, dict[str, Any]]) -> str:
        posts.clear()
        return step(entries, lambda url, payload: posts.append((url, payload)))

    outcome = transaction(db, collection, run)
    for url, payload in posts:
        google_post(url, payload)
    return outcome


def serve(req: Any) -> dict[str, str]:
    """The ``durable-callbacks`` function: a workflow registers ``{"key", "url"}``."""
    import os

    item = req.json()
    firestore = client(os.environ.get("FAAS_IAC_DATABASE", "(default)"))
    collection = os.environ["FAAS_IAC_REGISTRY"]
    state = in_transaction(
        firestore,
        collection,
        lambda entries, post: register(entries, post, item["key"], item["url"]),
    )
    return {"state": state}
