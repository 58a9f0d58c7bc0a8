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
from alignment_plan.analysis.scenarios.tables import facts_read, relevant_facts
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


@attrs.frozen
class LensPart:
    """What a derivation takes from the lens, the facts it reads and the slots it reads, so
    every plan that agrees on those shares it (see `derive`'s `memo`)."""

    rules: tuple[RuleTrace, ...]
    completions: tuple[Completion, ...]
    unknown: tuple[str, ...]
    paths: bool
    priors: tuple[tuple[str, Fraction], ...]


def derive(
    scope: Scope,
    evaluator: Evaluator,
    analysis: PlanAnalysis,
    owned: Ownership,
    priors: Mapping[str, Fraction] | None = None,
    memo: dict | None = None,
) -> Derivation:
    """The derivation of one failure mode's owner and coverage in one plan.

    `memo`, when given, keeps what plans share (the lens part, the residuals of the
    bindings) for the next plan; it belongs to one `evaluator` and one `priors` mapping."""
    plan = analysis.plan
    failure_mode = scope.failure_modes[owned.failure_mode]
    story, ignored = story_facts(failure_mode, applied_assumptions(plan, owned.failure_mode))
    values = {fact.fact: fact.value for fact in story}
    bindings = plan_bindings(scope, plan)
    lens = analysis.lens
    memo = {} if memo is None else memo
    # The lens reads the slots in `lens_slots` and, through them, the facts in `reads`; the
    # rest of the story and of the bindings cannot change its part of the derivation.
    read_bindings = {slot: d for slot, d in bindings.items() if slot in analysis.lens_slots}
    bound = _one_copy(memo, frozenset((slot, id(definition)) for slot, definition in read_bindings.items()))
    reads = _remember(memo, ("reads", id(lens), bound), lambda: _reads(scope, lens, read_bindings), lens, read_bindings)
    read_values = {fact: value for fact, value in values.items() if fact in reads}
    part = _remember(
        memo,
        ("lens", id(lens), bound, frozenset(read_values.items())),
        lambda: _lens_part(scope, evaluator, lens, read_values, read_bindings, reads, priors or {}),
        lens,
        read_bindings,
    )
    # A binding's residual reads only the facts its definitions read: plans and failure modes
    # that agree on those share it.
    bound_all = _one_copy(memo, frozenset((slot, id(d)) for slot, d in bindings.items()))
    definition_facts = _remember(
        memo, ("definition facts", bound_all), lambda: facts_read(scope, [d.body for d in bindings.values()], bindings), bindings
    )
    read_by_definitions = {fact: value for fact, value in values.items() if fact in definition_facts}
    residuals = _remember(
        memo,
        ("residuals", bound_all, frozenset(read_by_definitions.items())),
        lambda: _residuals(scope, read_by_definitions, bindings),
        bindings,
    )
    first_binding = {}
    for binding in plan.bindings:
        first_binding.setdefault(binding.slot.text, binding)
    return Derivation(
        ownership=owned,
        failure_mode=failure_mode,
        lens=lens,
        story=story,
        ignored=ignored,
        unknown=part.unknown,
        reads=reads,
        bindings=tuple(
            BindingTrace(
                slot=slot,
                definition=definition,
                binding=first_binding[slot],
                residual=residuals[slot],
                read=slot in analysis.lens_slots,
            )
            for slot, definition in bindings.items()
        ),
        rules=part.rules,
        completions=part.completions,
        paths=part.paths,
        priors=part.priors,
        techniques=_techniques(plan, owned, analysis.threshold),
        threshold=analysis.threshold,
    )


def _one_copy(memo: dict, part: frozenset) -> frozenset:
    """One object for every equal `part` of the memo's keys (4515 derivations of 1000 plans
    name about 200 sets of bindings)."""
    copies = memo.setdefault("one copy", {})
    return copies.setdefault(part, part)


def _remember(memo: dict, key: tuple, compute, *keep):
    """`memo[key]`, computed when missing; `keep`: the objects whose ids are in `key`, held
    with the entry so that no other object can take their ids."""
    found = memo.get(key)
    if found is None:
        found = memo[key] = (compute(), keep)
    return found[0]


def _known(scope: Scope, values: Mapping[str, bool], bindings: Mapping[str, nodes.DefinitionDecl]):
    """What `logic.partial` substitutes: a fact's value, a bound slot's definition, or None."""

    def known(name: str):
        if name in values:
            return values[name]
        if name in bindings and name not in scope.facts:
            return partial(bindings[name].body, known)
        return None

    return known


def _residuals(scope: Scope, values, bindings) -> dict[str, nodes.Expr]:
    known = _known(scope, values, bindings)
    return {slot: partial(definition.body, known) for slot, definition in bindings.items()}


def _reads(scope: Scope, lens, bindings) -> frozenset[str]:
    return relevant_facts(scope, lens, bindings) if lens is not None else frozenset()


def _lens_part(scope: Scope, evaluator: Evaluator, lens, values, bindings, reads, priors) -> LensPart:
    """The rules, completions and unknown facts of `lens` on a story (the facts it reads)."""
    if lens is None:
        return LensPart((), (), (), False, ())
    known = _known(scope, values, bindings)
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
    unknown = tuple(sorted(reads - set(values)))
    in_force = {fact: p for fact, p in priors.items() if fact in unknown}
    completions, paths = _completions(evaluator, lens, diagram, in_force)
    return LensPart(rules, completions, unknown, paths, tuple(sorted(in_force.items())))


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
