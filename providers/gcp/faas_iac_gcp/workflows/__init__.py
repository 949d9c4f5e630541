"""GCP Workflows: the YAML emitter for translated orchestrators.

``to_workflows(workflow_ir, names, orchestrators)`` gives the definition as a dict;
``to_yaml`` the stable YAML text written to ``workflows/<name>.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from faas_iac.translate import ir

from .emit import retry_policy
from .flow import to_workflows
from .names import Names, default_names

__all__ = ["Names", "default_names", "retry_policy", "to_workflows", "to_yaml"]


def to_yaml(
    workflow: ir.Workflow, names: Names, orchestrators: Mapping[str, ir.Workflow] | None = None
) -> str:
    definition: dict[str, Any] = to_workflows(workflow, names, orchestrators)
    head = f"# Translated by faas-iac from {workflow.location(workflow.line)} ({workflow.name}).\n"
    return head + yaml.safe_dump(definition, sort_keys=False, width=100, allow_unicode=True)
