"""Semantics stage, explanations: why a failure mode has the owner and the coverage it has.

Consumes a resolved `Scope`, the scope's `Evaluator` and a `PlanAnalysis`; produces one
`Derivation` per failure mode the plan considers, as plain attrs data that still points
at the declarations (so every line of it has a place in a file):

* the story the lens reads: each fact with the declaration or `assume` line that set it,
  and the assumptions ignored because they contradict the failure mode;
* each binding with what is left of its definition once the story's facts are known,
  and the bindings the ownership lens does not read;
* each rule of the lens with what is left of its condition over the unknown facts, and
  whether it gives the verdict in every completion, in some, or in none;
* the completions of the deciding facts, each with the rule that fires and the owner it
  gives (and its probability under the priors in scope);
* every technique that addresses or backs up the failure mode, with whether it counts
  toward coverage and why.

The checker converts a derivation into `results.explain.Explanation` for the reporters.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction

import attrs

from alignment_plan.analysis.logic import partial
from alignment_plan.analysis.resolver import Scope
from alignment_plan.analysis.scenarios.tables import relevant_facts
from alignment_plan.analysis.semantics import (
    Contradiction,
    Ownership,
    PlanAnalysis,
    applied_assumptions,
    plan_bindings,
    status_rank,
)
from alignment_plan.analysis.verdicts import Evaluator, NONE
from alignment_plan.syntax import nodes
from alignment_plan.vocabulary import STATUSES

# Beyond this many deciding facts the table lists the diagram's paths, not every completion.
FULL_TABLE_FACTS = 6
ALWAYS, SOMETIMES, NEVER = "always", "sometimes", "never"
# Why a technique counts or not.
COUNTS, BELOW_THRESHOLD, NOT_OWNER, BACKUP, BACKUP_IN_OWNER = (
    "counts", "below_threshold", "not_owner", "backup", "backup_in_owner"
)


@attrs.frozen
class StoryFact:
    fact: str
    value: bool
    stated: nodes.FactValue  # where it is written
    assumption: nodes.Assumption | None  # None: the failure mode states it


@attrs.frozen
class BindingTrace:
    slot: str
    definition: nodes.DefinitionDecl
    binding: nodes.Binding
    residual: nodes.Expr  # the definition once the story's facts are known
    read: bool  # the ownership lens reads the slot


@attrs.frozen
class RuleTrace:
    rule: nodes.LensRule
    residual: nodes.Expr  # the condition, slots expanded, once the story's facts are known
    gives_verdict: str  # ALWAYS, SOMETIMES or NEVER: is it the first rule to hold


@attrs.frozen
class Completion:
    """One completion of the deciding facts (a partial one: `paths` tables), and its verdict."""

    assignment: tuple[tuple[str, bool], ...]
    rule: int  # index of the rule that fires; len(rules) when none holds
    owner: str
    probability: Fraction | None


@attrs.frozen
class TechniqueTrace:
    step: str
    technique: nodes.Technique
    reason: str  # COUNTS, BELOW_THRESHOLD, NOT_OWNER, BACKUP or BACKUP_IN_OWNER

    @property
    def counts(self) -> bool:
        return self.reason == COUNTS


@attrs.frozen
class Derivation:
    ownership: Ownership
    failure_mode: nodes.FailureModeDecl
    lens: nodes.LensDecl | None
    story: tuple[StoryFact, ...]
    ignored: tuple[Contradiction, ...]  # assumptions that contradict the failure mode
    unknown: tuple[str, ...]  # facts the lens reads under the bindings that the story leaves unknown
    reads: frozenset[str]  # every fact the lens reads under the bindings
    bindings: tuple[BindingTrace, ...]
    rules: tuple[RuleTrace, ...]
    completions: tuple[Completion, ...]
    paths: bool  # True: `completions` are the diagram's paths, facts absent from a row do not matter
    priors: tuple[tuple[str, Fraction], ...]  # the priors in force on the unknown facts
    techniques: tuple[TechniqueTrace, ...]
    threshold: str


def story_facts(failure_mode: nodes.FailureModeDecl, assumptions) -> tuple[tuple[StoryFact, ...], tuple]:
    """The facts the lens reads, in the order written, and the assumptions that contradict."""
    facts: dict[str, StoryFact] = {}
    for value in failure_mode.facts:
        facts.setdefault(value.fact.text, StoryFact(value.fact.text, value.value, value, None))
    ignored = []
    for assumption in assumptions:
        fact = assumption.fact.fact.text
        found = facts.get(fact)
        if found is not None and found.assumption is None:
            if found.value != assumption.fact.value:
                ignored.append(Contradiction(assumption, found.stated, failure_mode.name.text))
            continue
        facts[fact] = StoryFact(fact, assumption.fact.value, assumption.fact, assumption)
    return tuple(facts.values()), tuple(ignored)


def derive(
    scope: Scope,
    evaluator: Evaluator,
    analysis: PlanAnalysis,
    owned: Ownership,
    priors: Mapping[str, Fraction] | None = None,
) -> Derivation:
    """The derivation of one failure mode's owner and coverage in one plan."""
    plan = analysis.plan
    failure_mode = scope.failure_modes[owned.failure_mode]
    story, ignored = story_facts(failure_mode, applied_assumptions(plan, owned.failure_mode))
    values = {fact.fact: fact.value for fact in story}
    bindings = plan_bindings(scope, plan)
    lens = analysis.lens
    first_binding = {}
    for binding in plan.bindings:
        first_binding.setdefault(binding.slot.text, binding)

    def known(name: str):
        if name in values:
            return values[name]
        if name in bindings and name not in scope.facts:
            return partial(bindings[name].body, known)
        return None

    binding_traces = tuple(
        BindingTrace(
            slot=slot,
            definition=definition,
            binding=first_binding[slot],
            residual=partial(definition.body, known),
            read=slot in analysis.lens_slots,
        )
        for slot, definition in bindings.items()
    )
    rules, completions, unknown, paths, reads = (), (), (), False, frozenset()
    in_force: dict[str, Fraction] = {}
    if lens is not None:
        diagram = evaluator.rule_diagram(lens, values, bindings)
        reached = set(evaluator.diagrams.leaves(diagram))
        rules = tuple(
            RuleTrace(
                rule=rule,
                residual=partial(rule.condition, known),
                gives_verdict=ALWAYS if reached == {index} else (SOMETIMES if index in reached else NEVER),
            )
            for index, rule in enumerate(lens.rules)
        )
        reads = relevant_facts(scope, lens, bindings)
        unknown = tuple(sorted(reads - set(values)))
        in_force = {fact: p for fact, p in (priors or {}).items() if fact in unknown}
        completions, paths = _completions(evaluator, lens, diagram, in_force)
    return Derivation(
        ownership=owned,
        failure_mode=failure_mode,
        lens=lens,
        story=story,
        ignored=ignored,
        unknown=unknown,
        reads=reads,
        bindings=binding_traces,
        rules=rules,
        completions=completions,
        paths=paths,
        priors=tuple(sorted(in_force.items())),
        techniques=_techniques(plan, owned, analysis.threshold),
        threshold=analysis.threshold,
    )


