"""Every app in tests/corpus/ is wrong in a known way: each must give exactly the coded errors its
``# expect:`` line lists (all at once, in order), each located and with a fix, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from faas_iac import FaasError
from faas_iac.api import load
from faas_iac.errors import CODES

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*.py"))


def expected(path: Path) -> list[str]:
    m = re.match(r"# expect: (.+)", path.read_text().splitlines()[0])
    assert m, f"{path.name} lacks an '# expect:' first line"
    return m.group(1).split()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_app_gives_its_coded_errors(case: Path) -> None:
    with pytest.raises(FaasError) as info:
        load(str(case))
    err = info.value
    assert err.codes == expected(case), err.render()
    for diag in err.diagnostics:
        assert diag.code in CODES
        assert diag.message and diag.fix, diag.render()
        if diag.code not in ("FIAC002",):
            # file:line of the decorator (or of the failing line for load errors)
            assert re.search(r"\.py:\d+$", diag.location), diag.render()


def test_every_error_points_at_the_decorator_line() -> None:
    with pytest.raises(FaasError) as info:
        load(str(CORPUS / "route_conflict.py"))
    (diag,) = info.value.diagnostics
    line = int(diag.location.rsplit(":", 1)[1])
    source = (CORPUS / "route_conflict.py").read_text().splitlines()
    assert source[line - 1].startswith('@app.http("/orders/{order_id}"')
    assert diag.path == "functions.show_order.trigger.route"
    assert "get_order" in diag.message


def test_unknown_option_suggests_the_right_name() -> None:
    with pytest.raises(FaasError) as info:
        load(str(CORPUS / "unknown_option.py"))
    assert "did you mean 'batch_size'?" in info.value.diagnostics[0].fix


@pytest.mark.parametrize("case", ["many_problems", "syntax_error", "import_error", "no_app"])
def test_cli_prints_diagnostics_without_a_traceback(case: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "faas_iac", "validate", str(CORPUS / f"{case}.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    for code in expected(CORPUS / f"{case}.py"):
        assert code in proc.stderr
    assert "fix:" in proc.stderr
