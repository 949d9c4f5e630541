"""Prints the four-target counts of the corpus run (``fourway.summary``) after the tests."""

from __future__ import annotations

from typing import Any

from tests.translate.fourway import REPORT, summary


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if REPORT:
        terminalreporter.section("Durable Functions corpus: verdicts per target")
        for line in summary():
            terminalreporter.write_line(line)
