"""Every rule has an example that triggers it (the one docs/rules.md shows) and a clean
counterpart that does not; the registry agrees with faas_iac.errors.CODES."""

from __future__ import annotations

from pathlib import Path

import pytest

from faas_iac.errors import CODES
from faas_iac.policy import RULES, Rule
from faas_iac.policy.catalog import META
from faas_iac.policy.rule import CLOUDS, Res
from tests.policy.helpers import check_body, resource, rules_of

WORK = "\n\n@app.activity\ndef work(x):\n    return x\n"
ONE = "@app.orchestrator\ndef flow(ctx):\n    return (yield ctx.call_activity('work', 1))\n" + WORK
#: rule id → what looks like the example but must not trigger it (app code, or a resource
#: ``TYPE {json}`` for the rules that read resources only).
CLEAN: dict[str, str] = {
    "FIAC701": '@app.http("/hook")\ndef hook(req, ctx): ...\n',
    "FIAC702": 'aws:iam/rolePolicy:RolePolicy {"policy": {"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": '
    '["arn:aws:s3:::reports/*"]}, {"Effect": "Allow", "Action": ["xray:PutTraceSegments"], '
    '"Resource": "*"}]}}',
    "FIAC703": 'gcp:projects/iAMMember:IAMMember {"role": "roles/datastore.user", "member": '
    '"serviceAccount:fn@p.iam.gserviceaccount.com", "condition": {"title": "db", '
    '"expression": "resource.name == \\"projects/p/databases/app\\""}}',
    "FIAC704": 'azure-native:authorization:RoleAssignment {"scope": "/subscriptions/0000/'
    'resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/sb/queues/orders"}',
    "FIAC705": '@app.http("/pay", env={"LOG_LEVEL": "debug", "REGION": "eu-west-1"}, '
    'secrets={"STRIPE_KEY": "stripe-key"})\ndef pay(req, ctx): ...\n',
    "FIAC706": 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock {"bucket": "reports", '
    '"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, '
    '"restrict_public_buckets": true}',
    "FIAC707": 'azure-native:web:WebApp {"site_config": {"app_settings": [{"name": '
    '"AzureWebJobsStorage__accountName", "value": "shopdata"}, {"name": '
    '"AzureWebJobsStorage__credential", "value": "managedidentity"}]}}',
    "FIAC708": 'aws:apigatewayv2/api:Api {"cors_configuration": {"allow_origins": '
    '["https://shop.example"], "allow_credentials": true}}',
    "FIAC720": '@app.http("/report", timeout=25)\ndef report(req, ctx): ...\n',
    "FIAC721": ONE,
    "FIAC722": "@app.orchestrator\ndef two(ctx):\n    return (yield ctx.task_all("
    "[ctx.call_activity('work', 1), ctx.call_activity('work', 2)]))\n" + WORK,
    "FIAC723": "@app.orchestrator\ndef three(ctx):\n    return (yield ctx.task_all(["
    "ctx.call_activity('work', 1), ctx.call_activity('work', 2), ctx.call_activity('work', 3)"
    "]))\n" + WORK,
    "FIAC725": "@app.orchestrator\ndef flow(ctx):\n    ctx.set_custom_status({'stage': 'start'})\n"
    "    return (yield ctx.call_activity('work', 1))\n" + WORK,
    "FIAC726": '@app.schedule("0 */5 * * *")\ndef tick(timer, ctx): ...\n',
    "FIAC730": "@app.orchestrator\ndef flow(ctx):\n    now = ctx.current_utc_datetime\n"
    "    return (yield ctx.call_activity('work', str(now)))\n" + WORK,
    "FIAC731": "from datetime import timedelta\n\n\n@app.orchestrator\ndef flow(ctx):\n"
    "    yield ctx.create_timer(ctx.current_utc_datetime + timedelta(seconds=5))\n"
    "    return (yield ctx.call_activity('work', 1))\n" + WORK,
    "FIAC732": "@app.orchestrator\ndef flow(ctx):\n    region = ctx.get_input()['region']\n"
    "    return (yield ctx.call_activity('work', region))\n" + WORK,
    "FIAC733": "import urllib.request\n\n\n@app.orchestrator\ndef flow(ctx):\n"
    "    return (yield ctx.call_activity('fetch', 'https://example.com'))\n\n\n"
    "@app.activity\ndef fetch(url):\n    return urllib.request.urlopen(url).read().decode()\n",
    "FIAC734": "@app.orchestrator\ndef flow(ctx):\n    return (yield ctx.task_all("
    "[ctx.call_activity('work', i) for i in range(3)]))\n" + WORK,
    "FIAC735": ONE,
    "FIAC736": "SEEN = []\n\n\n@app.orchestrator\ndef flow(ctx):\n    seen = list(SEEN)\n"
    "    seen.append(ctx.instance_id)\n    return (yield ctx.call_activity('work', seen))\n" + WORK,
    "FIAC737": "@app.orchestrator\ndef poll(ctx):\n    while True:\n"
    "        yield ctx.call_activity('work', 1)\n        ctx.continue_as_new(None)\n"
    "        return None\n" + WORK,
    "FIAC738": "import urllib.request\n\n\n@app.activity\ndef fetch(url):\n"
    "    return urllib.request.urlopen(url).read().decode()\n\n\n@app.orchestrator\n"
    "def flow(ctx):\n    retry = RetryOptions(first_retry_interval_in_milliseconds=1000, "
    "max_number_of_attempts=3)\n    return (yield ctx.call_activity_with_retry('fetch', retry, "
    "'https://example.com'))\n",
    "FIAC739": "@app.orchestrator\ndef chain(ctx):\n    a = yield ctx.call_activity('work', 1)\n"
    "    return (yield ctx.call_activity('work', a))\n" + WORK,
    "FIAC740": 'aws:cloudwatch/logGroup:LogGroup {"name": "/aws/lambda/orders", '
    '"retention_in_days": 30}',
    "FIAC741": '@app.http("/x")\ndef x(req, ctx): ...\n',
    "FIAC742": '@app.queue("jobs", dead_letter=True)\ndef work_job(msg, ctx): ...\n',
    "FIAC743": 'app.declare(Queue("jobs", visibility_timeout=120))\n\n\n'
    '@app.queue("jobs", timeout=120, dead_letter=True)\ndef work_job(msg, ctx): ...\n',
    "FIAC750": '@app.http("/admin")\ndef admin(req, ctx): ...\n',
    "FIAC790": '@app.http("/hook", auth="anonymous")  # faas-iac: ignore[FIAC701] a public '
    "webhook, signed\ndef hook(req, ctx): ...\n",
    "FIAC791": '@app.http("/hook", auth="anonymous")  # faas-iac: ignore[FIAC701] a public '
    "webhook, signed\ndef hook(req, ctx): ...\n",
}
#: Examples that are prose, each triggered here by what it describes.
PROSE = {"FIAC724"}


def test_every_rule_is_listed_in_the_codes_with_its_title() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("FIAC7") and len(i) == 7 for i in ids)
    assert {i: CODES[i] for i in ids} == {r.id: r.title for r in RULES}
    policy_codes = {c for c in CODES if c.startswith("FIAC7")}
    assert policy_codes - set(ids) == {"FIAC792"}  # the configuration error is not a rule


