"""The faas-iac rules as a Pulumi policy pack: ``pulumi preview --policy-pack policypack``."""

from faas_iac.policy.pack import serve

serve()
