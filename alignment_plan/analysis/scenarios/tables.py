"""Analysis stage, scenarios: classification tables.

For a story, the verdict of every lens under every combination of the catalog definitions
of the slots it uses, in the open reading (unstated facts unknown) and the closed one
(unstated facts false), with deciding facts and exact probabilities where priors cover them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from fractions import Fraction

import attrs

from alignment_plan.analysis.logic import BudgetExceeded
from alignment_plan.analysis.resolver import Scope
from alignment_plan.analysis.scenarios.stories import Story, catalog_priors
from alignment_plan.analysis.verdicts import AMBIGUOUS, CLOSED, Evaluator, OPEN, Verdict, slots_needed
from alignment_plan.syntax import nodes

OUTER, INNER = "outer", "inner"
LABELS = (OUTER, INNER, AMBIGUOUS)
READINGS = (OPEN, CLOSED)


@attrs.frozen
class Combination:
    """One way to categorize: a lens, a definition for each slot it uses, a reading."""

    lens: str
    heuristic: bool
    bindings: tuple[tuple[str, str], ...]
    reading: str

    def describe(self) -> str:
        parts = [f"{slot} = {definition}" for slot, definition in self.bindings] + [f"{self.reading} reading"]
        return f"{self.lens} ({', '.join(parts)})"


@attrs.frozen
class Cell:
    """One verdict of a classification table."""

    combination: Combination
    verdict: Verdict

    @property
    def legacy(self) -> str | None:
        return self.verdict.legacy_word

    def legacy_probability(self, word: str) -> Fraction | None:
        """The probability that the verdict's legacy word is `word`, when priors decide it."""
        if self.verdict.probabilities is None:
            return None
        words = dict(self.verdict.legacy)
        return sum((p for outcome, p in self.verdict.probabilities if words.get(outcome) == word), Fraction(0))


@attrs.frozen
class Classification:
    """The table of one scenario: every lens, combination and reading."""

    story: Story
    cells: tuple[Cell, ...]
    priors: tuple[tuple[str, Fraction], ...]  # the priors in force on the story's unknown facts

    def reproducing(self, label: str) -> tuple[Combination, ...]:
        return tuple(cell.combination for cell in self.cells if cell.legacy == label)


# Every combination is a column of every classification table; real lenses have a handful.
MAX_DEFINITION_COMBINATIONS = 256


def definition_combinations(scope: Scope, lens: nodes.LensDecl) -> tuple[tuple[nodes.DefinitionDecl, ...], ...]:
    """Every way to bind the slots `lens` uses to definitions visible in `scope`.

    A definition may itself use another slot, which is then bound too; a slot without
    any definition stays unbound (its value is unknown in every completion). Raises
    `BudgetExceeded` past `MAX_DEFINITION_COMBINATIONS`.
    """
    done: list[tuple[nodes.DefinitionDecl, ...]] = []
    pending: deque[tuple[nodes.DefinitionDecl, ...]] = deque([()])
    while pending:
        combination = pending.popleft()
        bound = {d.slot.text: d for d in combination}
        free = [slot for slot in slots_needed(scope, lens, bound) if slot not in bound and scope.definitions_of(slot)]
        if not free:
            done.append(combination)
            continue
        pending += [combination + (definition,) for definition in scope.definitions_of(free[0])]
        if len(done) + len(pending) > MAX_DEFINITION_COMBINATIONS:
            raise BudgetExceeded(
                f"lens `{lens.name.text}` has more than {MAX_DEFINITION_COMBINATIONS} combinations of definitions"
            )
    return tuple(done)


def relevant_facts(scope: Scope, lens: nodes.LensDecl, bindings: Mapping[str, nodes.DefinitionDecl]) -> frozenset[str]:
    """The facts a lens can read under `bindings`: its verdict on a story depends on these only."""
    return facts_read(scope, [rule.condition for rule in lens.rules], bindings)


def facts_read(scope: Scope, expressions, bindings: Mapping[str, nodes.DefinitionDecl]) -> frozenset[str]:
    """The facts `expressions` read, through the definitions `bindings` gives their slots."""
    found: set[str] = set()
    expanded: set[str] = set()
    pending = list(expressions)
    while pending:
        for ref in nodes.references(pending.pop()):
            name = ref.name.text
            if name in scope.slots and name not in scope.facts:
                if name in bindings and name not in expanded:
                    expanded.add(name)
                    pending.append(bindings[name].body)
            else:
                found.add(name)
    return frozenset(found)


def classify(
    scope: Scope,
    evaluator: Evaluator,
    story: Story,
    priors: Mapping[str, Fraction] | None = None,
    memo: dict | None = None,
) -> Classification:
    """The verdict of every lens in scope on `story`, under every combination, both readings.

    `memo`, shared across the stories of one scope, reuses a verdict for every story that
    agrees on the facts (and priors) the lens can read: refinement families and survey
    files repeat those a lot.
    """
    in_force = dict(priors if priors is not None else catalog_priors(scope))
    in_force.update(story.priors)
    facts = story.fact_map()
    in_force = {fact: p for fact, p in in_force.items() if fact not in facts}
    memo = {} if memo is None else memo
    cells = []
    for lens in scope.lenses.values():
        for combination in definition_combinations(scope, lens):
            bindings = {d.slot.text: d for d in combination}
            names = tuple((d.slot.text, d.name.text) for d in combination)
            relevant = relevant_facts(scope, lens, bindings)
            known = tuple(sorted((f, v) for f, v in facts.items() if f in relevant))
            weighed = {f: p for f, p in in_force.items() if f in relevant}
            for reading in READINGS:
                key = (lens.name.text, names, reading, known, tuple(sorted(weighed.items())))
                verdict = memo.get(key)
                if verdict is None:
                    verdict = memo[key] = evaluator.verdict(lens, dict(known), bindings, reading, weighed or None)
                combo = Combination(lens=lens.name.text, heuristic=lens.heuristic, bindings=names, reading=reading)
                cells.append(Cell(combo, verdict))
    return Classification(story=story, cells=tuple(cells), priors=tuple(sorted(in_force.items())))
