"""Semantics stage, scenarios: stories with inheritance, classification tables, label check.

Consumes a resolved `Scope` and the scope's `Evaluator` (one per scope, so decision
diagrams are shared by every cell of every table) and produces plain attrs data:

* the story of every scenario: its own facts plus everything its ancestors state, with the
  refinements that contradict an ancestor and the `refines` chains that close a cycle;
* for every scenario of the checked file, the verdict of every lens under every
  combination of the catalog definitions of the slots it uses, in the open reading
  (unstated facts unknown) and the closed one (unstated facts false), with deciding facts
  and exact probabilities where priors cover them;
* the label check: which (lens, bindings, reading) combinations reproduce every label the
  file records, real categorizations apart from heuristics, and, when no real one does,
  the scenarios that make it impossible (a refinement pair where there is one).

Problems are data; `rules.scenarios` turns them into diagnostics, and the checker
converts the analysis into the result types the reporters read.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Mapping
from fractions import Fraction

import attrs

from alignment_plan.syntax import nodes
from alignment_plan.analysis.logic import BudgetExceeded
from alignment_plan.analysis.resolver import Scope
from alignment_plan.analysis.semantics import AMBIGUOUS, CLOSED, OPEN, Evaluator, Verdict, slots_needed

OUTER, INNER = "outer", "inner"
LABELS = (OUTER, INNER, AMBIGUOUS)
READINGS = (OPEN, CLOSED)


# Stories ------------------------------------------------------------------------------


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


# Classification -----------------------------------------------------------------------


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
    found: set[str] = set()
    expanded: set[str] = set()
    pending = [rule.condition for rule in lens.rules]
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


# Label check --------------------------------------------------------------------------


@attrs.frozen
class Conflict:
    """Why no real categorization reproduces a set of labels.

    `kind` is "refinement" (`scenarios` is an ancestor and its descendant), "pair" (two
    unrelated scenarios), "scenario" (one label only heuristics reproduce) or "set" (no
    smaller part of the set is to blame).
    """

    kind: str
    scenarios: tuple[str, ...]


@attrs.frozen
class LabelCheck:
    """Which combinations reproduce every label written in one file."""

    file: str
    labels: tuple[tuple[str, str], ...]  # (scenario, label) in source order, known words only
    real: tuple[Combination, ...]
    heuristic: tuple[Combination, ...]
    unreproducible: tuple[str, ...]  # scenarios whose label no combination reproduces
    conflict: Conflict | None  # set when no real combination reproduces the reproducible labels

    @property
    def consistent(self) -> bool:
        return bool(self.real)


def _reproducing_all(tables: list[Classification], labels: Mapping[str, str]) -> list[Combination]:
    if not tables:
        return []
    found = list(tables[0].reproducing(labels[tables[0].story.name]))
    for table in tables[1:]:
        allowed = set(table.reproducing(labels[table.story.name]))
        found = [combination for combination in found if combination in allowed]
    return found


def check_labels(file: str, tables: list[Classification]) -> LabelCheck | None:
    """Compare the labels of the classified scenarios with every combination.

    Only the first label of a scenario counts, and only when it is `outer`, `inner` or
    `ambiguous`. None when no scenario carries such a label.
    """
    labelled = [t for t in tables if t.story.label is not None and t.story.label.text in LABELS]
    if not labelled:
        return None
    labels = {t.story.name: t.story.label.text for t in labelled}
    reproducing = _reproducing_all(labelled, labels)
    unreproducible = tuple(t.story.name for t in labelled if not t.reproducing(labels[t.story.name]))
    checkable = [t for t in labelled if t.story.name not in unreproducible]
    conflict = None
    if checkable and not any(not c.heuristic for c in _reproducing_all(checkable, labels)):
        conflict = _conflict(checkable, labels)
    return LabelCheck(
        file=file,
        labels=tuple(labels.items()),
        real=tuple(c for c in reproducing if not c.heuristic),
        heuristic=tuple(c for c in reproducing if c.heuristic),
        unreproducible=unreproducible,
        conflict=conflict,
    )


def _conflict(tables: list[Classification], labels: Mapping[str, str]) -> Conflict:
    """The smallest part of the set that no real combination reproduces: one scenario,
    else a refinement pair (the monotone case), else any pair, else the whole set."""
    real = {
        t.story.name: {c for c in t.reproducing(labels[t.story.name]) if not c.heuristic} for t in tables
    }
    for table in tables:
        if not real[table.story.name]:
            return Conflict("scenario", (table.story.name,))
    names = [t.story.name for t in tables]
    ancestors = {t.story.name: t.story.ancestors for t in tables}
    for descendant in names:
        for ancestor in ancestors[descendant]:
            if ancestor in real and not real[ancestor] & real[descendant]:
                return Conflict("refinement", (ancestor, descendant))
    for first, second in itertools.combinations(names, 2):
        if not real[first] & real[second]:
            return Conflict("pair", (first, second))
    return Conflict("set", tuple(names))


def monotone_conflict(labels: Mapping[str, str], conflict: Conflict) -> bool:
    """True when the open reading cannot reproduce a refinement pair's labels in any lens.

    A refinement only adds facts, so in the open reading an ancestor's determinate verdict
    is also its descendant's: a determinate ancestor label and any other descendant label
    cannot both hold.
    """
    if conflict.kind != "refinement":
        return False
    ancestor, descendant = conflict.scenarios
    return labels[ancestor] != AMBIGUOUS and labels[ancestor] != labels[descendant]


# The whole analysis of one file -------------------------------------------------------


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
