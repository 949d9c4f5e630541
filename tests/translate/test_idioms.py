"""The idioms app (tests/translate/apps/idioms_app.py) executed on the four targets of
``tests/translate/fourway.py`` (the local engine, the generated Azure app, ASL on moto,
Workflows in workflows-emulator): equal runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.translate.fourway import Case, Session, Targets
from tests.translate.targets import HERE

ITEMS = ["2x3.5", "1x0", "4x2.25"]
CASES = [
    Case("totals", "totals", {"items": ITEMS}),
    Case("totals-one", "totals", {"items": ["1x7"]}),
    Case("sorted", "sorted_labels", ["pear", "fig", "apple", "fig"]),
    Case("sorted-none", "sorted_labels", []),
    Case("loops", "loops", ["ann", "skip", "bob", "cy"]),
    Case("loops-no-match", "loops", ["skip", "cy"]),
    Case("count-up", "count_up", None),
    Case("status-text", "status_text", "ok"),  # a plain-string custom status, read back
    Case("yields-inside", "yields_inside", ["x", "y"]),
    Case("json-text", "json_text", ["ann", 'Zoë "z"\\ ✓']),
    Case("json-text-three", "json_text", ["a", "b", "c"]),
    Case("json-text-none", "json_text", []),
    Case("guarded-none", "guarded", {"n": 0, "items": [], "extra": None}),
    Case("guarded-some", "guarded", {"n": 4, "items": ["a", "b"], "extra": 2}),
]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    app = HERE / "apps" / "idioms_app.py"
    with Targets(app, tmp_path_factory.mktemp("idioms")).started() as targets:
        assert targets.refusals == {"aws": {}, "gcp": {}}
        yield Session(targets)


@pytest.mark.parametrize("target", ["azure", "aws", "gcp"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_outputs_everywhere(case: Case, target: str, session: Session) -> None:
    session.check(case, target)
