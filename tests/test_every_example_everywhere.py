"""Every example compiles for every cloud with default options, or is refused only for what a
target cannot do, with the code that says so: ``examples/local_only``'s per-second schedule,
which AWS and GCP cannot fire (FIAC201). (``examples/durable`` compiles for GCP: every
orchestrator is a Workflow.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.plan import compile_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["shop", "triggers", "durable", "approvals", "local_only"]
PROVIDERS = ["aws", "azure", "gcp"]
#: (example, provider) → the codes it may be refused with (every refusal has one of them)
REFUSED = {
    ("local_only", "aws"): {"FIAC201"},
    ("local_only", "gcp"): {"FIAC201"},
}


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_compiles_or_is_refused_only_for_what_the_target_cannot(
    example: str, provider: str
) -> None:
    model, root = load(str(ROOT / "examples" / example / "app.py"))
    allowed = REFUSED.get((example, provider))
    if allowed is None:
        compile_app(model, root, provider)
        return
    with pytest.raises(FaasError) as refused:
        compile_app(model, root, provider)
    codes = refused.value.codes
    assert all(any(code.startswith(a) for a in allowed) for code in codes), codes
