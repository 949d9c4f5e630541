"""Every rule, by id: the registry ``faas-iac check``, the policy pack and ``docs/rules.md``
read. A test holds it to ``faas_iac.errors.CODES`` (each id listed, each FIAC7xx code a rule or
a check's own diagnostic) and to the docs page."""

from __future__ import annotations

from ..translate import TRANSLATOR_CODES
from . import durability, limits, operations, security
from .rule import CLOUDS, Rule

#: Translator codes that are limits (reported by the limits rules), not refusals.
LIMIT_CODES = {"FIAC620", "FIAC621", "FIAC622", "FIAC623"}
#: Translator codes the durability rules report as the hazard itself.
HAZARD_CODES = {"FIAC603", "FIAC604"}

UNTRANSLATABLE = Rule(
    id="FIAC739",
    title="orchestrator a selected target cannot run",
    group="durability",
    severity="error",
    targets=("aws", "gcp"),
    rationale="Step Functions and GCP Workflows run a translation of the orchestrator; what "
    "the translator cannot say the same way on the target is refused, and the app cannot be "
    "deployed there.",
    fix="rewrite the construct as the refusal says, or run the orchestrator on local or Azure "
    "(which run Python natively)",
    example="@app.orchestrator\ndef race(ctx):\n    a = ctx.call_activity('work', 1)\n"
    "    b = ctx.call_activity('work', 2)\n    first = yield ctx.task_any([a, b])\n"
    "    return first.result\n\n@app.activity\ndef work(x):\n    return x",
    refusals=tuple(sorted(set(TRANSLATOR_CODES) - LIMIT_CODES - HAZARD_CODES)),
)
REFUSED = Rule(
    id="FIAC750",
    title="the target refuses the app",
    group="operations",
    severity="error",
    targets=CLOUDS,
    rationale="A selected provider cannot plan the app as written; deploying there fails.",
    fix="follow the provider's fix (quoted with its code), or stop targeting that provider "
    "([tool.faas-iac.policy] providers = [...])",
    example='@app.http("/admin", auth="iam")\ndef admin(req, ctx): ...   # refused on Azure',
)

#: The check's own findings about suppressions (they cannot be suppressed themselves).
BAD_SUPPRESSION = Rule(
    id="FIAC790",
    title="suppression without a reason or of an unknown rule",
    group="operations",
    severity="error",
    targets=("local", *CLOUDS),
    rationale="A suppression is a decision someone will need to revisit: it says which rule "
    "and why, or it is not honoured.",
    fix="write # faas-iac: ignore[FIAC7xx] followed by the reason, with a rule id that exists",
    example='@app.http("/hook", auth="anonymous")  # faas-iac: ignore[FIAC701]\n'
    "def hook(req, ctx): ...",
)
UNUSED_SUPPRESSION = Rule(
    id="FIAC791",
    title="suppression that suppresses nothing",
    group="operations",
    severity="warning",
    targets=("local", *CLOUDS),
    rationale="A suppression left behind after the code changed hides the next real finding "
    "on that line.",
    fix="remove the suppression (or the rule id it no longer needs)",
    example='@app.http("/hook")  # faas-iac: ignore[FIAC701] public webhook\n'
    "def hook(req, ctx): ...",
)

RULES: tuple[Rule, ...] = (
    *security.RULES,
    *limits.RULES,
    *durability.RULES,
    UNTRANSLATABLE,
    *operations.RULES,
    REFUSED,
    BAD_SUPPRESSION,
    UNUSED_SUPPRESSION,
)
BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
#: Rules about the check itself: never disabled, never suppressed.
META = {BAD_SUPPRESSION.id, UNUSED_SUPPRESSION.id}
