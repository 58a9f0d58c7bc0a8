"""Hypothesis properties of scenario classification, each against an independent model.

- refinement monotonicity: along any random chain of refinements, an open-reading verdict
  that is determinate for an ancestor is the same for every descendant, and a descendant's
  possible verdicts and deciding facts are subsets of its ancestor's;
- probabilities: every verdict's probabilities sum to 1 and equal brute-force enumeration
  of the completions weighted by the priors (scenario priors over catalog priors, inherited
  from ancestors); outcomes and deciding facts agree with brute force too;
- the label check: the combinations it names are exactly those that reproduce every label
  by brute force, split by whether the lens is a heuristic, and a conflict it names really
  has no real combination.

The model evaluates lens rules with Kleene's logic on complete assignments, enumerating
every completion and every definition of every slot reachable from a lens: no decision
diagrams, no `slots_needed`, no inheritance code from the engine.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment_plan.syntax import nodes
from alignment_plan.analysis.scenarios import analyze_scenarios
from alignment_plan.analysis.scenarios.tables import definition_combinations
from alignment_plan.analysis.logic import kleene
from alignment_plan.analysis.resolver import Workspace, resolve
from conftest import ROOT

FACTS = (
    "training.rewarded",
    "training.output_good",
    "training.right_reasons",
    "training.deceptive",
    "training.overseer_informed",
    "training.verifiable_flaw",
    "training.reward_error",
    "training.inductive_bias",
    "deployment.bad_action",
    "deployment.approved",
    "deployment.judged_good",
    "story.mentions_cognition",
)
PROBABILITIES = ("0.01", "0.1", "0.25", "0.5", "0.7", "0.99")
LABELS = ("outer", "inner", "ambiguous")

_TEXTS: dict[str, str] = {}
_WORKSPACE = Workspace(ROOT, read=lambda path: _TEXTS[str(path.resolve())])
_COUNTER = itertools.count()


def scope_of(text: str):
    """Resolve `text` as a fresh virtual file; std is parsed once for every example."""
    path = ROOT / f"virtual-{next(_COUNTER)}.plan"  # never written to disk
    _TEXTS[str(path.resolve())] = text
    return resolve(_WORKSPACE, _WORKSPACE.module(path))


def _value(value: bool) -> str:
    return "true" if value else "false"


def scenario_text(name, facts, parent=None, label=None, priors=None) -> str:
    lines = [f'scenario {name} "{name}"' + (f" refines {parent}" if parent else "") + " {"]
    lines += [f"    {fact} = {_value(value)}" for fact, value in facts.items()]
    lines += [f"    prior {fact} = {p}" for fact, p in (priors or {}).items()]
    if label:
        lines.append(f"    label {label}")
    return "\n".join(lines + ["}"])


stories = st.dictionaries(st.sampled_from(FACTS), st.booleans(), max_size=7)
priors = st.dictionaries(st.sampled_from(FACTS), st.sampled_from(PROBABILITIES), max_size=6)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# The independent model ------------------------------------------------------------------


def inherited(chain: list[dict]) -> dict:
    """The story of the last scenario of `chain` (root first): ancestors' values win."""
    story: dict = {}
    for facts in chain:
        for fact, value in facts.items():
            story.setdefault(fact, value)
    return story


def refinement(ancestors: dict, facts: dict) -> dict:
    """`facts` without what contradicts `ancestors`: a refinement may only add facts (one
    that contradicts is an error, and its scenario is not classified)."""
    return {fact: value for fact, value in facts.items() if ancestors.get(fact, value) == value}


def consistent_chain(chain: list[dict]) -> list[dict]:
    found: list[dict] = []
    for facts in chain:
        found.append(refinement(inherited(found), facts))
    return found


def reachable(scope, exprs) -> tuple[set[str], set[str]]:
    """Facts and slots reachable from `exprs` through every definition of every slot."""
    facts, slots, pending = set(), set(), list(exprs)
    while pending:
        for ref in nodes.references(pending.pop()):
            name = ref.name.text
            if name in scope.slots and name not in scope.facts:
                if name not in slots:
                    slots.add(name)
                    pending += [d.body for d in scope.definitions_of(name)]
            else:
                facts.add(name)
    return facts, slots


