"""A small app with a third-party requirement: the deps, diff, stage and logs tests deploy it.

``DEPSAPP_MEMORY`` and ``DEPSAPP_EXTRA`` change its configuration without changing its code
(so the code zip, and every Lambda's code, stays the same): the diff test's two changes."""

from __future__ import annotations

import os
from typing import Any

from faas_iac import App, HttpRequest

app = App("depsapp", requirements=["requests"], memory=128, timeout=10)


@app.http(
    "/version", methods=["GET"], auth="anonymous", memory=int(os.environ.get("DEPSAPP_MEMORY", 128))
)
def version(req: HttpRequest) -> dict[str, Any]:
    import requests

    print(f"requests {requests.__version__}")
    return {"requests": requests.__version__}


@app.schedule(every="1 hour")
def tick(timer: Any) -> None:
    print("tick")


if os.environ.get("DEPSAPP_EXTRA"):

    @app.schedule(every="1 day")
    def daily(timer: Any) -> None:
        print("daily")
