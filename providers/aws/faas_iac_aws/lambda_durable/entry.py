"""The Lambda handler of every orchestrator on Lambda durable functions:
``faas_iac_aws.lambda_durable.entry.handler``.

The planner writes what it needs into the environment: ``FAAS_IAC_HANDLER`` (the
orchestrator, ``module:qualname``), ``FAAS_IAC_DURABLE_FUNCTION`` (its name and the functions
it may call, :class:`~.adapter.Config`) and ``FAAS_IAC_DURABLE`` (the durable table and the
entity table). The durable SDK and the adapter are imported on the first invocation, once per
container.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any

_built: dict[str, Callable[[Any, Any], Any]] = {}


def build(env: Mapping[str, str], backend: Any = None) -> Callable[[Any, Any], Any]:
    """The SDK-wrapped handler of the orchestrator ``env`` describes."""
    from aws_durable_execution_sdk_python import durable_execution

    from faas_iac.runtime.handlers import resolve

    from .adapter import Config, run
    from .aws import AwsBackend

    config = Config.from_json(env["FAAS_IAC_DURABLE_FUNCTION"])
    tables = json.loads(env.get("FAAS_IAC_DURABLE", "{}"))
    fn = resolve(env["FAAS_IAC_HANDLER"])
    if backend is None:
        backend = AwsBackend(
            tables.get("registry", ""), tables.get("entities", ""), config.entities
        )

    def body(event: Any, ctx: Any) -> Any:
        return run(config, fn, backend, event, ctx)

    wrapped: Callable[[Any, Any], Any] = durable_execution(body)
    return wrapped


def handler(event: Any, context: Any = None) -> Any:
    """The Lambda handler named in every durable orchestrator's configuration."""
    found = _built.get("handler")
    if found is None:
        found = _built["handler"] = build(os.environ)
    return found(event, context)