def _completions(evaluator: Evaluator, lens, diagram: int, priors: Mapping[str, Fraction]):
    store = evaluator.diagrams
    deciding = store.support(diagram)
    verdicts = [rule.verdict.text for rule in lens.rules] + [NONE]
    paths = len(deciding) > FULL_TABLE_FACTS
    if paths:
        rows = list(store.paths(diagram))
    else:
        rows = [
            (row, store.evaluate(diagram, dict(row)))
            for row in (tuple(zip(deciding, values)) for values in itertools.product((False, True), repeat=len(deciding)))
        ]
    completions = []
    for row, index in rows:
        probability = None
        if all(fact in priors for fact, _ in row):
            probability = Fraction(1)
            for fact, value in row:
                probability *= priors[fact] if value else 1 - priors[fact]
        completions.append(Completion(row, index, verdicts[index], probability))
    return tuple(completions), paths


def _techniques(plan: nodes.PlanDecl, owned: Ownership, threshold: str) -> tuple[TechniqueTrace, ...]:
    minimum = STATUSES.index(threshold)
    traces = []
    for step, technique in plan.techniques():
        if not technique.mentions(owned.failure_mode):
            continue
        owns = step in owned.possible_owners
        if any(name.text == owned.failure_mode for name in technique.addresses):
            if not owns:
                reason = NOT_OWNER
            else:
                reason = COUNTS if status_rank(technique) >= minimum else BELOW_THRESHOLD
        else:
            reason = BACKUP_IN_OWNER if owns else BACKUP
        traces.append(TechniqueTrace(step, technique, reason))
    return tuple(traces)
