"""Names GCP gives the app's things, and how each function's trigger is delivered: one place
the planner and the emitter (``main.py``) both read, so they always agree. Pure.

Cloud Functions gen2 names are Cloud Run service names (lowercase letters, digits, ``-``; at
most 63), service account ids 6-30 characters, Pub/Sub topics and Firestore databases have
their own rules: a name that does not fit is shortened with a stable hash, never cut blindly
(two long names must not meet).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Literal

from faas_iac.model import Function

REGION = "us-central1"

Delivery = Literal[
    "http", "schedule", "push", "bus", "storage", "firestore", "activity", "entity", "none"
]


def delivery(fn: Function) -> Delivery:
    """How GCP hands the function its work (see :mod:`faas_iac_gcp.runtime.entry`):
    ``push`` is a Pub/Sub push subscription (queues, topics, streams: dead-lettering, filters
    and ordering keys live on the subscription), ``bus`` / ``storage`` / ``firestore`` are
    Eventarc CloudEvents, ``activity`` / ``entity`` are called over HTTP (by workflows, by the
    durable client), ``none`` is an orchestrator (a Workflow, not a function)."""
    match fn.trigger.type:
        case "http":
            return "http"
        case "schedule":
            return "schedule"
        case "queue" | "topic" | "stream":
            return "push"
        case "event":
            return "bus"
        case "storage":
            return "storage"
        case "table":
            return "firestore"
        case "activity":
            return "activity"
        case "entity":
            return "entity"
        case "orchestration":
            return "none"
    raise AssertionError(fn.trigger.type)  # pragma: no cover (a closed union)


@lru_cache(maxsize=4096)  # asked for the same names by every record of a function
def _fit(text: str, limit: int, minimum: int = 1) -> str:
    text = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"
    if not text[0].isalpha():
        text = "f" + text
    if len(text) < minimum:
        text = text + "-" + "0" * (minimum - len(text) - 1)
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    return f"{text[: limit - 7].rstrip('-')}-{digest}"


def function_name(app: str, fn: str) -> str:
    """The Cloud Function (and its Cloud Run service): ``<app>-<function>``, ``_`` → ``-``."""
    return _fit(f"{app}-{fn}", 63)


def account_id(app: str, what: str) -> str:
    """A service account id (6-30 characters)."""
    return _fit(f"{app}-{what}", 30, minimum=6)


def resource_name(app: str, kind: str, name: str) -> str:
    """Topics, subscriptions, buckets' base names: ``<app>-<name>`` (kind-prefixed for buses)."""
    return _fit(f"{app}-{name}" if kind != "bus" else f"{app}-bus-{name}", 63)


def database_name(app: str) -> str:
    """The app's own Firestore database (its tables, entity states, callback registry and the
    custom statuses its workflows write): named after the app, so two apps share a project
    without sharing a database (ids are 4-63 characters, a letter first)."""
    return _fit(f"{app}-db", 63, minimum=4)


def entry_point(fn: str) -> str:
    """The function's target in the generated ``main.py``."""
    return "fn_" + fn.replace("-", "_")
