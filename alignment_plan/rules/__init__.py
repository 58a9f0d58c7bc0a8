"""Rules stage: importing this package registers every rule of every family.

Each family module registers its rules when imported (`registry.rule`); the registry
keeps them by code, and the engine runs them in code order.
"""

from alignment_plan.rules import coverage, hygiene, names, scenarios, structure, style, syntax  # noqa: F401
from alignment_plan.rules.registry import RULES, Finding, Rule, find_rule, run_rules

__all__ = ["RULES", "Finding", "Rule", "find_rule", "run_rules"]
