"""Policy checks for CI (``faas-iac check``) and the same resource rules as a Pulumi policy
pack (:mod:`faas_iac.policy.pack`). Rules (FIAC7xx) live in :mod:`.security`, :mod:`.limits`,
:mod:`.durability` and :mod:`.operations`; :mod:`.catalog` lists them all."""

from .catalog import BY_ID, RULES
from .engine import Finding, Report, check
from .rule import Res, Rule

__all__ = ["BY_ID", "RULES", "Finding", "Report", "Res", "Rule", "check"]
