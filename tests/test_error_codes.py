"""Every ``FIAC`` code the product can raise is listed, with its title, in
``faas_iac.errors.CODES`` (users search for codes; an unlisted one is a dead end)."""

from __future__ import annotations

import re

from faas_iac.errors import CODES
from tests.conftest import ROOT

CODE = re.compile(r"\bFIAC\d{3}\b")
SOURCES = sorted([*(ROOT / "faas_iac").rglob("*.py"), *(ROOT / "providers").rglob("*.py")])


def test_every_code_in_the_product_is_listed() -> None:
    unlisted = {
        f"{path.relative_to(ROOT)}:{n}: {code}"
        for path in SOURCES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for code in CODE.findall(line)
        if code not in CODES
    }
    assert sorted(unlisted) == []


def test_codes_are_well_formed_and_titled() -> None:
    assert all(re.fullmatch(r"FIAC\d{3}", code) and title for code, title in CODES.items())
    assert len(SOURCES) > 100
