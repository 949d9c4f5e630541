"""The reports a CI reads: SARIF 2.1.0 judged by the OASIS schema (vendored from the SARIF TC's
repository, errata 01) and by what GitHub code scanning documents it needs; JUnit XML read back
by junitparser; stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import junitparser

from faas_iac.policy.output import render
from tests.policy.helpers import check_app, write_app

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())
APP = (
    '@app.http("/hook", auth="anonymous")\ndef hook(req, ctx): ...\n\n\n'
    '@app.queue("jobs", env={"DB_PASSWORD": "hunter2hunter2"})\ndef job(msg, ctx): ...\n'
)


def github_accepts(log: dict[str, Any]) -> None:
    """What GitHub's "SARIF support for code scanning" page requires of an upload."""
    assert log["version"] == "2.1.0" and len(log["runs"]) <= 20
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"] and len(driver["rules"]) <= 1000
        ids = [r["id"] for r in driver["rules"]]
        assert len(ids) == len(set(ids))
        for rule in driver["rules"]:
            assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
            assert rule["help"]["text"] and rule["help"]["markdown"]
            tags = rule["properties"]["tags"]
            assert all(isinstance(t, str) for t in tags)
            if "security-severity" in rule["properties"]:
                assert 0.0 < float(rule["properties"]["security-severity"]) <= 10.0
        assert len(run["results"]) <= 25000
        for result in run["results"]:
            assert result["ruleId"] in ids and ids[result["ruleIndex"]] == result["ruleId"]
            assert result["message"]["text"]
            (location,) = result["locations"]
            physical = location["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            assert uri and not uri.startswith(("/", "file:")), uri  # relative to the repository
            assert physical["region"]["startLine"] >= 1
            assert all(isinstance(v, str) for v in result["partialFingerprints"].values())


def test_sarif_validates_and_github_accepts_it(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    report = check_app(write_app(tmp_path, APP), ("local", "aws"))
    log = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    github_accepts(log)
    rules = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert {"FIAC701", "FIAC705", "FIAC742"} <= rules


def test_fingerprints_hold_across_runs_and_moved_lines(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_app(tmp_path, APP)
    first = check_app(path, ("local",))
    again = check_app(path, ("local",))
    path.write_text(path.read_text().replace("app = App", "# a comment\n\napp = App"))
    moved = check_app(path, ("local",))
    prints = [{f.fingerprint for f in r.findings} for r in (first, again, moved)]
    assert prints[0] == prints[1] == prints[2] and len(prints[0]) == len(first.findings)
    assert [f.line + 2 for f in first.findings] == [f.line for f in moved.findings]


def test_junit_lists_each_rule_and_fails_those_that_found(tmp_path: Path) -> None:
    report = check_app(write_app(tmp_path, APP), ("local", "aws"))
    for threshold, failing in (("error", set()), ("warning", {"FIAC701", "FIAC705", "FIAC742"})):
        out = tmp_path / f"junit-{threshold}.xml"
        out.write_text(render(report, "junit", threshold=threshold))  # type: ignore[arg-type]
        xml = junitparser.JUnitXml.fromfile(str(out))
        cases = [case for suite in xml for case in suite]
        assert len(cases) == len(report.rules)
        failed = {case.name.split()[0] for case in cases if not case.is_passed}
        assert failed == failing
        for suite in xml:
            assert suite.tests == len(cases) and suite.failures == len(failing)


def test_text_is_plain_when_piped_and_coloured_in_a_terminal(tmp_path: Path) -> None:
    report = check_app(write_app(tmp_path, APP), ("local",))
    piped, terminal = render(report, "text"), render(report, "text", terminal=True)
    assert "\x1b[" not in piped and "\x1b[" in terminal
    first = report.findings[0]
    assert f"{first.location}: {first.severity} {first.rule} [local]: {first.message}" in piped
    assert f"    fix: {first.fix}" in piped
    assert "0 errors, 2 warnings" in piped  # FIAC705 is for the clouds only


def test_json_lists_every_finding(tmp_path: Path) -> None:
    report = check_app(write_app(tmp_path, APP), ("local",))
    data = json.loads(render(report, "json"))
    assert [f["rule"] for f in data["findings"]] == [f.rule for f in report.findings]
    assert all(f["line"] > 0 and f["fix"] and f["fingerprint"] for f in data["findings"])
