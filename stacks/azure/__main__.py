"""Pulumi program: deploy a faas-iac app to Azure.

    pulumi config set app ../../examples/durable/app.py
    pulumi config set options plan=premium      # optional compile options
    pulumi up

Creates the plan of ``faas-iac plan APP --provider azure`` and zip-deploys the generated
Function App folder (``faas-iac compile APP --provider azure``) to its package container.
"""

from __future__ import annotations

import pulumi

import faas_iac.pulumi


def _options(text: str) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs}


config = pulumi.Config()
faas_iac.pulumi.deploy(config.require("app"), "azure", **_options(config.get("options") or ""))
