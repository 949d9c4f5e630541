"""Local commands: ``dev`` (run the app), ``invoke`` (call one function once), and ``send``,
``publish``, ``emit``, ``put-record``, ``bucket``, ``table`` (inject events into a running
host over its admin API, with the master key from the state folder)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import FaasError

APP = click.argument("app", metavar="APP")
STATE = click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".faas"),
    show_default=True,
    help="Where queues, tables, buckets, schedules and keys are kept.",
)


def _size(text: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    t = text.strip().lower().removesuffix("ib").removesuffix("b")
    try:
        return int(float(t[:-1]) * units[t[-1]]) if t and t[-1] in units else int(t)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a size; write 4MiB, 512k or 1048576") from None


@click.command()
@APP
@click.option("--port", default=7071, show_default=True, help="Port on 127.0.0.1.")
@STATE
@click.option("--max-body", default="4MiB", show_default=True, help="Largest HTTP body.")
@click.option(
    "--header-timeout",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a request's headers may take to arrive (then 408 and the connection closes).",
)
@click.option(
    "--reload/--no-reload",
    default=True,
    show_default=True,
    help="Reload when a .py file under the app's folder changes.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@click.option(
    "--time-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.001, max=1e9),
    help="Run durable timers, schedules and queue delays N times faster (demos): at 3600 an "
    "hour-long timer fires after a second. Use a separate --state-dir: times are stored scaled.",
)
def dev(
    app: str,
    port: int,
    state_dir: Path,
    max_body: str,
    header_timeout: float,
    reload: bool,
    log_level: str,
    time_scale: float,
) -> None:
    """Run APP locally: HTTP on 127.0.0.1, schedules, queues, topics, buckets, tables, streams,
    the event bus and durable orchestrations, until Ctrl-C."""
    from ..local import logs
    from ..local.server import run

    logs.setup(log_level)
    run(
        app,
        state_dir,
        port=port,
        max_body=_size(max_body),
        header_timeout=header_timeout,
        reload=reload,
        time_scale=time_scale,
    )


@click.command()
@APP
@click.argument("function")
@click.option("--data", default=None, help="The payload: JSON or text.")
@click.option("--path", default=None, help="HTTP functions: the path, e.g. /orders/42?x=1.")
@STATE
def invoke(app: str, function: str, data: str | None, path: str | None, state_dir: Path) -> None:
    """Call FUNCTION of APP once, in this process, with the state folder's resources."""
    from ..local import logs
    from ..local.once import invoke_once

    logs.setup("warning")
    result = invoke_once(app, function, data, state_dir, path)
    click.echo(result)


def _admin(
    state_dir: Path,
    method: str,
    collection: str,
    name: str,
    key: str | None = None,
    body: bytes | None = None,
    params: dict[str, str] | None = None,
) -> Any:
    """Call ``/admin/<collection>/<name>[/<key>]`` of the running host with the master key.
    Every segment is percent-encoded and the key checked first (FIAC804), so the URL the key
    goes to is exactly the one built here: a name or key can never reach another route."""
    import httpx

    from ..local.paths import key_path, segment

    path = f"/admin/{collection}/{segment(name)}"
    if key is not None:
        path += "/" + key_path(key)
    try:
        info = json.loads((state_dir / "host.json").read_text(encoding="utf-8"))
        master = json.loads((state_dir / "keys.json").read_text(encoding="utf-8"))["master"]
    except (OSError, ValueError, KeyError):
        raise FaasError.one(
            "FIAC811",
            f"no faas-iac dev host is running with state folder {state_dir}",
            fix="start one with `faas-iac dev APP` (or pass its --state-dir)",
        ) from None
    url = httpx.URL(str(info["url"]) + path, params=params)
    if url.raw_path.split(b"?")[0] != path.encode():  # never send the key elsewhere
        raise FaasError.one(
            "FIAC804", f"{path!r} would be sent as {url.raw_path!r}; nothing was sent"
        )
    try:
        reply = httpx.request(
            method, url, content=body, headers={"x-functions-key": master}, timeout=30
        )
    except httpx.HTTPError as exc:
        raise FaasError.one(
            "FIAC811",
            f"the host at {info['url']} did not answer: {exc}",
            fix="start it with `faas-iac dev APP`",
        ) from None
    if reply.status_code >= 400:
        try:
            error = reply.json().get("error")
        except ValueError:
            error = reply.text[:500]
        raise FaasError.one("FIAC813", f"the host refused ({reply.status_code}): {error}")
    return reply.json()


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _message(data: str, attr: tuple[str, ...]) -> bytes:
    return json.dumps({"body": _value(data), "attributes": _attrs(attr)}).encode()


