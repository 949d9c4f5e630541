"""JUnit XML for CI dashboards: one test case per rule that ran, failing when the rule found
something at or above the threshold (its findings in the failure text); findings below it are
listed in the case's output and the case passes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..errors import Severity
from .engine import Report


def to_junit(report: Report, threshold: Severity = "error") -> str:
    failing = {id(f) for f in report.failing(threshold)}
    suites = ET.Element("testsuites", name="faas-iac check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"faas-iac check {report.app} ({', '.join(report.targets)})",
        errors="0",
        skipped="0",
    )
    failures = 0
    for rule in report.rules:
        case = ET.SubElement(
            suite, "testcase", classname=f"faas-iac.{rule.group}", name=f"{rule.id} {rule.title}"
        )
        found = [f for f in report.findings if f.rule == rule.id]
        blocking = [f for f in found if id(f) in failing]
        lines = [
            f"{f.location or '-'}: {f.severity} [{', '.join(f.targets)}] {f.message}" for f in found
        ]
        if blocking:
            failures += 1
            count = f"{len(blocking)} finding{'s' * (len(blocking) != 1)}"
            failure = ET.SubElement(
                case, "failure", message=f"{count}: {blocking[0].message}", type=rule.id
            )
            failure.text = "\n".join(lines) + f"\nfix: {rule.fix}"
        elif lines:
            ET.SubElement(case, "system-out").text = "\n".join(lines)
    for element in (suites, suite):
        element.set("tests", str(len(report.rules)))
        element.set("failures", str(failures))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
