"""The test kit: run an app in a test, on the real local host and durable engine, with a clock
that skips time (:class:`TestEnv`), and a pytest plugin with fixtures (:mod:`.plugin`:
``faas_env``, ``faas_http``, configured by the ``faas_app`` fixture or ini option).

::

    from faas_iac.testing import TestEnv

    def test_approval_times_out_after_30_days():
        with TestEnv("app.py") as env:
            env.mock_activity("notify", lambda request: None)
            status = env.run("approval", {"amount": 10})
            assert status.output == "timed out"
"""

from .env import DEFAULT_TIMEOUT, TestEnv
from .recording import ActivityMock, Invocation

__all__ = ["DEFAULT_TIMEOUT", "ActivityMock", "Invocation", "TestEnv"]
