"""What a hosting plan cannot give is refused, with the plan's limit, never clamped: instance
memory per plan (and Premium SKU), instance counts, always-ready instances, and the HTTP
response time of the Azure front end. Every problem of an app is reported at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.plan import compile_app


def compile_source(tmp_path: Path, body: str, **options: str) -> dict[str, object]:
    (tmp_path / "app.py").write_text('from faas_iac import App\n\napp = App("lim")\n\n\n' + body)
    model, root = load(str(tmp_path / "app.py"))
    return json.loads(compile_app(model, root, "azure", options).plan.to_json())


def refused(tmp_path: Path, body: str, **options: str) -> list[tuple[str, str, str]]:
    with pytest.raises(FaasError) as info:
        compile_source(tmp_path, body, **options)
    return [(d.code, d.location.rsplit(":", 1)[-1], d.message) for d in info.value.diagnostics]


@pytest.mark.parametrize(
    ("memory", "options", "limit"),
    [
        (20000, {}, "Flex Consumption instances have at most 4096 MB"),
        (2048, {"plan": "consumption"}, "Consumption instances have at most 1536 MB"),
        (5000, {"plan": "premium"}, "Elastic Premium EP1 instances have at most 3584 MB"),
        (8000, {"plan": "premium", "sku": "EP2"}, "EP2 instances have at most 7168 MB"),
    ],
)
def test_memory_above_the_plans_instance_size_is_refused(
    memory: int, options: dict[str, str], limit: str, tmp_path: Path
) -> None:
    ((code, line, message),) = refused(
        tmp_path, f'@app.http("/a", memory={memory})\ndef a(req, ctx): ...\n', **options
    )
    assert (code, line) == ("FIAC414", "6")
    assert limit in message and f"asks for {memory} MB" in message


@pytest.mark.parametrize(
    ("memory", "options", "size"),
    [(1024, {}, 2048), (4096, {}, 4096), (600, {}, 2048), (256, {}, 512)],
)
def test_memory_within_the_plan_picks_the_next_instance_size(
    memory: int, options: dict[str, str], size: int, tmp_path: Path
) -> None:
    plan = compile_source(tmp_path, f'@app.http("/a", memory={memory})\ndef a(req, ctx): ...\n')
    app = next(r for r in plan["resources"] if r["name"] == "app")  # type: ignore[union-attr]
    scale = app["properties"]["function_app_config"]["scale_and_concurrency"]
    assert scale["instance_memory_mb"] == size


def test_premium_sku_with_room_is_accepted(tmp_path: Path) -> None:
    plan = compile_source(
        tmp_path, '@app.http("/a", memory=7000)\ndef a(req, ctx): ...\n', plan="premium", sku="EP2"
    )
    assert plan["outputs"]["plan"] == "premium"  # type: ignore[index]


@pytest.mark.parametrize(
    ("scaling", "options", "words"),
    [
        ("max_instances=5000", {}, "Flex Consumption scales out to at most 1000 instances"),
        ("max_instances=150", {"plan": "consumption"}, "at most 100 instances"),
        ("max_instances=150", {"plan": "premium"}, "at most 100 instances"),
        ("min_instances=2", {"plan": "consumption"}, "no always-ready instances"),
        ("min_instances=30, max_instances=40", {"plan": "premium"}, "at most 20 always-ready"),
    ],
)
def test_instance_counts_outside_the_plan_are_refused(
    scaling: str, options: dict[str, str], words: str, tmp_path: Path
) -> None:
    ((code, line, message),) = refused(
        tmp_path, f'@app.http("/a", {scaling})\ndef a(req, ctx): ...\n', **options
    )
    assert (code, line) == ("FIAC415", "6")
    assert words in message


def test_an_http_timeout_above_the_front_ends_230_s_is_refused(tmp_path: Path) -> None:
    ((code, line, message),) = refused(
        tmp_path, '@app.http("/slow", timeout=600)\ndef slow(req, ctx): ...\n'
    )
    assert (code, line) == ("FIAC403", "6")
    assert "230 s" in message


def test_every_limit_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        '@app.http("/a", memory=8192, max_instances=2000)\ndef a(req, ctx): ...\n\n\n'
        '@app.http("/b", timeout=900)\ndef b(req, ctx): ...\n',
    )
    assert sorted(code for code, _, _ in problems) == ["FIAC403", "FIAC414", "FIAC415"]
