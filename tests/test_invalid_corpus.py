"""Every app in tests/corpus/ is wrong in known ways, each said on the line it blames: the line
ends with ``# expect: CODE`` (several: ``# expect: CODE; CODE``), optionally with a piece of
the message in quotes (``# expect: FIAC106 "at most 63"``). Loading the app must give exactly
those coded errors, all at once, each located there and with a fix, never a traceback. An
error with no location (no App in the file) is written ``# expect unlocated: CODE``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from faas_iac import FaasError
from faas_iac.api import load
from faas_iac.errors import CODES

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*.py"))
_EXPECT = re.compile(r"#\s*expect( unlocated)?:\s*(.+)$")
_ENTRY = re.compile(r'^(FIAC\d{3})(?:\s+"([^"]*)")?$')


class Expected(NamedTuple):
    line: int  # 0: no location
    code: str
    text: str


def expectations(path: Path) -> list[Expected]:
    found: list[Expected] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        m = _EXPECT.search(line)
        if not m:
            continue
        for entry in m.group(2).split(";"):
            e = _ENTRY.match(entry.strip())
            assert e, f"{path.name}:{number}: cannot read expectation {entry!r}"
            found.append(Expected(0 if m.group(1) else number, e.group(1), e.group(2) or ""))
    assert found, f"{path.name} has no '# expect:' comment"
    return found


def expected(path: Path) -> list[str]:
    return [e.code for e in expectations(path)]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_app_gives_its_coded_errors(case: Path) -> None:
    with pytest.raises(FaasError) as info:
        load(str(case))
    err = info.value
    got = sorted(
        (int(d.location.rsplit(":", 1)[1]) if d.location else 0, d.code) for d in err.diagnostics
    )
    want = sorted((e.line, e.code) for e in expectations(case))
    assert got == want, err.render()
    for want_one in expectations(case):
        if want_one.text:
            messages = [
                d.message
                for d in err.diagnostics
                if d.code == want_one.code and d.location.endswith(f":{want_one.line}")
            ]
            assert any(want_one.text in m for m in messages), err.render()
    for diag in err.diagnostics:
        assert diag.code in CODES
        assert diag.message and diag.fix, diag.render()
        if diag.location:
            assert re.search(rf"tests/corpus/{case.name}:\d+$", diag.location), diag.render()


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
