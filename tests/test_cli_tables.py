"""``faas-iac plan``'s table and sizes: every row's columns start where the header's do (rich
lays them out), and each artifact size, read back by pydantic's ``ByteSize`` parser, is the
artifact's size in bytes to the printed precision."""

from __future__ import annotations

import re

from click.testing import CliRunner
from pydantic import ByteSize, TypeAdapter

from faas_iac.api import load
from faas_iac.cli import cli
from faas_iac.plan import compile_app
from tests.conftest import ROOT

SHOP = str(ROOT / "examples" / "shop" / "app.py")


def test_plan_table_columns_line_up_and_sizes_read_back() -> None:
    shown = CliRunner().invoke(cli, ["plan", SHOP, "-p", "aws"])
    assert shown.exit_code == 0, shown.output
    head, _, tail = shown.output.partition("\n\n")
    header, *rows = head.splitlines()
    starts = [header.index("NAME"), header.index("DEPENDS ON")]
    model, root = load(SHOP)
    plan = compile_app(model, root, "aws").plan
    assert len(rows) == len(plan.resources)
    for row, res in zip(rows, plan.resources, strict=True):
        assert row[: starts[0]].rstrip() == res.type
        assert row[starts[0] : starts[1]].rstrip() == res.name
        assert row[starts[1] :] == ", ".join(res.depends_on)
    printed = dict(re.findall(r"artifact (\S+): \S+ \(([\d.]+[KMG]?i?B),", tail))
    assert set(printed) == {a.name for a in plan.artifacts}
    for art in plan.artifacts:
        back = TypeAdapter(ByteSize).validate_python(printed[art.name])
        assert abs(back - art.size) <= 0.05 * 1024, (printed[art.name], art.size)
