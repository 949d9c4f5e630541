"""``faas-iac init``: each template's app passes its own tests, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from faas_iac.cli import cli
from tests.local.hostproc import ROOT


@pytest.mark.parametrize("template", ["http", "queue", "durable"])
def test_a_new_app_passes_its_own_tests(tmp_path: Path, template: str) -> None:
    folder = tmp_path / f"my {template}"
    made = subprocess.run(
        [sys.executable, "-m", "faas_iac", "init", str(folder), "-t", template],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "app.py",
        "conftest.py",
        "test_app.py",
    ]
    checked = subprocess.run(
        [sys.executable, "-m", "faas_iac", "validate", "app.py"], cwd=folder, capture_output=True
    )
    assert checked.returncode == 0, checked.stderr
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_app.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0 and " passed" in ran.stdout, ran.stdout + ran.stderr


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("mine\n")
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "FIAC819" in result.output
    assert (tmp_path / "app.py").read_text() == "mine\n"
    assert not (tmp_path / "test_app.py").exists()
