"""``faas-iac logs -p gcp``: what the app's Cloud Functions wrote, from Cloud Logging through
google-cloud-logging (the one I/O boundary of this module).

A gen2 function runs as a Cloud Run service of the same name, so its lines are the entries of
``resource.type="cloud_run_revision"`` with that ``service_name`` (a gen1 one's are
``cloud_function`` entries). The project comes from ``GOOGLE_CLOUD_PROJECT`` as for ``status``;
credentials are Application Default Credentials.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from faas_iac.errors import FaasError
from faas_iac.plan.providers import DeployOptions, LogLine, one_function

from . import types as T
from .status import project

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled


def services(compiled: Compiled, function: str | None) -> dict[str, str]:
    """Function name → its Cloud Run service (the deployed function's name)."""
    found = {
        res.name.removeprefix("fn-"): str(res.properties["name"])
        for res in compiled.plan.of_type(T.FUNCTION)
    }
    return one_function(compiled.plan.app, found, function, "on gcp")


def log_filter(names: list[str], start_ms: int) -> str:
    """Cloud Logging's filter language: these services' (or gen1 functions') entries since
    ``start_ms``."""
    quoted = " OR ".join(f'"{n}"' for n in names)
    since = datetime.fromtimestamp(start_ms / 1000, UTC).isoformat().replace("+00:00", "Z")
    return (
        f'((resource.type="cloud_run_revision" AND resource.labels.service_name=({quoted})) OR '
        f'(resource.type="cloud_function" AND resource.labels.function_name=({quoted}))) '
        f'AND timestamp>="{since}"'
    )


def logging_client(options: DeployOptions) -> Any:
    """``options.session`` when a caller built the client (tests), else one from ADC."""
    if options.session is not None:
        return options.session
    try:
        import google.cloud.logging as logging
    except ImportError:
        raise FaasError.one(
            "FIAC211",
            "google-cloud-logging is not installed, so faas-iac cannot read the logs",
            fix="pip install -e 'providers/gcp[logs]'",
        ) from None
    return logging.Client(project=project())  # type: ignore[no-untyped-call,unused-ignore]


def _message(payload: Any) -> str:
    """A text payload as written; a structured one (``jsonPayload``) as its JSON, which
    ``faas-iac logs`` shows as severity and message."""
    if isinstance(payload, dict):
        return json.dumps(payload, sort_keys=True)
    return "" if payload is None else str(payload)


def logs(
    compiled: Compiled, function: str | None, start_ms: int, options: DeployOptions
) -> list[LogLine]:
    from google.api_core.exceptions import GoogleAPICallError

    by_service = {service: name for name, service in services(compiled, function).items()}
    client = logging_client(options)
    try:
        entries = list(
            client.list_entries(
                resource_names=[f"projects/{project()}"],
                filter_=log_filter(sorted(by_service), start_ms),
                order_by="timestamp asc",
            )
        )
    except GoogleAPICallError as exc:
        raise FaasError.one(
            "FIAC211",
            f"Cloud Logging refused to list the app's entries: {exc.message}",
            fix="check GOOGLE_CLOUD_PROJECT and that the credentials may read logs "
            "(roles/logging.viewer)",
        ) from None
    lines = []
    for entry in entries:
        labels = entry.resource.labels if entry.resource is not None else {}
        service = labels.get("service_name") or labels.get("function_name") or ""
        if service not in by_service:
            continue
        when = int(entry.timestamp.timestamp() * 1000) if entry.timestamp else start_ms
        lines.append(LogLine(when, by_service[service], _message(entry.payload)))
    return sorted(lines, key=lambda line: (line.time_ms, line.function))
