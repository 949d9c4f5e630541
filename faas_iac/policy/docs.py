"""``docs/rules.md``: every rule with what triggers it and its fix, rendered from the registry
(``python -m faas_iac.policy.docs > docs/rules.md``; a test keeps the page in sync)."""

from __future__ import annotations

from itertools import groupby

from .catalog import RULES
from .rule import Rule

GROUPS = {
    "security": "Security",
    "limits": "Limits",
    "durability": "Durability",
    "operations": "Operations",
}
PREAMBLE = """\
# Policy rules

`faas-iac check APP [-p PROVIDER ...] [--format text|json|sarif|junit] [--output FILE]
[--severity warning]` judges an app against these rules: its model, its orchestrators' source,
and the plan of each selected provider (a provider that refuses the app is a finding too). Exit
code 0: nothing at or above the threshold (`error` unless `--severity warning`); 1: findings;
2: a usage error or an invalid app.

- **Configure** in `pyproject.toml`:
  `[tool.faas-iac.policy]` `providers = [...]`, `disable = [...]`, `enable = [...]`,
  `severity = { FIAC701 = "error" }` (`"error"`, `"warning"` or `"off"`), and
  `[[tool.faas-iac.policy.overrides]]` with `paths = ["legacy/**"]` and the same keys.
- **Suppress** one finding on its line, with a reason (required):
  `# faas-iac: ignore[FIAC701] public webhook, verified by its signature`; alone on its line,
  the comment covers the next line. A suppression without a reason is FIAC790; one that
  suppresses nothing is FIAC791.
- **Any Pulumi program**: the rules that read resources (marked *pack* below) form a Pulumi
  policy pack (`policypack/`, `pulumi preview --policy-pack policypack`).

For example, the shop example on the local host and AWS, then as SARIF for GitHub code
scanning and JUnit XML for a CI dashboard:

```console
$ faas-iac check examples/shop/app.py -p local -p aws
no findings: app 'shop' on local, aws
```

```sh
faas-iac check examples/shop/app.py -p aws --format sarif --output out/check.sarif
faas-iac check examples/shop/app.py -p aws --format junit --output out/check.xml
```

This page is generated from `faas_iac/policy/` (`python -m faas_iac.policy.docs > docs/rules.md`).
"""


def _fence(rule: Rule) -> str:
    """App examples are fragments of an app (``app = App(...)`` is implied): the docs test
    compiles them; the policy tests check that each one triggers its rule."""
    if rule.example_kind == "app":
        return f"<!-- docs-test: fragment -->\n```python\n{rule.example.rstrip()}\n```"
    return f"```text\n{rule.example.rstrip()}\n```"


def render_rule(rule: Rule) -> str:
    checks = [
        name
        for name, present in (
            ("model", rule.model is not None),
            ("plan resources", rule.resource_rule and rule.model is None),
            ("pack", rule.resource_rule),
            ("provider refusals", bool(rule.refusals)),
        )
        if present
    ]
    refusals = f" ({', '.join(rule.refusals)})" if rule.refusals else ""
    return "\n".join(
        [
            f"### {rule.id}: {rule.title}",
            "",
            f"*{rule.severity}* by default · targets: {', '.join(rule.targets)} · reads: "
            f"{', '.join(checks) or 'suppression comments'}{refusals}",
            "",
            rule.rationale,
            "",
            "Triggered by:",
            "",
            _fence(rule),
            "",
            f"**Fix:** {rule.fix}",
            "",
        ]
    )


def render() -> str:
    parts = [PREAMBLE]
    order = list(GROUPS)
    rules = sorted(RULES, key=lambda r: (order.index(r.group), r.id))
    for group, members in groupby(rules, key=lambda r: r.group):
        parts.append(f"## {GROUPS[group]}\n")
        parts += [render_rule(r) for r in members]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
