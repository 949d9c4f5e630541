"""Tables for the terminal, laid out by rich (column widths, no wrapping of long names), and
byte sizes read by people (pydantic's ``ByteSize``: ``41.1KiB``). rich is imported when a table
is drawn: the commands that print none (``compile``) do not load it."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pydantic import ByteSize


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: int = 0) -> str:
    """Columns two spaces apart, headers bold in a terminal, plain text when piped."""
    from rich.console import Console
    from rich.table import Table

    grid = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), show_header=bool(headers))
    for header in headers or [""] * (len(rows[0]) if rows else 0):
        grid.add_column(header, no_wrap=True, header_style="bold")
    for row in rows:
        grid.add_row(*row)
    out = io.StringIO()
    Console(file=out, width=100_000, color_system=None, highlight=False).print(grid)
    pad = " " * indent
    return "\n".join(pad + line.rstrip() for line in out.getvalue().splitlines())


def size(n: int) -> str:
    """``43008`` → ``42.0KiB`` (bytes below 1 KiB as ``512B``)."""
    return ByteSize(n).human_readable()
