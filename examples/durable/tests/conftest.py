"""The app these tests run (the test kit's ``faas_env`` fixture reads ``faas_app``)."""

from pathlib import Path

import pytest


@pytest.fixture
def faas_app() -> str:
    return str(Path(__file__).parents[1] / "app.py")
