"""Rules stage: what a rule may read about one checked file.

The checker builds one `ModuleContext` per file, with every analysis computed once: the
resolved scope, the plan analyses, the scenario analysis, and (for the hygiene rules that
run after suppressions) what the file's suppression comments did.
"""

from __future__ import annotations

import attrs

from alignment_plan.analysis.resolver import Scope
from alignment_plan.diagnostics import Span
from alignment_plan.analysis.scenarios import ScenarioAnalysis
from alignment_plan.analysis.semantics import PlanAnalysis
from alignment_plan.analysis.verdicts import Evaluator
from alignment_plan.rules.suppressions import SuppressionFacts
from alignment_plan.syntax import nodes


@attrs.frozen
class LimitExceeded:
    """Something in the file the checker did not analyse because it passes a limit (AP005)."""

    message: str
    span: Span
    help: str | None = None


@attrs.frozen
class ModuleContext:
    """Everything a rule may read about one checked file."""

    scope: Scope
    analyses: tuple[PlanAnalysis, ...]
    evaluator: Evaluator
    scenarios: ScenarioAnalysis
    suppression: SuppressionFacts = SuppressionFacts()
    limits: tuple[LimitExceeded, ...] = ()

    @property
    def module(self) -> nodes.Module:
        return self.scope.module
