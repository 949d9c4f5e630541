"""A RetryOptions whose longest interval is not a whole number of seconds gives a Workflows
retry the published schema accepts (``backoff.max_delay`` is an integer there), rounded up so
that no delay is capped below the orchestrator's ``max_retry_interval``."""

from __future__ import annotations

import jsonschema
from faas_iac_gcp.workflows import retry_policy
from workflows_emulator.main import WORKFLOW_SCHEMA

from faas_iac.translate import ir


def test_max_delay_is_whole_seconds_rounded_up() -> None:
    policy = retry_policy(ir.Retry(3, 1000, 2.0, max_interval_ms=1500))
    assert policy["backoff"]["max_delay"] == 2
    step = {"try": {"call": "http.get", "args": {"url": "https://example.test"}}, "retry": policy}
    definition = {
        "main": {"steps": [{"fetch": step}]},
        "retry_always": {"params": ["e"], "steps": [{"yes": {"return": True}}]},
    }
    jsonschema.validate(definition, WORKFLOW_SCHEMA)  # the schema Google publishes
