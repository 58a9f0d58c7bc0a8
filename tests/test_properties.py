"""Hypothesis properties of the language core.

- the parser (and the whole checker) is total: any text gives a module or diagnostics;
- supervaluation agrees with Kleene wherever Kleene is determinate, and with brute-force
  enumeration of every completion (outcomes and deciding facts) everywhere;
- monotonicity: adding facts never turns a determinate verdict into another;
- output is deterministic.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment_plan.syntax import nodes
from conftest import check_paths
from alignment_plan.diagnostics import Span
from alignment_plan.reporters import json_report
from alignment_plan.analysis.resolver import Scope
from alignment_plan.analysis.verdicts import Evaluator, NONE, kleene_verdict
from alignment_plan.syntax.parser import parse_module
from conftest import ROOT
from fuzz.fuzz_check import grammar_strategy

SPAN = Span("<test>", 1, 1, 1, 2)
FACTS = ("f.a", "f.b", "f.c", "f.d")
SLOT = "s"
VERDICTS = ("feedback_process", "find_and_fix", "other")


def ref(name: str) -> nodes.Reference:
    return nodes.Reference(nodes.Name(name, SPAN))


leaves = st.one_of(
    st.sampled_from(FACTS + (SLOT,)).map(ref),
    st.booleans().map(lambda v: nodes.Constant(v, SPAN)),
)
expressions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(lambda e: nodes.Not(e, SPAN)),
        st.tuples(st.sampled_from(("and", "or", "==", "!=")), inner, inner).map(
            lambda t: nodes.BinaryOp(op=t[0], left=t[1], right=t[2], span=SPAN)
        ),
    ),
    max_leaves=8,
)
lenses = st.lists(st.tuples(st.sampled_from(VERDICTS), expressions), min_size=1, max_size=3).map(
    lambda rules: nodes.LensDecl(
        name=nodes.Name("l", SPAN),
        title=nodes.Text("", SPAN),
        rules=tuple(
            nodes.LensRule(verdict=nodes.Name(v, SPAN), legacy=None, condition=c, span=SPAN) for v, c in rules
        ),
        heuristic=False,
        sources=(),
        span=SPAN,
    )
)
stories = st.dictionaries(st.sampled_from(FACTS), st.booleans())


def make_scope(slot_body: nodes.Expr | None):
    module = nodes.Module("<test>", (), (), (), ())
    scope = Scope(module=module)
    for fact in FACTS:
        scope.facts[fact] = nodes.FactDecl(nodes.Name(fact, SPAN), nodes.Text("", SPAN), SPAN)
    scope.slots[SLOT] = nodes.SlotDecl(nodes.Name(SLOT, SPAN), nodes.Text("", SPAN), SPAN)
    bindings = {}
    if slot_body is not None:
        bindings[SLOT] = nodes.DefinitionDecl(
            slot=nodes.Name(SLOT, SPAN), name=nodes.Name("d", SPAN), meaning=nodes.Text("", SPAN), body=slot_body, span=SPAN
        )
    return scope, bindings


slot_bodies = st.one_of(st.none(), expressions.filter(lambda e: SLOT not in {r.name.text for r in nodes.references(e)}))


def brute_force(lens, story, bindings):
    """Every completion of the unknown facts (and of the slot when unbound), evaluated plainly."""
    free = [f for f in FACTS if f not in story] + ([SLOT] if SLOT not in bindings else [])

    def value(expr, world):
        if isinstance(expr, nodes.Constant):
            return expr.value
        if isinstance(expr, nodes.Reference):
            name = expr.name.text
            if name == SLOT and SLOT in bindings:
                return value(bindings[SLOT].body, world)
            return world[name]
        if isinstance(expr, nodes.Not):
            return not value(expr.operand, world)
        a, b = value(expr.left, world), value(expr.right, world)
        return {"and": a and b, "or": a or b, "==": a == b, "!=": a != b}[expr.op]

    def verdict(world):
        for rule in lens.rules:
            if value(rule.condition, world):
                return rule.verdict.text
        return NONE

    table = {}
    for values in itertools.product((False, True), repeat=len(free)):
        world = dict(story, **dict(zip(free, values)))
        table[values] = verdict(world)
    deciding = set()
    for index, name in enumerate(free):
        for values, outcome in table.items():
            flipped = values[:index] + (not values[index],) + values[index + 1 :]
            if table[flipped] != outcome:
                deciding.add(name)
    return set(table.values()), deciding


@settings(max_examples=300, deadline=None)
@given(lens=lenses, story=stories, body=slot_bodies)
def test_supervaluation_matches_brute_force(lens, story, body):
    scope, bindings = make_scope(body)
    verdict = Evaluator(scope).verdict(lens, story, bindings)
    outcomes, deciding = brute_force(lens, story, bindings)
    assert set(verdict.outcomes) == outcomes
    assert set(verdict.depends_on) == deciding


@settings(max_examples=300, deadline=None)
@given(lens=lenses, story=stories, body=slot_bodies)
def test_supervaluation_agrees_with_kleene_where_kleene_is_determinate(lens, story, body):
    scope, bindings = make_scope(body)
    evaluator = Evaluator(scope)
    fast = kleene_verdict(lens, evaluator._value_of(story, bindings, "open"))
    diagram = evaluator.lens_diagram(lens, story, bindings)
    outcomes = evaluator.diagrams.leaves(diagram)
    if fast is not None:
        assert outcomes == (fast,)


@settings(max_examples=300, deadline=None)
@given(lens=lenses, story=stories, more=stories, body=slot_bodies)
def test_monotonicity_adding_facts(lens, story, more, body):
    scope, bindings = make_scope(body)
    extended = {**more, **story}  # keeps every fact of `story`, adds consistent ones
    evaluator = Evaluator(scope)
    before = evaluator.verdict(lens, story, bindings)
    after = evaluator.verdict(lens, extended, bindings)
    assert set(after.outcomes) <= set(before.outcomes)
    if before.determinate:
        assert after.outcomes == before.outcomes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_parser_is_total_on_any_text(text):
    module = parse_module("t.plan", text)
    assert isinstance(module, nodes.Module)
    for problem in module.problems:
        assert problem.span.line >= 1 and problem.span.column >= 1


plan_words = st.lists(
    st.sampled_from(
        ["use", "std", "fact", "plan", "{", "}", "(", ")", "=", "==", "not", "and", "or", "x.y", "p", '"t"', "true",
         "lens", "when", "as", "technique", "addresses", "considers", "feedback_process", "operationalize", "assume",
         ":", ",", "scenario", "refines", "prior", "0.5", "#c\n", "\n", '"\\q"', '"open']
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_words)
def test_checker_is_total_on_token_soup(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("soup") / "soup.plan"
    path.write_text(text, encoding="utf-8")
    result = check_paths([path], root=path.parent)
    assert not result.file_errors
    for diagnostic in result.diagnostics:
        assert diagnostic.span.line >= 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(grammar_strategy())
def test_grammatical_text_parses_without_problems(text):
    module = parse_module("g.plan", text)
    assert module.problems == (), (text, module.problems)


def test_output_is_deterministic():
    first = json_report.render(check_paths([ROOT / "plans", ROOT / "examples"], root=ROOT))
    second = json_report.render(check_paths([ROOT / "examples", ROOT / "plans"], root=ROOT))
    assert first == second
