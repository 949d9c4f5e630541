"""The pytest plugin of the test kit (registered through the ``pytest11`` entry point, so it
is active wherever faas-iac is installed).

Fixtures:

* ``faas_app``: the app under test, a path (``app.py``) or ``module:attribute``; by default the
  ``faas_app`` ini option (``[tool.pytest.ini_options] faas_app = "app.py"``, relative to the
  rootdir); override the fixture to choose per directory or test;
* ``faas_env``: a fresh :class:`~faas_iac.testing.TestEnv` of that app per test, closed after;
* ``faas_http``: its HTTP client, with the master key.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("faas_app", "the app the faas_env fixture runs: a path or module:attribute")


@pytest.fixture
def faas_app(request: pytest.FixtureRequest) -> str:
    value = request.config.getini("faas_app")
    if not value:
        pytest.fail(
            'faas_env needs the app to test: set `faas_app = "path/to/app.py"` in the '
            "[tool.pytest.ini_options] of pyproject.toml, or define a faas_app fixture that "
            "returns its path",
            pytrace=False,
        )
    path = Path(str(request.config.rootpath)) / str(value)
    return str(path) if path.exists() else str(value)


@pytest.fixture
def faas_env(faas_app: Any) -> Iterator[Any]:
    from faas_iac.testing import TestEnv

    with TestEnv(faas_app) as env:
        yield env


@pytest.fixture
def faas_http(faas_env: Any) -> Any:
    return faas_env.http
