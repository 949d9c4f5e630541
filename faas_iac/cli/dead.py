"""``faas-iac dead list|show|redrive|purge APP [QUEUE]``: dead letters of a running host.

A message lands there after its last allowed delivery failed. QUEUE names a queue (queue
triggers) or a function (any other asynchronous trigger); ``redrive`` sends messages back to
where they failed, with their delivery count reset, and ``purge`` deletes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .dev import APP, STATE, _admin, _echo


def _ids(ids: tuple[str, ...]) -> bytes | None:
    return json.dumps({"ids": list(ids)}).encode() if ids else None


@click.group()
def dead() -> None:
    """Dead-lettered messages of the running host: list, show, redrive, purge."""


@dead.command(name="list")
@APP
@click.argument("queue", required=False)
@click.option("--limit", default=100, show_default=True, help="Messages shown per source.")
@STATE
def dead_list(app: str, queue: str | None, limit: int, state_dir: Path) -> None:
    """Every source with its dead-letter count; with QUEUE, its dead messages."""
    if queue is None:
        sources: list[dict[str, Any]] = _admin(state_dir, "GET", "dead", None)["sources"]
        if not sources:
            click.echo("this app has no queue or function whose messages can be dead-lettered")
        for s in sources:
            by = ", ".join(s["functions"])
            click.echo(f"{s['name']}: {s['dead']} dead ({s['dead_channel']}; read by {by})")
        return
    found = _admin(state_dir, "GET", "dead", queue, params={"limit": str(limit)})
    for m in found["messages"]:
        body = m["body"] if len(m["body"]) <= 80 else m["body"][:77] + "..."
        click.echo(f"{m['id']}  deliveries={m['deliveries']}  {body}")
    click.echo(f"{len(found['messages'])} dead letters in {found['name']}")


@dead.command(name="show")
@APP
@click.argument("queue")
@click.argument("message_id", required=False)
@STATE
def dead_show(app: str, queue: str, message_id: str | None, state_dir: Path) -> None:
    """QUEUE's dead messages (or only MESSAGE_ID), whole: body, attributes, deliveries."""
    found = _admin(state_dir, "GET", "dead", queue, message_id)["messages"]
    _echo(found[0] if message_id else found)


@dead.command(name="redrive")
@APP
@click.argument("queue")
@click.argument("message_ids", nargs=-1)
@STATE
def dead_redrive(app: str, queue: str, message_ids: tuple[str, ...], state_dir: Path) -> None:
    """Send QUEUE's dead messages (or only MESSAGE_IDS) back to be handled again."""
    done = _admin(state_dir, "POST", "dead", queue, "redrive", body=_ids(message_ids))
    click.echo(f"redrove {done['redriven']} messages to {done['to']}")


@dead.command(name="purge")
@APP
@click.argument("queue")
@click.argument("message_ids", nargs=-1)
@click.option("--yes", is_flag=True, help="Purge every dead message without asking.")
@STATE
def dead_purge(
    app: str, queue: str, message_ids: tuple[str, ...], yes: bool, state_dir: Path
) -> None:
    """Delete QUEUE's dead messages (or only MESSAGE_IDS)."""
    if not message_ids and not yes:
        click.confirm(f"delete every dead message of {queue}?", abort=True)
    done = _admin(state_dir, "POST", "dead", queue, "purge", body=_ids(message_ids))
    click.echo(f"purged {done['purged']} messages")


COMMANDS = [dead]
