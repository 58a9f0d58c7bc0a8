"""Analysis stage, scenarios: the whole scenario analysis of one checked file.

Consumes a resolved `Scope` and the scope's `Evaluator` (one per scope, so decision
diagrams are shared by every cell of every table) and produces plain attrs data, in three
steps that each have their module: the stories (`stories`: inheritance, contradictions,
cycles, priors), a classification table per scenario (`tables`), and the label check
(`labels`). Problems are data; `rules.scenarios` turns them into diagnostics, and the
checker converts the analysis into the result types the reporters read.
"""

from __future__ import annotations

import attrs

from alignment_plan.analysis.logic import BudgetExceeded
from alignment_plan.analysis.resolver import Scope
from alignment_plan.analysis.scenarios.labels import LabelCheck, check_labels
from alignment_plan.analysis.scenarios.stories import Stories, catalog_priors, scenario_stories
from alignment_plan.analysis.scenarios.tables import Classification, classify
from alignment_plan.analysis.verdicts import Evaluator
from alignment_plan.syntax import nodes


@attrs.frozen
class ScenarioAnalysis:
    """Everything about the scenarios of one checked file."""

    file: str
    stories: Stories
    tables: tuple[Classification, ...]  # the scenarios declared in the file, in source order
    label_check: LabelCheck | None
    # The first scenario that could not be classified within the limits, and why; it and
    # the scenarios after it have no table, and their labels are not checked.
    unclassified: tuple[nodes.ScenarioDecl, str] | None = None
    # Scenarios of the file whose story has errors: not classified, and left out of the label check.
    with_errors: tuple[nodes.ScenarioDecl, ...] = ()


def _within(span, decl) -> bool:
    return span.file == decl.span.file and decl.span.line <= span.line <= decl.span.end_line


def story_errors(scope: Scope, stories: Stories) -> set[str]:
    """Scenarios whose story is wrong as written: a `refines` to nothing or on a cycle, a fact
    that contradicts an ancestor or the scenario itself, or an undefined fact. Verdicts on
    such a story would answer a question nobody asked."""
    broken = {c.scenario.name.text for c in stories.contradictions}
    broken |= {decl.name.text for cycle in stories.cycles for decl in cycle.members}
    for name, decl in scope.scenarios.items():
        if decl.parent is not None and decl.parent.text not in scope.scenarios:
            broken.add(name)
        values: dict[str, bool] = {}
        for value in decl.facts:
            if values.setdefault(value.fact.text, value.value) != value.value:
                broken.add(name)
        if any(_within(missing.name.span, decl) for missing in scope.unresolved):
            broken.add(name)
    return broken


def analyze_scenarios(scope: Scope, evaluator: Evaluator | None = None) -> ScenarioAnalysis:
    """Classify the scenarios declared in the scope's own file and check their labels."""
    evaluator = evaluator if evaluator is not None and evaluator.scope is scope else Evaluator(scope)
    stories = scenario_stories(scope)
    priors = catalog_priors(scope)
    memo: dict = {}
    tables: list[Classification] = []
    unclassified = None
    broken = story_errors(scope, stories)
    with_errors = []
    for decl in scope.module.declarations:
        if isinstance(decl, nodes.ScenarioDecl) and scope.scenarios.get(decl.name.text) is decl:
            if decl.name.text in broken:
                with_errors.append(decl)
                continue
            try:
                tables.append(classify(scope, evaluator, stories.by_name[decl.name.text], priors, memo))
            except BudgetExceeded as error:
                unclassified = (decl, str(error))
                break
    return ScenarioAnalysis(
        file=scope.module.path,
        stories=stories,
        tables=tuple(tables),
        label_check=None if unclassified else check_labels(scope.module.path, tables),
        unclassified=unclassified,
        with_errors=tuple(with_errors),
    )
