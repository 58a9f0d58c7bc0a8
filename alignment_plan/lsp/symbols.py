"""LSP, names: every name written in a module, what it names, and where that is declared.

Consumes a parsed module and its resolved scope; produces `Occurrence`s (a name, the kind
and key of what it names, whether it declares it, the plan around it) that hover, go to
definition, find references and rename-free navigation share.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from alignment_plan.analysis.resolver import Scope
from alignment_plan.syntax import nodes

FACT, SLOT, DEFINITION, FAILURE_MODE = "fact", "slot", "definition", "failure_mode"
LENS, PLAN, SCENARIO, TECHNIQUE = "lens", "plan", "scenario", "technique"


@attrs.frozen
class Occurrence:
    name: nodes.Name
    kind: str
    key: str | tuple[str, str]  # (slot, name) for a definition
    declares: bool = False
    plan: nodes.PlanDecl | None = None  # the plan the name is written in


def occurrences(module: nodes.Module, scope: Scope) -> list[Occurrence]:
    """Every name in `module` that names a declaration, in source order."""
    found: list[Occurrence] = []
    for decl in module.declarations:
        found += _in_declaration(decl, scope)
    return sorted(found, key=lambda o: o.name.span)


def _expression(expr: nodes.Expr, scope: Scope) -> Iterator[Occurrence]:
    for ref in nodes.references(expr):
        text = ref.name.text
        kind = SLOT if text in scope.slots and text not in scope.facts else FACT
        yield Occurrence(ref.name, kind, text)


def _stated(facts) -> Iterator[Occurrence]:
    for value in facts:
        yield Occurrence(value.fact, FACT, value.fact.text)


def _in_declaration(decl, scope: Scope) -> Iterator[Occurrence]:
    if isinstance(decl, nodes.FactDecl):
        yield Occurrence(decl.name, FACT, decl.name.text, declares=True)
    elif isinstance(decl, nodes.SlotDecl):
        yield Occurrence(decl.name, SLOT, decl.name.text, declares=True)
    elif isinstance(decl, nodes.DefinitionDecl):
        yield Occurrence(decl.slot, SLOT, decl.slot.text)
        yield Occurrence(decl.name, DEFINITION, (decl.slot.text, decl.name.text), declares=True)
        yield from _expression(decl.body, scope)
    elif isinstance(decl, nodes.FailureModeDecl):
        yield Occurrence(decl.name, FAILURE_MODE, decl.name.text, declares=True)
        yield from _stated(decl.facts)
    elif isinstance(decl, nodes.LensDecl):
        yield Occurrence(decl.name, LENS, decl.name.text, declares=True)
        for rule in decl.rules:
            yield from _expression(rule.condition, scope)
    elif isinstance(decl, nodes.ScenarioDecl):
        yield Occurrence(decl.name, SCENARIO, decl.name.text, declares=True)
        if decl.parent is not None:
            yield Occurrence(decl.parent, SCENARIO, decl.parent.text)
        yield from _stated(decl.facts)
        for prior in decl.priors:
            yield Occurrence(prior.fact, FACT, prior.fact.text)
    elif isinstance(decl, nodes.Prior):
        yield Occurrence(decl.fact, FACT, decl.fact.text)
    elif isinstance(decl, nodes.PlanDecl):
        yield from _in_plan(decl)


def _in_plan(plan: nodes.PlanDecl) -> Iterator[Occurrence]:
    def mode(name: nodes.Name) -> Occurrence:
        return Occurrence(name, FAILURE_MODE, name.text, plan=plan)

    yield Occurrence(plan.name, PLAN, plan.name.text, declares=True, plan=plan)
    for binding in plan.bindings:
        yield Occurrence(binding.slot, SLOT, binding.slot.text, plan=plan)
        yield Occurrence(binding.definition, DEFINITION, (binding.slot.text, binding.definition.text), plan=plan)
    for assumption in plan.assumptions:
        yield from map(mode, assumption.failure_modes)
        yield Occurrence(assumption.fact.fact, FACT, assumption.fact.fact.text, plan=plan)
    for _, technique in plan.techniques():
        yield Occurrence(technique.name, TECHNIQUE, technique.name.text, declares=True, plan=plan)
        yield from map(mode, technique.addresses + technique.backs_up)
    yield from map(mode, plan.considers or ())
    for entry in plan.out_of_scope:
        yield mode(entry.failure_mode)


def occurrence_at(found: list[Occurrence], line: int, column: int) -> Occurrence | None:
    """The name under the cursor: a cursor just after a name's last character still counts."""
    for occurrence in found:
        span = occurrence.name.span
        if span.line == line and span.column <= column <= span.end_column:
            return occurrence
    return None


def declaration(scope: Scope, occurrence: Occurrence):
    """The declaration node the occurrence names, when visible."""
    if occurrence.kind == TECHNIQUE:
        plan = occurrence.plan
        return next((t for _, t in plan.techniques() if t.name.text == occurrence.key), None) if plan else None
    table = {
        FACT: scope.facts,
        SLOT: scope.slots,
        DEFINITION: scope.definitions,
        FAILURE_MODE: scope.failure_modes,
        LENS: scope.lenses,
        PLAN: scope.plans,
        SCENARIO: scope.scenarios,
    }[occurrence.kind]
    return table.get(occurrence.key)


def declared_name(decl) -> nodes.Name:
    """The name a declaration node declares (a prior declares its fact)."""
    return decl.fact if isinstance(decl, nodes.Prior) else decl.name
