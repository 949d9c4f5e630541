"""The AWS stack: ``pulumi up`` here deploys the app named by the ``faas-iac:app`` config.

The same plan as ``faas-iac plan APP --provider aws``, created with pulumi_aws by the
provider's Pulumi emitter (``faas_iac.pulumi.deploy``); the zips it deploys are built under
``build/aws/`` here, never in the app's folder.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from faas_iac.pulumi import deploy

app = pulumi.Config("faas-iac").require("app")
path = Path(app)
if not path.is_absolute() and ":" not in app and not path.exists():
    path = Path(__file__).resolve().parents[2] / app  # relative to the repository root
deploy(str(path) if path.exists() else app, "aws")
