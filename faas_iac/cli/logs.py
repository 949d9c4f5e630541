"""``faas-iac logs APP [FUNCTION] -p P [--since 10m] [--follow]``: what deployed functions
wrote, read from the cloud's log service by the provider (``LogsProvider``); core names no
cloud. ``--follow`` polls until Ctrl-C, printing each line once."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import click

from ..api import load
from ..errors import FaasError
from ..plan import DeployOptions, compile_app
from ..plan.providers import LogLine, LogsProvider
from .core import APP, OPTION, STAGE, compile_options

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Seconds between two reads with --follow.
POLL_S = 2.0


def since_seconds(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not match:
        raise click.BadParameter(
            f"{text!r} is not a duration: give a number and s, m, h or d (30s, 10m, 2h, 1d)",
            param_hint="--since",
        )
    return int(match[1]) * _UNITS[match[2]]


def pause(seconds: float) -> None:
    """The wait between two reads with --follow (a test replaces it: time under its control)."""
    time.sleep(seconds)


def stream(
    fetch: Callable[[int], list[LogLine]],
    start_ms: int,
    follow: bool,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[LogLine]:
    """Every line from ``start_ms`` on, each once; with ``follow``, read again after each
    pause until the caller stops (Ctrl-C raises KeyboardInterrupt in ``sleep``)."""
    seen: set[tuple[int, str, str]] = set()
    while True:
        for line in fetch(start_ms):
            key = (line.time_ms, line.function, line.message)
            if key not in seen:
                seen.add(key)
                yield line
        if seen:
            # read again from the newest millisecond: lines written in it later are not lost,
            # and the ones already printed are skipped
            start_ms = max(t for t, _, _ in seen)
            seen = {k for k in seen if k[0] == start_ms}
        if not follow:
            return
        sleep(POLL_S)


def render(line: LogLine) -> str:
    """``time function message``; a JSON log record (Lambda's JSON log format, structured
    logging) shows as its level and message."""
    when = datetime.fromtimestamp(line.time_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    text = line.message.rstrip("\n")
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if isinstance(record, dict) and "message" in record:
        level = str(record.get("level") or record.get("severity") or "").upper()
        text = f"{level} {record['message']}".strip()
    return f"{when[:-3]}Z {line.function} {text}"


@click.command()
@APP
@click.argument("function", required=False)
@click.option("--provider", "-p", required=True, help="The cloud the app is deployed to.")
@click.option("--since", default="10m", show_default=True, help="How far back: 30s, 10m, 2h, 1d.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until Ctrl-C.")
@click.option("--endpoint-url", help="Send every API call here (an emulator, e.g. moto).")
@click.option("--region", help="Region (default: the SDK's configuration).")
@STAGE
@OPTION
def logs(
    app: str,
    function: str | None,
    provider: str,
    since: str,
    follow: bool,
    endpoint_url: str | None,
    region: str | None,
    stage: str | None,
    options: tuple[str, ...],
) -> None:
    """Print what the deployed functions of APP (or FUNCTION alone) wrote to their logs."""
    model, root = load(app)
    compiled = compile_app(model, root, provider, compile_options(options, stage))
    impl = compiled.provider
    if not isinstance(impl, LogsProvider):
        raise FaasError.one(
            "FIAC211",
            f"provider {impl.name!r} cannot read a deployed app's logs",
            fix="use a cloud provider that supports `faas-iac logs` (aws, gcp, azure)",
        )
    where = DeployOptions(endpoint_url=endpoint_url, region=region)
    start = int(time.time() * 1000) - since_seconds(since) * 1000
    try:
        fetch = lambda t: impl.logs(compiled, function, t, where)  # noqa: E731
        for line in stream(fetch, start, follow, pause):
            click.echo(render(line))
    except KeyboardInterrupt:
        return


COMMANDS = [logs]
