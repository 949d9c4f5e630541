"""``faas-iac durable start|status|raise-event|terminate|suspend|resume|purge|history``:
manage orchestrations of a running host over its HTTP management API.

The host's address comes from ``--url``, else ``<state-dir>/host.json``, else
http://127.0.0.1:7071; the admin key from ``--key``, else ``<state-dir>/keys.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import FaasError

DEFAULT_URL = "http://127.0.0.1:7071"
F = TypeVar("F", bound=Callable[..., Any])


def _connection(func: F) -> F:
    func = click.option("--key", default=None, help="Admin key (default: keys.json).")(func)
    func = click.option("--url", default=None, help="Host URL (default: host.json, :7071).")(func)
    return click.option(
        "--state-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(".faas"),
        show_default=True,
        help="The state folder of the running host.",
    )(func)


def _client(state_dir: Path, url: str | None, key: str | None) -> Any:
    from ..durable.client import HttpDurableClient

    if url is None:
        try:
            url = json.loads((state_dir / "host.json").read_text(encoding="utf-8"))["url"]
        except (OSError, ValueError, KeyError):
            url = DEFAULT_URL
    if key is None:
        try:
            key = json.loads((state_dir / "keys.json").read_text(encoding="utf-8"))["master"]
        except (OSError, ValueError, KeyError):
            raise FaasError.one(
                "FIAC874",
                f"no admin key: {state_dir / 'keys.json'} cannot be read",
                fix="pass --key, or --state-dir of the running host",
            ) from None
    return HttpDurableClient(str(url), str(key))


def _data(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _echo(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


@click.group()
def durable() -> None:
    """Start, inspect and control durable orchestrations of a running `faas-iac dev` host."""


@durable.command()
@click.argument("orchestrator")
@click.option("--input", "input_", default=None, help="The input: JSON or text.")
@click.option("--id", "instance_id", default=None, help="Instance id (refused if running).")
@click.option("--wait", type=float, default=None, help="Wait up to SECONDS for the output.")
@_connection
def start(
    orchestrator: str,
    input_: str | None,
    instance_id: str | None,
    wait: float | None,
    state_dir: Path,
    url: str | None,
    key: str | None,
) -> None:
    """Start ORCHESTRATOR; print its instance id (or, with --wait, its final status: the exit
    code is 1 when it Failed or was Terminated)."""
    client = _client(state_dir, url, key)
    iid = client.start_new(orchestrator, instance_id, _data(input_))
    if wait is None:
        click.echo(iid)
        return
    status = client.wait_for_completion(iid, wait)
    if status is None:  # purged while we waited
        from ..durable import errors

        raise errors.not_found(iid)
    _echo(status.to_json())
    if status.runtime_status.value in ("Failed", "Terminated"):
        raise SystemExit(1)


@durable.command()
@click.argument("instance_id", required=False)
@click.option("--runtime-status", "-s", multiple=True,
              help="Filter the list (Running, completed...: any case).")  # fmt: skip
@_connection
def status(
    instance_id: str | None,
    runtime_status: tuple[str, ...],
    state_dir: Path,
    url: str | None,
    key: str | None,
) -> None:
    """The status of INSTANCE_ID, or the list of instances."""
    from ..durable.status import parse_statuses

    wanted = parse_statuses(runtime_status)
    client = _client(state_dir, url, key)
    if instance_id is None:
        _echo([s.to_json() for s in client.get_status_by(runtime_status=wanted or None)])
        return
    found = client.get_status(instance_id)
    if found is None:
        from ..durable import errors

        raise errors.not_found(instance_id)
    _echo(found.to_json())


@durable.command()
@click.argument("instance_id")
@click.option("--output/--no-output", default=True, show_default=True,
              help="Include inputs and results.")  # fmt: skip
@_connection
def history(
    instance_id: str, output: bool, state_dir: Path, url: str | None, key: str | None
) -> None:
    """The history events of INSTANCE_ID."""
    client = _client(state_dir, url, key)
    found = client.get_status(instance_id, show_history=True, show_history_output=output)
    if found is None:
        from ..durable import errors

        raise errors.not_found(instance_id)
    _echo(found.history)


@durable.command(name="raise-event")
@click.argument("instance_id")
@click.argument("event")
@click.option("--data", default=None, help="The event's data: JSON or text.")
@_connection
def raise_event(
    instance_id: str,
    event: str,
    data: str | None,
    state_dir: Path,
    url: str | None,
    key: str | None,
) -> None:
    """Send EVENT (with --data) to INSTANCE_ID."""
    _client(state_dir, url, key).raise_event(instance_id, event, _data(data))
    click.echo(f"raised {event} on {instance_id}")


def _control(action: str) -> click.Command:
    @click.argument("instance_id")
    @click.option("--reason", default="", help="Why (kept in the history).")
    @_connection
    def command(
        instance_id: str, reason: str, state_dir: Path, url: str | None, key: str | None
    ) -> None:
        getattr(_client(state_dir, url, key), action)(instance_id, reason)
        click.echo(f"{action}: {instance_id}")

    command.__doc__ = f"{action.capitalize()} INSTANCE_ID."
    return durable.command(name=action)(command)


for _action in ("terminate", "suspend", "resume"):
    _control(_action)


@durable.command()
@click.argument("instance_id", required=False)
@click.option("--runtime-status", "-s", multiple=True,
              help="Without INSTANCE_ID: purge finished instances with this status.")  # fmt: skip
@_connection
def purge(instance_id: str | None, runtime_status: tuple[str, ...], state_dir: Path,
          url: str | None, key: str | None) -> None:  # fmt: skip
    """Delete the history of a finished INSTANCE_ID (or of every finished instance with
    --runtime-status Completed|Failed|Terminated)."""
    from ..durable.status import parse_statuses

    wanted = parse_statuses(runtime_status)
    client = _client(state_dir, url, key)
    if instance_id is not None:
        result = client.purge_instance_history(instance_id)
    elif wanted:
        result = client.purge_instance_history_by(runtime_status=wanted)
    else:
        raise click.UsageError("give an INSTANCE_ID or --runtime-status")
    click.echo(f"instances deleted: {result.instances_deleted}")


COMMANDS = [durable]
