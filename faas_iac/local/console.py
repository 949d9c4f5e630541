"""Readable, coloured log lines for a terminal, on rich: one line per record, the way Azure
Functions Core Tools prints them::

    [14:02:11.532] Executing 'place_order' (http POST /api/orders, Id=5c1f...)
    [14:02:11.535] Executed 'place_order' (Succeeded, Id=5c1f..., Duration=3.1ms)
    [14:02:12.010] Executed 'take_order' (Failed, Id=9ab0..., Duration=1ms): ValueError: ...

Lines are coloured by what they say (``event``, else the level); a line is redacted like the
JSON ones before it is printed, and printed as text (rich markup in a message is not read).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.text import Text

from .logs import line_of

#: The style of each ``event``'s line (an event not listed is styled by its level).
_EVENT_STYLE = {
    "function.started": "cyan",
    "function.completed": "green",
    "function.failed": "bold red",
    "orchestration.started": "magenta",
    "orchestration.completed": "bold magenta",
    "orchestration.continued": "magenta",
    "orchestration.terminated": "yellow",
    "orchestration.failed": "bold red",
    "activity.started": "blue",
    "activity.completed": "bold blue",
    "activity.failed": "bold red",
}
_LEVEL_STYLE = {
    "debug": "dim",
    "info": "",
    "warning": "yellow",
    "error": "red",
    "critical": "bold red",
}


def render(record: logging.LogRecord) -> Text:
    """The record as one styled line (a traceback, when there is one, on the lines after)."""
    line = line_of(record)
    level = str(line["level"])
    stamp = datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3]
    text = Text(f"[{stamp}] ", style="dim")
    event = line.get("event")
    if event is None:
        if level != "info":
            text.append(f"{level.upper()} ", style=_LEVEL_STYLE.get(level, ""))
        if line.get("function") and record.name == "faas_iac.function":
            text.append(f"{line['function']}: ", style="cyan")
    style = _EVENT_STYLE.get(str(event), "") if event else _LEVEL_STYLE.get(level, "")
    text.append(str(line["msg"]), style=style)
    if line.get("code") and event is None and str(line["code"]) not in str(line["msg"]):
        text.append(f" [{line['code']}]", style="dim")
    if "error" in line:
        text.append("\n" + str(line["error"]), style="dim red")
    return text


class ReadableHandler(logging.Handler):
    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.console = Console(
            file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True
        )

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(render(record))
        except Exception:
            self.handleError(record)
