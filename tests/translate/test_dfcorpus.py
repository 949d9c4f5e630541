"""The Durable Functions corpus (``tests/dfcorpus``) on four targets: the local engine, the
real azure-functions-durable replay of the generated Azure app, Step Functions on moto and
Workflows in workflows-emulator (``tests/translate/fourway.py`` says how each is run and
judged).

Per target, each case passes (same status, output, custom status, activity calls, error text
as the local engine), is refused for a construct the target cannot express, or is on the
translator's to-do list (refused for something expressible, run with another result, or
crashed). The baseline (``tests/dfcorpus/baseline.json``) lists the cases that pass today per
target: that set may only grow. Every refusal must be coded and located. The counts per target
are printed at the end of the run. ``DFCORPUS_BASELINE=write`` rewrites the baseline from this
run (after a translator change made more cases pass).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.dfcorpus.cases import CASES
from tests.translate.fourway import (
    REPORT,
    TARGETS,
    Case,
    Session,
    Targets,
    explain,
    summary,
    verdict,
)
from tests.translate.outcome import Refused

CORPUS = Path(__file__).resolve().parents[1] / "dfcorpus"
BASELINE = CORPUS / "baseline.json"


def _baseline() -> dict[str, set[str]]:
    data = json.loads(BASELINE.read_text(encoding="utf-8"))
    return {target: set(data.get(target, [])) for target in TARGETS}


@pytest.fixture(scope="module")
def session(
    tmp_path_factory: pytest.TempPathFactory, report_line: Callable[[str, str], None]
) -> Iterator[Session]:
    with Targets(CORPUS / "app.py", tmp_path_factory.mktemp("dfcorpus")).started() as targets:
        yield Session(targets)
    for line in summary():
        report_line("Durable Functions corpus: verdicts per target", line)
    if os.environ.get("DFCORPUS_BASELINE") == "write":
        passing = {
            target: sorted(c for c, v in REPORT.get(target, {}).items() if v[0] == "pass")
            for target in TARGETS
        }
        BASELINE.write_text(json.dumps(passing, indent=2) + "\n", encoding="utf-8")


def test_the_corpus_is_big_enough() -> None:
    top_level = {c.orchestrator for c in CASES}
    assert len(top_level) >= 40 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(case: Case, session: Session) -> None:
    reference = session.reference(case)  # ran on the local engine, with the expected status
    REPORT.setdefault("local", {})[case.id] = ("pass", "")
    ordered = not session.targets.concurrent(case.orchestrator)
    baseline = _baseline()
    regressions = []
    outcomes = session.results(case)
    for target in TARGETS[1:]:
        got = outcomes[target]
        if isinstance(got, Refused):
            assert not got.problems(), f"{target}: {got.text}"
        judged = verdict(case, target, reference, got, ordered)
        REPORT.setdefault(target, {})[case.id] = (judged, explain(reference, got, ordered))
        if case.id in baseline[target] and judged != "pass":
            regressions.append(f"{target}: {judged}: {explain(reference, got, ordered)}")
    assert not regressions, "\n".join(regressions)