def _attrs(pairs: tuple[str, ...]) -> dict[str, str]:
    bad = [p for p in pairs if "=" not in p]
    if bad:
        raise click.BadParameter(f"{bad[0]!r}: write attributes as name=value")
    return dict(p.split("=", 1) for p in pairs)


def _echo(result: Any) -> None:
    click.echo(json.dumps(result, indent=2))


ATTR = click.option("--attr", "-a", multiple=True, help="A message attribute, name=value.")


@click.command()
@APP
@click.argument("queue")
@click.option("--data", required=True, help="The message body: JSON or text.")
@ATTR
@STATE
def send(app: str, queue: str, data: str, attr: tuple[str, ...], state_dir: Path) -> None:
    """Send one message to QUEUE of the running host."""
    _echo(_admin(state_dir, "POST", "queues", queue, body=_message(data, attr)))


@click.command()
@APP
@click.argument("topic")
@click.option("--data", required=True, help="The message body: JSON or text.")
@ATTR
@STATE
def publish(app: str, topic: str, data: str, attr: tuple[str, ...], state_dir: Path) -> None:
    """Publish one message to TOPIC of the running host."""
    _echo(_admin(state_dir, "POST", "topics", topic, body=_message(data, attr)))


@click.command()
@APP
@click.argument("type_", metavar="TYPE")
@click.option("--detail", default="{}", help="The event detail (JSON).")
@click.option("--source", default="cli", show_default=True)
@click.option("--bus", default="default", show_default=True)
@STATE
def emit(app: str, type_: str, detail: str, source: str, bus: str, state_dir: Path) -> None:
    """Put an event of TYPE on an event bus of the running host."""
    body = json.dumps({"source": source, "type": type_, "detail": _value(detail)}).encode()
    _echo(_admin(state_dir, "POST", "buses", bus, body=body))


@click.command(name="put-record")
@APP
@click.argument("stream")
@click.option("--data", required=True, help="The record: JSON or text.")
@click.option("--key", "partition_key", default="", help="The partition key.")
@STATE
def put_record(app: str, stream: str, data: str, partition_key: str, state_dir: Path) -> None:
    """Put one record on STREAM of the running host."""
    body = json.dumps({"data": _value(data), "partition_key": partition_key}).encode()
    _echo(_admin(state_dir, "POST", "streams", stream, body=body))


@click.group()
def bucket() -> None:
    """Objects in a bucket of the running host (puts and deletes fire storage triggers)."""


@bucket.command(name="put")
@APP
@click.argument("name")
@click.argument("key")
@click.argument("file", type=click.File("rb"), required=False)
@click.option("--data", default=None, help="The object's content (instead of FILE).")
@STATE
def bucket_put(app: str, name: str, key: str, file: Any, data: str | None, state_dir: Path) -> None:
    """Put FILE (or --data, or stdin) as KEY in bucket NAME."""
    content = data.encode() if data is not None else (file or sys.stdin.buffer).read()
    _echo(_admin(state_dir, "PUT", "buckets", name, key, body=content))


@bucket.command(name="delete")
@APP
@click.argument("name")
@click.argument("key")
@STATE
def bucket_delete(app: str, name: str, key: str, state_dir: Path) -> None:
    """Delete KEY from bucket NAME."""
    _echo(_admin(state_dir, "DELETE", "buckets", name, key))


@bucket.command(name="list")
@APP
@click.argument("name")
@click.option("--prefix", default="")
@STATE
def bucket_list(app: str, name: str, prefix: str, state_dir: Path) -> None:
    """List the keys of bucket NAME."""
    _echo(_admin(state_dir, "GET", "buckets", name, params={"prefix": prefix}))


@click.group()
def table() -> None:
    """Items of a key-value table of the running host (writes fire table-change triggers)."""


@table.command(name="put")
@APP
@click.argument("name")
@click.argument("item")
@STATE
def table_put(app: str, name: str, item: str, state_dir: Path) -> None:
    """Put ITEM (a JSON object with the key fields) into table NAME."""
    _echo(_admin(state_dir, "PUT", "tables", name, body=item.encode()))


@table.command(name="get")
@APP
@click.argument("name")
@click.argument("key")
@STATE
def table_get(app: str, name: str, key: str, state_dir: Path) -> None:
    """Get the item with KEY (a JSON object) from table NAME."""
    _echo(_admin(state_dir, "GET", "tables", name, params={"key": key}))


@table.command(name="delete")
@APP
@click.argument("name")
@click.argument("key")
@STATE
def table_delete(app: str, name: str, key: str, state_dir: Path) -> None:
    """Delete the item with KEY (a JSON object) from table NAME."""
    _echo(_admin(state_dir, "DELETE", "tables", name, body=key.encode()))


COMMANDS = [dev, invoke, send, publish, emit, put_record, bucket, table]
