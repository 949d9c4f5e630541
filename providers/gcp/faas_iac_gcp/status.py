"""``faas-iac status APP --provider gcp``: the deployed Cloud Functions through
google-cloud-functions (the one I/O boundary of this module). Reads each function's state, URL
and the *names* of its environment variables and secret variables; values are never kept.

The project comes from ``GOOGLE_CLOUD_PROJECT`` (or ``CLOUDSDK_CORE_PROJECT``), as gcloud and
the client libraries read it; credentials are Application Default Credentials.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from faas_iac.errors import FaasError
from faas_iac.plan.providers import AppStatus, FunctionState

from . import types as T
from .plan.names import REGION

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled

APP_LABEL = "faas-iac-app"


def project() -> str:
    found = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("CLOUDSDK_CORE_PROJECT")
    if not found:
        raise FaasError.one(
            "FIAC508",
            "no GCP project to look in",
            fix="set GOOGLE_CLOUD_PROJECT (gcloud config get-value project)",
        )
    return found


def functions_client() -> Any:
    try:
        from google.cloud import functions_v2
    except ImportError:
        raise FaasError.one(
            "FIAC508",
            "google-cloud-functions is not installed, so faas-iac cannot read the deployment",
            fix="pip install -e 'providers/gcp[status]'",
        ) from None
    return functions_v2.FunctionServiceClient()


def status(compiled: Compiled, client: Any = None) -> AppStatus:
    from google.api_core.exceptions import GoogleAPICallError

    app = compiled.plan.app
    where = f"projects/{project()}/locations/{REGION}"
    planned = {
        str(r.properties["name"]): r.name.removeprefix("fn-")
        for r in compiled.plan.of_type(T.FUNCTION)
    }
    try:
        api = client if client is not None else functions_client()
        listed = list(api.list_functions(request={"parent": where}))
    except GoogleAPICallError as exc:
        raise FaasError.one(
            "FIAC508",
            f"cannot list the Cloud Functions of {where}: {exc.message}",
            fix="check GOOGLE_CLOUD_PROJECT and that your account may list functions "
            "(roles/cloudfunctions.viewer)",
        ) from None
    triggers = {fn.name: fn.trigger.type for fn in compiled.model.functions}
    seen: dict[str, Any] = {}
    for fn in listed:
        short = str(fn.name).rsplit("/", 1)[-1]
        if short in planned and fn.labels.get(APP_LABEL) == app:
            seen[planned[short]] = fn
    functions, settings, urls = [], set(), {}
    for name in sorted(planned.values()):
        found = seen.get(name)
        trigger = triggers.get(name, "http")
        if found is None:
            functions.append(FunctionState(name, trigger, "missing"))
            continue
        functions.append(FunctionState(name, trigger, found.state.name.lower()))
        service = found.service_config
        settings.update(service.environment_variables.keys())
        settings.update(s.key for s in service.secret_environment_variables)
        if service.uri and trigger == "http":
            urls[f"url {name}"] = service.uri
    states = {f.state for f in functions}
    state = (
        "not deployed"
        if states == {"missing"}
        else ("active" if states == {"active"} else "incomplete")
    )
    return AppStatus(
        app=app,
        provider="gcp",
        state=state,
        url="",
        functions=tuple(functions),
        settings=tuple(sorted(settings)),
        details={"project and region": where, **urls},
    )
