"""What the Workflows emitter needs to know about the deployed world: URLs and locations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Names:
    """* ``functions``: activity name → HTTPS URL of its Cloud Function;
    * ``callbacks``: URL of the callback-registry function (``faas_iac_gcp.runtime.callbacks``);
    * ``status_collection``: the Firestore collection of custom statuses, in the Firestore
      database ``database`` (the app's own; ``(default)`` when none is named);
    * ``entities``: entity name → HTTPS URL of its entity function (one operation per call,
      in a Firestore transaction);
    * ``auth``: call functions with an OIDC token (always, except in an emulator)."""

    functions: Mapping[str, str] = field(default_factory=dict)
    #: entity name → HTTPS URL of its entity function (:mod:`faas_iac_gcp.runtime.entities`)
    entities: Mapping[str, str] = field(default_factory=dict)
    callbacks: str = ""
    status_collection: str = "durable-status"
    database: str = "(default)"
    auth: bool = True

    def function(self, name: str) -> str:
        return self.functions[name]


def default_names(
    app: str,
    activities: Iterable[str],
    *,
    region: str = "us-central1",
    project: str = "my-project",
    entities: Iterable[str] = (),
) -> Names:
    """The names the GCP planner gives by default: ``<app>-<name>`` functions in one region."""
    base = f"https://{region}-{project}.cloudfunctions.net/{app}-"
    return Names(
        functions={a: base + a for a in activities},
        entities={e: base + e for e in entities},
        callbacks=base + "durable-callbacks",
        status_collection=f"{app}-durable-status",
    )
