"""The rules that read resources, as a Pulumi policy pack (``pulumi-policy``), so they judge
any Pulumi program, not only one written with faas-iac:

    pulumi preview --policy-pack policypack        # policypack/ holds PulumiPolicy.yaml

Each rule becomes a policy named by its id: a resource validation for a rule that reads one
resource at a time, a stack validation for one that relates resources. Errors are mandatory,
warnings advisory. The engine passes camelCase properties with values resolved (JSON policies as
text); :class:`faas_iac.policy.rule.Res` reads both that shape and a plan's, so the checks are
the very functions ``faas-iac check`` runs. Needs ``pip install faas-iac[policy]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .catalog import RULES
from .rule import Res, Rule

NAME = "faas-iac"
LEVELS = {"error": EnforcementLevel.MANDATORY, "warning": EnforcementLevel.ADVISORY}
SEVERITIES = {"error": Severity.HIGH, "warning": Severity.MEDIUM}


def _describe(rule: Rule) -> dict[str, Any]:
    return {
        "description": f"{rule.id}: {rule.title}. {rule.rationale}",
        "enforcement_level": LEVELS[rule.severity],
        "severity": SEVERITIES[rule.severity],
        "remediation_steps": rule.fix,
        "tags": [rule.group, *rule.targets],
    }


def policy_name(rule: Rule) -> str:
    return rule.id.lower()


def _resource_policy(rule: Rule) -> ResourceValidationPolicy:
    check = rule.resource
    assert check is not None
    wanted = set(rule.types)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in wanted:
            return
        for message in check(Res(args.resource_type, args.name, args.props)):
            report_violation(f"{message}. Fix: {rule.fix}", None)

    return ResourceValidationPolicy(name=policy_name(rule), validate=validate, **_describe(rule))


def _stack_policy(rule: Rule) -> StackValidationPolicy:
    check = rule.stack
    assert check is not None
    wanted = set(rule.types)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        urns: dict[int, str] = {}
        resources: list[Res] = []
        for r in args.resources:
            if r.resource_type in wanted:
                res = Res(r.resource_type, r.name, r.props)
                urns[id(res)] = r.urn
                resources.append(res)
        for res, message in check(resources):
            report_violation(f"{message}. Fix: {rule.fix}", urns.get(id(res)))

    return StackValidationPolicy(
        name=f"{policy_name(rule)}-stack", validate=validate, **_describe(rule)
    )


def policies(
    rules: Iterable[Rule] = RULES,
) -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """One policy per resource check of each rule (a rule with both gets both)."""
    found: list[ResourceValidationPolicy | StackValidationPolicy] = []
    for rule in rules:
        if rule.resource is not None:
            found.append(_resource_policy(rule))
        if rule.stack is not None:
            found.append(_stack_policy(rule))
    return found


def serve() -> None:
    """Run the pack (what ``policypack/__main__.py`` does when the Pulumi CLI starts it)."""
    PolicyPack(NAME, policies(), enforcement_level=EnforcementLevel.ADVISORY)  # type: ignore[arg-type]
