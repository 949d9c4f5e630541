"""``plan.json`` as Python's json module writes pydantic's own JSON-mode dump of the plan
(sorted keys, two-space indent, a final newline): orjson and the shortcuts that skip pydantic's
walk over every resource must not change a byte."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from faas_iac.api import load
from faas_iac.plan import compile_app
from faas_iac.plan.model import Plan, PlanResource
from faas_iac.plan.refs import ref
from tests.conftest import ROOT


def reference(plan: Plan) -> str:
    empty = {k for k in ("notes", "bundles") if not getattr(plan, k)}
    data = plan.model_dump(mode="json", exclude=empty)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_an_example_plan_is_written_as_json_writes_its_dump() -> None:
    model, root = load(str(ROOT / "examples" / "shop" / "app.py"))
    plan = compile_app(model, root, "aws").plan
    assert len(plan.resources) > 20
    assert plan.to_json() == reference(plan)
    assert plan.to_json_bytes() == reference(plan).encode()


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    # (floats that Python writes without an exponent: orjson writes 6e-08 as 6e-8)
    | st.floats(min_value=1e-4, max_value=1e15)
    | st.floats(min_value=-1e15, max_value=-1e-4)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=60)
@given(st.lists(st.dictionaries(st.text(max_size=6), JSON, max_size=4), min_size=1, max_size=4),
       st.lists(st.text(max_size=10), max_size=2))  # fmt: skip
def test_any_plan_is_written_as_json_writes_its_dump(
    properties: list[dict[str, Any]], notes: list[str]
) -> None:
    resources = [
        PlanResource(
            type="t:x",
            name=f"r{i}",
            properties={**props, "up": ref(f"r{i - 1}", "id")} if i else props,
            artifact="code" if i % 2 else None,
        )
        for i, props in enumerate(properties)
    ]
    plan = Plan(provider="p", app="a", resources=tuple(resources), notes=tuple(notes))
    assert plan.to_json() == reference(plan)
