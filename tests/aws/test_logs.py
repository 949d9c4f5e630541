"""``faas-iac logs -p aws`` and ``faas-iac status -p aws`` against a real moto_server: the
app is deployed by the SDK engine, lines are written to the log group the engine created (as
Lambda writes them: moto runs no function code without Docker), and the command prints them;
``--follow`` keeps reading until Ctrl-C."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from faas_iac.cli import cli
from faas_iac.cli import logs as logs_cli
from faas_iac.plan.providers import LogLine
from tests.aws.moto_server import moto_server

APP = str(Path(__file__).parent / "apps" / "deps" / "app.py")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def deployed(
    endpoint: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "FAAS_IAC_CACHE": str(tmp_path_factory.mktemp("cache")),
    }.items():
        monkeypatch.setenv(key, value)
    state = str(tmp_path_factory.mktemp("state") / "s.json")
    common = [APP, "-p", "aws", "--endpoint-url", endpoint, "--state", state, "--yes"]
    result = CliRunner().invoke(cli, ["deploy", *common])
    assert result.exit_code == 0, result.output
    yield endpoint
    CliRunner().invoke(cli, ["destroy", *common])


def write(endpoint: str, group: str, *messages: str) -> None:
    cw = boto3.client("logs", endpoint_url=endpoint)
    stream = f"2026/01/01/[$LATEST]{len(messages)}{time.time_ns()}"
    cw.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    events = [{"timestamp": now + i, "message": m} for i, m in enumerate(messages)]
    cw.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def test_logs_prints_what_each_function_wrote(deployed: str) -> None:
    record = {"timestamp": "x", "level": "INFO", "message": "requests 2.32", "requestId": "r1"}
    write(deployed, "/aws/lambda/depsapp-version", json.dumps(record), "plain print\n")
    write(deployed, "/aws/lambda/depsapp-tick", "tick")
    args = ["logs", APP, "-p", "aws", "--endpoint-url", deployed, "--since", "5m"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert sorted(line.split(" ", 1)[1] for line in out) == [
        "tick tick",
        "version INFO requests 2.32",
        "version plain print",
    ]
    only = CliRunner().invoke(cli, [*args, "version"])
    assert [line.split(" ", 1)[1] for line in only.output.splitlines()] == [
        "version INFO requests 2.32",
        "version plain print",
    ]
    unknown = CliRunner().invoke(cli, [*args, "verison"])
    assert unknown.exit_code == 2 and "FIAC211" in unknown.output
    assert "did you mean 'version'?" in unknown.output


def test_follow_prints_new_lines_once_and_stops_on_ctrl_c(
    deployed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(deployed, "/aws/lambda/depsapp-version", "before")
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        """The poll pause: a new line arrives during the first, Ctrl-C during the third."""
        pauses.append(seconds)
        if len(pauses) == 1:
            write(deployed, "/aws/lambda/depsapp-version", "during")
        if len(pauses) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(logs_cli, "pause", sleep)
    args = ["logs", APP, "version", "-p", "aws", "--endpoint-url", deployed, "--follow"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    texts = [line.split(" ", 2)[2] for line in result.output.splitlines()]
    assert texts.count("before") == 1 and texts.count("during") == 1, texts
    assert texts.index("before") < texts.index("during")
    assert len(pauses) == 3


def test_stream_reads_from_the_newest_millisecond_without_repeating() -> None:
    reads: list[int] = []
    batches = [
        [LogLine(5, "f", "a"), LogLine(7, "f", "b")],
        [LogLine(7, "f", "b"), LogLine(7, "f", "c")],  # a line written later in the same ms
        [],
    ]

    def fetch(start: int) -> list[LogLine]:
        reads.append(start)
        return batches[len(reads) - 1]

    def sleep(_: float) -> None:
        if len(reads) == 3:
            raise KeyboardInterrupt

    got: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        for line in logs_cli.stream(fetch, 0, follow=True, sleep=sleep):
            got.append(line.message)
    assert got == ["a", "b", "c"] and reads == [0, 7, 7]


def test_status_reports_each_function(deployed: str) -> None:
    result = CliRunner().invoke(
        cli, ["status", APP, "-p", "aws", "--endpoint-url", deployed, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["state"] == "deployed"
    assert {f["name"]: f["state"] for f in data["functions"]} == {
        "version": "Active",
        "tick": "Active",
    }
    assert data["url"].startswith("http")
