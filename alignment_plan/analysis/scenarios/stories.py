"""Analysis stage, scenarios: the story of every scenario, and the priors on facts.

A story is a scenario's own facts plus everything its ancestors (`refines`) state, with
the refinements that contradict an ancestor and the `refines` chains that close a cycle
kept as data; priors are exact fractions, from the catalog and the scenarios.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction

import attrs

from alignment_plan.analysis.resolver import Scope
from alignment_plan.syntax import nodes

@attrs.frozen
class Statement:
    """A fact value as written, and the scenario that wrote it."""

    scenario: str
    value: nodes.FactValue


@attrs.frozen
class Story:
    """A scenario with everything it inherits: what a lens is evaluated on."""

    scenario: nodes.ScenarioDecl
    facts: tuple[tuple[str, bool], ...]  # sorted by fact name
    statements: tuple[tuple[str, Statement], ...]  # where each fact of `facts` was stated
    priors: tuple[tuple[str, Fraction], ...]  # the scenario's own and inherited priors, sorted
    ancestors: tuple[str, ...]  # parent first

    @property
    def name(self) -> str:
        return self.scenario.name.text

    def fact_map(self) -> dict[str, bool]:
        return dict(self.facts)

    def statement(self, fact: str) -> Statement | None:
        return dict(self.statements).get(fact)

    @property
    def label(self) -> nodes.Name | None:
        """The label the label check compares: the first one written."""
        return self.scenario.labels[0] if self.scenario.labels else None


@attrs.frozen
class RefinementContradiction:
    """A fact a refinement states that one of its ancestors states the other way."""

    scenario: nodes.ScenarioDecl
    stated: nodes.FactValue
    inherited: Statement


@attrs.frozen
class RefinementCycle:
    """Scenarios whose `refines` clauses lead back to themselves, in chain order."""

    members: tuple[nodes.ScenarioDecl, ...]


@attrs.frozen
class Stories:
    by_name: Mapping[str, Story]
    contradictions: tuple[RefinementContradiction, ...]
    cycles: tuple[RefinementCycle, ...]
    too_deep: tuple[nodes.ScenarioDecl, ...] = ()  # refine a scenario already `MAX_REFINEMENT_DEPTH` deep


# A story carries every ancestor and every inherited fact, so a chain of `refines` costs
# the square of its length; past this depth a scenario inherits nothing (and AP005 says so).
MAX_REFINEMENT_DEPTH = 100


# Probabilities are exact fractions. A number with more digits, or a larger exponent, than
# this would make every probability computed from it a huge integer (`1e99999999999`
# alone never finished), so such a prior is refused (AP207) instead.
MAX_PRIOR_DIGITS = 30
MAX_PRIOR_EXPONENT = 30
_NUMBER = re.compile(r"([0-9]+)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?")


def probability(text: str) -> Fraction | None:
    """The exact value of a prior as written, or None when it has more than
    `MAX_PRIOR_DIGITS` digits or an exponent beyond `MAX_PRIOR_EXPONENT` either way."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    whole, fraction, exponent = match.group(1), match.group(2) or "", match.group(3) or "0"
    if len(whole) + len(fraction) > MAX_PRIOR_DIGITS or len(exponent.lstrip("+-")) > 3:
        return None
    power = int(exponent)
    if abs(power) > MAX_PRIOR_EXPONENT:
        return None
    return Fraction(int(whole + fraction)) * Fraction(10) ** (power - len(fraction))


def prior_value(prior: nodes.Prior) -> Fraction | None:
    """The probability a prior states, or None when it is not strictly between 0 and 1
    (or is written with more digits than the checker computes with)."""
    value = probability(prior.probability)
    return value if value is not None and 0 < value < 1 else None


def catalog_priors(scope: Scope) -> dict[str, Fraction]:
    """Top-level priors visible in the scope (invalid ones are AP207's and left out)."""
    found = {}
    for fact, prior in scope.priors.items():
        value = prior_value(prior)
        if value is not None:
            found[fact] = value
    return found


def _cycles(scenarios: Mapping[str, nodes.ScenarioDecl]) -> list[tuple[str, ...]]:
    """Every cycle of the `refines` graph; each scenario has at most one parent."""
    finished: set[str] = set()
    cycles = []
    for start in scenarios:
        path: list[str] = []
        position: dict[str, int] = {}
        name: str | None = start
        while name in scenarios and name not in finished and name not in position:
            position[name] = len(path)
            path.append(name)
            parent = scenarios[name].parent
            name = parent.text if parent is not None else None
        if name in position:
            cycles.append(tuple(path[position[name]:]))
        finished.update(path)
    return cycles


def scenario_stories(scope: Scope) -> Stories:
    """The story of every visible scenario, and the refinements that break the rules.

    A refinement may only add facts: a fact that contradicts an ancestor is recorded and
    dropped, so the story keeps the ancestor's value (and monotonicity holds by
    construction). A scenario on a `refines` cycle inherits nothing, since the cycle has
    no root to inherit from; scenarios below a cycle inherit the member's own facts.
    """
    scenarios = scope.scenarios
    cycles = _cycles(scenarios)
    on_cycle = {name for cycle in cycles for name in cycle}
    stories: dict[str, Story] = {}
    contradictions: list[RefinementContradiction] = []
    too_deep: list[nodes.ScenarioDecl] = []

    def parent_of(name: str) -> str | None:
        parent = scenarios[name].parent
        if name in on_cycle or parent is None or parent.text not in scenarios:
            return None
        return parent.text

    for start in scenarios:
        # Walk up to the first ancestor already done, then build down: no recursion, so
        # long chains cannot exhaust the stack.
        chain = [start]
        while chain[-1] not in stories and (parent := parent_of(chain[-1])) is not None:
            chain.append(parent)
        for name in reversed(chain):
            if name not in stories:
                parent = parent_of(name)
                inherited = stories[parent] if parent else None
                if inherited is not None and len(inherited.ancestors) + 1 >= MAX_REFINEMENT_DEPTH:
                    too_deep.append(scenarios[name])
                    inherited = None
                stories[name] = _story(scenarios[name], inherited, contradictions)
    return Stories(
        by_name=stories,
        contradictions=tuple(contradictions),
        cycles=tuple(RefinementCycle(tuple(scenarios[name] for name in cycle)) for cycle in cycles),
        too_deep=tuple(too_deep),
    )


def _story(decl: nodes.ScenarioDecl, parent: Story | None, contradictions: list) -> Story:
    facts = parent.fact_map() if parent else {}
    statements = dict(parent.statements) if parent else {}
    seen: set[str] = set()
    for value in decl.facts:
        fact = value.fact.text
        if fact in seen:
            continue  # stated twice in one scenario: AP203's business, the first counts
        seen.add(fact)
        if fact in facts:
            if facts[fact] != value.value:
                contradictions.append(RefinementContradiction(decl, value, statements[fact]))
            continue
        facts[fact] = value.value
        statements[fact] = Statement(decl.name.text, value)
    priors = dict(parent.priors) if parent else {}
    own: dict[str, Fraction] = {}
    for prior in decl.priors:
        value = prior_value(prior)
        if value is not None:
            own.setdefault(prior.fact.text, value)
    priors.update(own)
    return Story(
        scenario=decl,
        facts=tuple(sorted(facts.items())),
        statements=tuple(sorted(statements.items())),
        priors=tuple(sorted(priors.items())),
        ancestors=((parent.name,) + parent.ancestors) if parent else (),
    )
