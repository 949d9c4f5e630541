"""SARIF 2.1.0 for GitHub code scanning: one run, the rules that ran with their help text, one
result per finding located at file:line (paths relative to the working directory, the
repository root in CI), and ``partialFingerprints`` that do not change across runs or when
unrelated lines move."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ..errors import Severity
from .engine import Report
from .rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "faasIacFinding/v1"
#: GitHub ranks security alerts by this score (0.1-10): errors high, warnings medium.
SECURITY_SEVERITY: dict[Severity, str] = {"error": "8.0", "warning": "5.0"}
INFORMATION_URI = "https://github.com/faas-iac/faas-iac/blob/main/docs/rules.md"


def _version() -> str:
    try:
        return version("faas-iac")
    except PackageNotFoundError:
        return "0"


def _name(rule: Rule) -> str:
    return "".join(
        w[:1].upper() + w[1:] for w in rule.title.replace("-", " ").split() if w.isalnum()
    )


def help_markdown(rule: Rule) -> str:
    return (
        f"**{rule.id} {rule.title}** ({rule.group}, {rule.severity} by default; targets: "
        f"{', '.join(rule.targets)})\n\n{rule.rationale}\n\n**Fix:** {rule.fix}\n\n"
        f"Triggered by:\n\n```\n{rule.example}\n```\n"
    )


def _rule(rule: Rule) -> dict[str, Any]:
    properties: dict[str, Any] = {"tags": [rule.group, *rule.targets]}
    if rule.group == "security":
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
        properties["tags"] = ["security", *rule.targets]
    return {
        "id": rule.id,
        "name": _name(rule),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": f"{rule.rationale} Fix: {rule.fix}", "markdown": help_markdown(rule)},
        "helpUri": f"{INFORMATION_URI}#{rule.id.lower()}",
        "defaultConfiguration": {"level": rule.severity},
        "properties": properties,
    }


def to_sarif(report: Report) -> str:
    rules = list(report.rules)
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in report.findings:
        location: dict[str, Any] = {"artifactLocation": {"uri": f.file or "."}}
        if f.line:
            location["region"] = {"startLine": f.line}
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": f.severity,
                "message": {"text": f"{f.message} (fix: {f.fix})"},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {FINGERPRINT: f.fingerprint},
                "properties": {"targets": list(f.targets)},
            }
        )
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "faas-iac",
                        "version": _version(),
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "automationDetails": {"id": f"faas-iac/{report.app}/"},
                "columnKind": "utf16CodeUnits",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, sort_keys=True) + "\n"
