"""Pulumi program: deploy a faas-iac app to GCP.

    pulumi config set gcp:project my-project
    pulumi config set app ../../examples/shop/app.py
    pulumi up

Creates the plan of ``faas-iac plan APP --provider gcp`` with pulumi_gcp and uploads the
runnable source (``faas-iac compile APP --provider gcp`` writes the same files to gcp-app/)
that every Cloud Function of the app deploys.
"""

from __future__ import annotations

import pulumi

import faas_iac.pulumi

config = pulumi.Config()
faas_iac.pulumi.deploy(config.require("app"), "gcp")
