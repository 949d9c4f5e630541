"""Reports of a check: text (grouped by file; coloured with rich in a terminal, plain when
piped or written to a file), JSON, SARIF 2.1.0 (:mod:`.sarif`) and JUnit XML (:mod:`.junit`)."""

from __future__ import annotations

import io
import json
from itertools import groupby
from typing import Literal, assert_never

from ..errors import Severity
from .engine import Finding, Report

Format = Literal["text", "json", "sarif", "junit"]
FORMATS: tuple[Format, ...] = ("text", "json", "sarif", "junit")


def _targets(f: Finding) -> str:
    return f" [{', '.join(f.targets)}]" if f.targets else ""


def _summary(report: Report) -> str:
    errors = sum(f.severity == "error" for f in report.findings)
    warnings = len(report.findings) - errors
    if not report.findings:
        head = f"no findings: app {report.app!r} on {', '.join(report.targets)}"
    else:
        head = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        head += f": app {report.app!r} on {', '.join(report.targets)}"
    if report.suppressed:
        head += f" ({report.suppressed} suppressed with a reason)"
    return head


def plain(report: Report) -> str:
    """``file:line: severity FIACxxx [targets]: message`` and its fix, grouped by file."""
    lines: list[str] = []
    for file, group in groupby(report.findings, key=lambda f: f.file):
        lines.append(file or "(the app as a whole)")
        for f in group:
            where = f.location or "-"
            lines.append(f"{where}: {f.severity} {f.rule}{_targets(f)}: {f.message}")
            lines.append(f"    fix: {f.fix}")
        lines.append("")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def rich_text(report: Report, width: int | None = None) -> str:
    """The same report, coloured for a terminal: a heading per file, severities in colour."""
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=width, highlight=False)
    colour = {"error": "bold red", "warning": "yellow"}
    for file, group in groupby(report.findings, key=lambda f: f.file):
        console.print(Text(file or "(the app as a whole)", style="bold underline"))
        for f in group:
            line = Text("  ")
            line.append(f"{f.line or '-'}".rjust(4), style="dim")
            line.append(f" {f.severity:<7} ", style=colour[f.severity])
            line.append(f.rule, style="bold cyan")
            line.append(_targets(f), style="magenta")
            line.append(f" {f.message}")
            console.print(line)
            console.print(Text(f"         fix: {f.fix}", style="green"))
        console.print()
    style = "bold red" if any(f.severity == "error" for f in report.findings) else "bold green"
    console.print(Text(_summary(report), style=style if report.findings else "bold green"))
    return buffer.getvalue()


def as_json(report: Report) -> str:
    data = {
        "version": 1,
        "app": report.app,
        "targets": list(report.targets),
        "suppressed": report.suppressed,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "fix": f.fix,
                "file": f.file,
                "line": f.line,
                "targets": list(f.targets),
                "fingerprint": f.fingerprint,
            }
            for f in report.findings
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def render(
    report: Report, fmt: Format, *, terminal: bool = False, threshold: Severity = "error"
) -> str:
    match fmt:
        case "text":
            return rich_text(report) if terminal else plain(report)
        case "json":
            return as_json(report)
        case "sarif":
            from .sarif import to_sarif

            return to_sarif(report)
        case "junit":
            from .junit import to_junit

            return to_junit(report, threshold)
        case _:
            assert_never(fmt)