def brute_outcome(lens, story, bindings, assignment, reading) -> str:
    def value_of(name):
        if name in story:
            return story[name]
        if name in bindings:
            return kleene(bindings[name].body, value_of)
        return assignment.get(name, False) if reading == "open" else False

    for rule in lens.rules:
        if kleene(rule.condition, value_of):
            return rule.verdict.text
    return "none"


def brute_verdict(scope, lens, story, bindings, reading, weights=None):
    """(outcomes, deciding facts, distribution or None) by enumerating every completion."""
    facts, _ = reachable(scope, [r.condition for r in lens.rules])
    unknown = sorted(f for f in facts if f not in story) if reading == "open" else []
    table = {}
    for values in itertools.product((False, True), repeat=len(unknown)):
        assignment = dict(zip(unknown, values))
        table[values] = brute_outcome(lens, story, bindings, assignment, reading)
    outcomes = set(table.values())
    deciding = set()
    for values, outcome in table.items():
        for index, fact in enumerate(unknown):
            flipped = values[:index] + (not values[index],) + values[index + 1:]
            if table[flipped] != outcome:
                deciding.add(fact)
    distribution = None
    if weights is not None and len(outcomes) > 1 and deciding <= set(weights):
        distribution = {}
        for values, outcome in table.items():
            p = Fraction(1)
            for fact, value in zip(unknown, values):
                q = weights.get(fact, Fraction(1, 2))  # non-deciding facts cannot matter
                p *= q if value else 1 - q
            distribution[outcome] = distribution.get(outcome, Fraction(0)) + p
    return outcomes, deciding, distribution


def brute_legacy(lens, outcomes) -> str | None:
    if len(outcomes) > 1:
        return "ambiguous"
    (outcome,) = outcomes
    for rule in lens.rules:
        if rule.verdict.text == outcome:
            return rule.legacy.text if rule.legacy else None
    return None


def cells_by_key(table) -> dict:
    return {(c.combination.lens, c.combination.bindings, c.combination.reading): c for c in table.cells}


def bindings_of(scope, key_bindings) -> dict:
    return {slot: scope.definitions[(slot, name)] for slot, name in key_bindings}


# Properties -------------------------------------------------------------------------------


@SETTINGS
@given(chain=st.lists(stories, min_size=2, max_size=4))
def test_open_verdicts_are_monotone_along_random_refinements(chain):
    chain = consistent_chain(chain)
    text = "use std\n" + "\n".join(
        scenario_text(f"s{i}", facts, f"s{i - 1}" if i else None) for i, facts in enumerate(chain)
    )
    analysis = analyze_scenarios(scope_of(text))
    tables = [cells_by_key(t) for t in analysis.tables]
    for index, table in enumerate(analysis.tables):
        assert table.story.fact_map() == inherited(chain[: index + 1])
    for a, b in itertools.combinations(range(len(chain)), 2):
        for key, ancestor in tables[a].items():
            if key[2] != "open":
                continue
            descendant = tables[b][key].verdict
            if ancestor.verdict.determinate:
                assert descendant.outcomes == ancestor.verdict.outcomes, key
            assert set(descendant.outcomes) <= set(ancestor.verdict.outcomes), key
            assert set(descendant.depends_on) <= set(ancestor.verdict.depends_on), key


@SETTINGS
@given(parent=stories, child=stories, catalog=priors, own=priors, inherited_priors=priors)
def test_probabilities_sum_to_one_and_match_brute_force(parent, child, catalog, own, inherited_priors):
    child = refinement(parent, child)
    text = "\n".join(
        ["use std"]
        + [f"prior {fact} = {p}" for fact, p in catalog.items()]
        + [scenario_text("p", parent, priors=inherited_priors), scenario_text("c", child, "p", priors=own)]
    )
    scope = scope_of(text)
    analysis = analyze_scenarios(scope)
    table = {t.story.name: t for t in analysis.tables}["c"]
    story = inherited([parent, child])
    weights = {fact: Fraction(p) for fact, p in {**catalog, **inherited_priors, **own}.items() if fact not in story}
    assert dict(table.priors) == weights
    for key, cell in cells_by_key(table).items():
        lens = scope.lenses[key[0]]
        outcomes, deciding, distribution = brute_verdict(
            scope, lens, story, bindings_of(scope, key[1]), key[2], weights
        )
        assert set(cell.verdict.outcomes) == outcomes, key
        assert set(cell.verdict.depends_on) == deciding, key
        if distribution is None:
            assert cell.verdict.probabilities is None, key
        else:
            found = dict(cell.verdict.probabilities)
            assert sum(found.values()) == 1
            assert found == distribution, key