def test_every_rule_says_why_how_and_where() -> None:
    for rule in RULES:
        assert rule.title and rule.rationale and rule.fix and rule.example, rule.id
        assert rule.group in ("security", "limits", "durability", "operations"), rule.id
        assert set(rule.targets) <= {"local", *CLOUDS} and rule.targets, rule.id
        checks = rule.model or rule.resource_rule or rule.refusals or rule.id in META
        assert checks or rule.id == "FIAC750", f"{rule.id} checks nothing"
        assert (rule.example_kind == "resource") == (rule.resource_rule and not rule.model), rule.id


def test_every_rule_has_a_clean_counterpart() -> None:
    assert set(CLEAN) | PROSE == {r.id for r in RULES}


def _triggered(rule: Rule, text: str, kind: str, tmp_path: Path) -> bool:
    if kind == "resource":
        res = resource(text)
        hits = list(rule.resource(res)) if rule.resource else []
        if rule.stack:
            hits += [m for _, m in rule.stack([res])]
        return bool(hits)
    report = check_body(tmp_path, text, rule.targets)
    return rule.id in rules_of(report)


@pytest.mark.parametrize("rule", [r for r in RULES if r.id not in PROSE], ids=lambda r: r.id)
def test_the_documented_example_triggers_the_rule(rule: Rule, tmp_path: Path) -> None:
    assert _triggered(rule, rule.example, rule.example_kind, tmp_path)


@pytest.mark.parametrize("rule", [r for r in RULES if r.id in CLEAN], ids=lambda r: r.id)
def test_the_clean_counterpart_does_not(rule: Rule, tmp_path: Path) -> None:
    kind = "resource" if CLEAN[rule.id].startswith(("aws:", "gcp:", "azure")) else "app"
    assert not _triggered(rule, CLEAN[rule.id], kind, tmp_path)


def test_a_definition_larger_than_workflows_accepts(tmp_path: Path) -> None:
    calls = "".join(f"    a{i} = yield ctx.call_activity('work', {i})\n" for i in range(900))
    body = f"@app.orchestrator\ndef huge(ctx):\n{calls}    return a0\n" + WORK
    report = check_body(tmp_path, body, ("gcp",))
    assert "FIAC724" in rules_of(report)
    few = "".join(calls.splitlines(keepends=True)[:3])
    small = check_body(
        tmp_path, f"@app.orchestrator\ndef small(ctx):\n{few}    return a0\n" + WORK, ("gcp",)
    )
    assert "FIAC724" not in rules_of(small)


def test_a_resource_reads_plan_and_engine_shapes_alike() -> None:
    plan = Res("aws:cloudwatch/logGroup:LogGroup", "log", {"retention_in_days": 30})
    engine = Res("aws:cloudwatch/logGroup:LogGroup", "log", {"retentionInDays": 30})
    assert plan.get("retention_in_days") == engine.get("retention_in_days") == 30
