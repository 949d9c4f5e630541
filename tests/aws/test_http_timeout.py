"""An HTTP function that may run longer than API Gateway waits is refused, not deployed with a
timeout that cannot be honoured (HTTP APIs answer 503 after 30 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faas_iac.api import load
from faas_iac.errors import NotExpressible
from faas_iac.plan import compile_app


def test_an_http_timeout_above_30_s_is_refused_and_30_is_not(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from faas_iac import App\n\napp = App('slow')\n\n\n"
        "@app.http('/a', timeout=30)\ndef a(req, ctx): ...\n\n\n"
        "@app.http('/b', timeout=120)\ndef b(req, ctx): ...\n\n\n"
        "@app.queue('jobs', timeout=120, visibility_timeout=120)\ndef c(msg, ctx): ...\n"
    )
    model, root = load(str(tmp_path / "app.py"))
    with pytest.raises(NotExpressible) as info:
        compile_app(model, root, "aws")
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.location, diag.path) == ("FIAC301", "app.py:10", "functions.b.timeout")
    assert diag.message == (
        "API Gateway HTTP APIs end a request after 30 s; HTTP function 'b' asks for 120 s"
    )