scenario_sets = st.lists(
    st.tuples(
        stories,
        st.integers(min_value=-1, max_value=3),  # parent: an earlier scenario, or none
        st.one_of(st.none(), st.sampled_from(LABELS)),
    ),
    min_size=1,
    max_size=3,
)


@SETTINGS
@given(specs=scenario_sets)
def test_label_check_names_exactly_the_combinations_that_reproduce_every_label(specs):
    parents = [p if 0 <= p < i else None for i, (_, p, _) in enumerate(specs)]
    specs = list(specs)
    for i, (facts, p, label) in enumerate(specs):
        chain, j = [], parents[i]
        while j is not None:
            chain.append(specs[j][0])
            j = parents[j]
        specs[i] = (refinement(inherited(list(reversed(chain))), facts), p, label)
    text = "use std\n" + "\n".join(
        scenario_text(f"s{i}", facts, f"s{parents[i]}" if parents[i] is not None else None, label)
        for i, (facts, _, label) in enumerate(specs)
    )
    scope = scope_of(text)
    check = analyze_scenarios(scope).label_check
    labels = {f"s{i}": label for i, (_, _, label) in enumerate(specs) if label}
    if not labels:
        assert check is None
        return

    def story(i):
        chain = [i]
        while parents[chain[-1]] is not None:
            chain.append(parents[chain[-1]])
        return inherited([specs[j][0] for j in reversed(chain)])

    facts = {f"s{i}": story(i) for i in range(len(specs))}
    expected: dict = {}  # engine combination -> reproduces every label (by brute force)
    per_scenario: dict = {name: set() for name in labels}
    for lens in scope.lenses.values():
        engine = [tuple((d.slot.text, d.name.text) for d in c) for c in definition_combinations(scope, lens)]
        _, slots = reachable(scope, [r.condition for r in lens.rules])
        slots = sorted(slots)
        for choice in itertools.product(*[scope.definitions_of(slot) for slot in slots]):
            full = dict(zip(slots, choice))
            (restricted,) = [c for c in engine if all(full[s].name.text == d for s, d in c)]
            for reading in ("open", "closed"):
                key = (lens.name.text, lens.heuristic, restricted, reading)
                words = {
                    name: brute_legacy(lens, brute_verdict(scope, lens, facts[name], full, reading)[0])
                    for name in labels
                }
                for name in labels:
                    if words[name] == labels[name]:
                        per_scenario[name].add(key)
                verdict = all(words[name] == labels[name] for name in labels)
                assert expected.setdefault(key, verdict) == verdict, key  # unused slots cannot matter
    named = {(c.lens, c.heuristic, c.bindings, c.reading) for c in check.real + check.heuristic}
    assert named == {key for key, reproduces in expected.items() if reproduces}
    assert all(not c.heuristic for c in check.real) and all(c.heuristic for c in check.heuristic)
    assert set(check.unreproducible) == {name for name in labels if not per_scenario[name]}
    if check.real:
        assert check.conflict is None
    elif not check.unreproducible:
        assert check.conflict is not None
    if check.conflict is not None:
        common = set.intersection(*(per_scenario[name] for name in check.conflict.scenarios))
        assert not any(not heuristic for (_, heuristic, _, _) in common), check.conflict
        if check.conflict.kind == "refinement":
            ancestor, descendant = check.conflict.scenarios
            assert ancestor in _ancestors(parents, int(descendant[1:]))


def _ancestors(parents, index) -> set[str]:
    found = set()
    while parents[index] is not None:
        index = parents[index]
        found.add(f"s{index}")
    return found
