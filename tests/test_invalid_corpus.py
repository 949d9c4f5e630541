"""Every app in tests/corpus/ is wrong in a known way: each must give exactly the coded errors its
``# expect FIAC1xx`` comments list, all at once, each on the line it blames (mypy's ``# E:``
style), each with a fix, never a traceback. A code may be followed by a piece of its message
in quotes (``# expect FIAC106 "at most 63"``). A comment alone on its line expects a
diagnostic about the file as a whole (no line)."""

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


EXPECT = re.compile(r'#\s*expect ((?:FIAC\d{3}(?:\s+"[^"]*")?\s*)+)')
ENTRY = re.compile(r'(FIAC\d{3})(?:\s+"([^"]*)")?')


def expectations(path: Path) -> list[tuple[int | None, str, str]]:
    """``(line, code, message piece)`` in line order; line ``None`` for a comment alone on its
    line (the file)."""
    out: list[tuple[int | None, str, str]] = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        m = EXPECT.search(text)
        if m:
            line = None if text.lstrip().startswith("#") else number
            out += [(line, code, piece) for code, piece in ENTRY.findall(m.group(1))]
    assert out, f"{path.name} has no '# expect FIAC...' comment"
    return out


def expected(path: Path) -> list[tuple[int | None, str]]:
    """``(line, code)`` in line order; ``None`` for a comment alone on its line (the file)."""
    return [(line, code) for line, code, _ in expectations(path)]


def blamed(diag_location: str, case: Path) -> int | None:
    if not diag_location:
        return None
    where, _, line = diag_location.rpartition(":")
    assert Path(where).name == case.name, diag_location
    return int(line)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_app_gives_its_coded_errors(case: Path) -> None:
    with pytest.raises(FaasError) as info:
        load(str(case))
    err = info.value
    got = [(blamed(d.location, case), d.code) for d in err.diagnostics]
    # Diagnostics come in source order, so the comments' order is the reported order.
    assert got == expected(case), err.render()
    for diag in err.diagnostics:
        assert diag.code in CODES
        assert diag.message and diag.fix, diag.render()
    for (line, code, piece), diag in zip(expectations(case), err.diagnostics, strict=True):
        assert (blamed(diag.location, case), diag.code) == (line, code)
        assert piece in diag.message, diag.render()


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
    for line, code in expected(CORPUS / f"{case}.py"):
        assert code in proc.stderr
        if line is not None:
            assert f"{case}.py:{line}: error {code}" in proc.stderr, proc.stderr
    assert "fix:" in proc.stderr
