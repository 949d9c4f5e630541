"""Orchestrators that break replay are flagged at the right line with the right rule, and the
durable examples (every pattern of examples/durable, the shop's orchestrator) give none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.policy.helpers import check_app

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "corpus" / "nondeterministic.py"
DURABILITY = {f"FIAC73{i}" for i in range(9)}  # FIAC730-738: what the AST finds


def expected(path: Path) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = re.search(r"# expect ((?:FIAC7\d\d ?)+)$", line)
        if match:
            found |= {(number, code) for code in match.group(1).split()}
    return found


def test_every_hazard_of_the_corpus_is_found_at_its_line() -> None:
    want = expected(CORPUS)
    orchestrators = len(re.findall(r"^@app\.orchestrator", CORPUS.read_text(), re.MULTILINE))
    assert orchestrators >= 30 and len(want) >= 30
    report = check_app(CORPUS, ("local",))
    got = {(f.line, f.rule) for f in report.findings if f.rule in DURABILITY}
    assert got == want
    assert all(f.file.endswith("corpus/nondeterministic.py") for f in report.findings)


@pytest.mark.parametrize("example", ["examples/durable/app.py", "examples/shop/app.py"])
def test_the_durable_examples_give_no_false_positive(example: str) -> None:
    report = check_app(ROOT / example, ("local", "azure"))
    assert [f for f in report.findings if f.rule in DURABILITY] == []
