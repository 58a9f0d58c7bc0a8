"""Rules stage: importing this package registers every rule, in code order."""

from alignment_plan.rules import coverage, names, structure, style, syntax  # noqa: F401
from alignment_plan.rules import hygiene  # noqa: F401
from alignment_plan.rules import scenarios  # noqa: F401
from alignment_plan.rules.registry import RULES, Finding, ModuleContext, Rule, find_rule, run_rules

__all__ = ["RULES", "Finding", "ModuleContext", "Rule", "find_rule", "run_rules"]
