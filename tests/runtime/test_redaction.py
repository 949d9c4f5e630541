"""A secret's value never reaches a log line in a cloud adapter, as on the local host
(tests/local/test_triggers.py::test_secrets_are_served_and_never_logged): the function of
``apps/secret_logs.py`` reads its secret and logs it through its own logger, a library's
logger and an exception's message, and each line comes out masked from

* AWS: the Lambda runtime's own log handler and JSON formatter (awslambdaric's
  ``_setup_logging``, writing telemetry frames as in Lambda), around the real entry point;
* GCP: the generated ``main.py`` under functions-framework in its own process (stderr, which
  Cloud Logging reads), the secret in the variable the platform fills;
* Azure: the adapter, with a root handler that does what the Python worker's does (``format``
  each record and send the text to the host; the worker itself does not install here).

The secret holds a quote and a non-ASCII letter, so JSON-escaped lines are judged too.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import azure.functions as func
import httpx
import pytest
from awslambdaric import bootstrap
from awslambdaric.lambda_runtime_log_utils import LogFormat
from faas_iac_aws.runtime import entry as aws_entry
from faas_iac_azure.runtime.entry import FunctionInfo, Runtime

from faas_iac.runtime import redact
from tests.gcp import ff

APP = Path(__file__).parent / "apps" / "secret_logs.py"
HANDLER = "tests.runtime.apps.secret_logs:leak"
SECRET = 'tok-"Zürich"-8f3a9c'
FIXTURES = Path(__file__).parents[1] / "aws" / "fixtures"
EVENT = json.loads((FIXTURES / "apigw_v2_post.json").read_text())


class Secrets:
    """The bindings' secret source (Secrets Manager / Key Vault): the value the cloud gives."""

    def secret(self, name: str) -> str:
        assert name == "api-token"
        return SECRET


def assert_masked(lines: list[str]) -> None:
    text = "\n".join(lines)
    for form in (SECRET, json.dumps(SECRET)[1:-1], json.dumps(SECRET, ensure_ascii=False)[1:-1]):
        assert form not in text, text
    # the three lines were written, each with the mask where the value was
    for said in ("calling the API with ***", "Authorization: Bearer ***", "refused token ***"):
        assert any(said in line for line in lines), text


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger as a platform sets it up; put back as it was afterwards."""
    logger = logging.getLogger()
    handlers, level = list(logger.handlers), logger.level
    for handler in handlers:
        logger.removeHandler(handler)
    try:
        yield logger
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        for handler in handlers:
            logger.addHandler(handler)
        logger.setLevel(level)


def frames(data: bytes) -> list[str]:
    """The telemetry frames awslambdaric writes: type (4), length (4), timestamp (8), text."""
    out = []
    while data:
        length = int.from_bytes(data[4:8], "big")
        out.append(data[16 : 16 + length].decode())
        data = data[16 + length :]
    return out


class LambdaContext:
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 3000


def test_aws_lambda_log_lines_mask_the_secret(
    root: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aws_entry, "_bindings", lambda env: Secrets())
    aws_entry._cache.clear()
    env = {
        "FAAS_IAC_HANDLER": HANDLER,
        "FAAS_IAC_TRIGGER": "http",
        "FAAS_IAC_FUNCTION": "leak",
        "FAAS_IAC_BINDINGS": json.dumps({"secret:api-token": "read"}),
    }
    telemetry = tmp_path / "telemetry"
    with bootstrap.FramedTelemetryLogSink(os.open(telemetry, os.O_WRONLY | os.O_CREAT)) as sink:
        bootstrap._setup_logging(LogFormat.JSON, "INFO", sink)
        answer = aws_entry.dispatch(EVENT, LambdaContext(), env)
    aws_entry._cache.clear()
    assert answer["statusCode"] == 500
    lines = frames(telemetry.read_bytes())
    assert_masked(lines)
    failure = next(json.loads(line) for line in lines if '"stackTrace"' in line)
    assert "refused token ***" in failure["errorMessage"] + "".join(failure["stackTrace"])


class WorkerHandler(logging.Handler):
    """What the Azure Functions Python worker's root handler does with a record."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.sent.append(self.format(record))


def test_azure_log_lines_mask_the_secret(root: logging.Logger) -> None:
    worker = WorkerHandler()
    root.addHandler(worker)
    root.setLevel(logging.INFO)
    runtime = Runtime(
        {"leak": FunctionInfo(HANDLER, "http", allowed={"secret:api-token": "read"})},
        bindings=Secrets(),  # type: ignore[arg-type]
    )
    request = func.HttpRequest("POST", "http://localhost/api/leak", body=b"{}")
    try:
        runtime.invoke("leak", request)
    except RuntimeError:
        logging.getLogger("worker").exception("Executed 'Functions.leak' (Failed)")
    else:
        raise AssertionError("the function should fail")
    assert_masked(worker.sent)


def test_gcp_log_lines_mask_the_secret(tmp_path: Path) -> None:
    folder = ff.write_app(APP, tmp_path)
    env = {
        "FAAS_IAC_RESOURCES": json.dumps({"secret:api-token": "API_TOKEN"}),
        "API_TOKEN": SECRET,  # what Cloud Functions puts in the secret's variable
    }
    with ff.serve(folder, "fn_leak", env) as url:
        answer = httpx.post(f"{url}/leak", content=b"{}", timeout=30)
    assert answer.status_code == 500
    assert_masked(ff.log_of(folder, "fn_leak").splitlines())


def test_the_mask_covers_each_secret_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redact, "_values", ())
    redact.add(["abc", "pass-1234", "pass-1234-long"])
    assert redact.scrub("abc pass-1234-long pass-1234") == "abc *** ***"  # 3 letters: kept


def test_install_wraps_each_handler_once(root: logging.Logger) -> None:
    handler = logging.StreamHandler()
    root.addHandler(handler)
    redact.install()
    wrapped = handler.formatter
    redact.install()
    assert isinstance(wrapped, redact.Redacting) and handler.formatter is wrapped
    assert isinstance(wrapped.inner, logging.Formatter)
