"""A function that logs the secret it reads, three ways: its own logger, a library's logger,
and an exception's message (the adapter logs the traceback). No line may show the value."""

from __future__ import annotations

import logging

from faas_iac import App, Context, HttpRequest, Secret

app = App("redact")
app.declare(Secret("api-token"))


@app.http("/leak", methods=["POST"], reads=["secret:api-token"])
def leak(req: HttpRequest, ctx: Context) -> str:
    token = ctx.secret("api-token")
    ctx.logger.info("calling the API with %s", token)
    logging.getLogger("some.library").warning("Authorization: Bearer %s", token)
    raise RuntimeError(f"the API refused token {token}")
