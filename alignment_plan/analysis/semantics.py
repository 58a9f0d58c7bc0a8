"""Analysis stage: owners and coverage of plans.

Consumes a resolved `Scope` and the scope's `Evaluator` (`verdicts`); produces a
`PlanAnalysis` per plan (plain attrs data): the bindings and assumptions in force, the
owner of each failure mode the plan considers under the ownership lens, and whether the
owning steps cover it, by technique status.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from alignment_plan.syntax import nodes
from alignment_plan.analysis.resolver import Scope, suggest
from alignment_plan.analysis.verdicts import NONE, Evaluator, Verdict, slots_needed
from alignment_plan.vocabulary import DEFAULT_THRESHOLD, OPERATIONALIZE, OWNERSHIP_LENS, OWNING_STEPS, STATUSES


@attrs.frozen
class Contradiction:
    """An assumption that contradicts a fact its failure mode states."""

    assumption: nodes.Assumption
    stated: nodes.FactValue
    failure_mode: str


@attrs.frozen
class AssumptionClash:
    """Two `assume` lines on the same fact of the same failure mode.

    `conflict` when they give it different values (then neither is applied: the fact stays
    unknown, since nothing says which one the plan means); a duplicate otherwise."""

    failure_mode: str
    first: nodes.Assumption
    second: nodes.Assumption

    @property
    def conflict(self) -> bool:
        return self.first.fact.value != self.second.fact.value


def assumption_clashes(plan: nodes.PlanDecl) -> tuple[AssumptionClash, ...]:
    seen: dict[tuple[str, str], nodes.Assumption] = {}
    clashes = []
    for assumption in plan.assumptions:
        for name in dict.fromkeys(n.text for n in assumption.failure_modes):
            key = (name, assumption.fact.fact.text)
            first = seen.setdefault(key, assumption)
            if first is not assumption:
                clashes.append(AssumptionClash(name, first, assumption))
    return tuple(clashes)


def applied_assumptions(plan: nodes.PlanDecl, failure_mode: str) -> list[nodes.Assumption]:
    """The assumptions that settle facts of `failure_mode`: one per fact, none for a fact
    assumed both ways."""
    contested = {
        clash.first.fact.fact.text for clash in assumption_clashes(plan) if clash.failure_mode == failure_mode and clash.conflict
    }
    applied: dict[str, nodes.Assumption] = {}
    for assumption in plan.assumptions:
        fact = assumption.fact.fact.text
        if assumption.settles(failure_mode) and fact not in contested:
            applied.setdefault(fact, assumption)
    return list(applied.values())


@attrs.frozen
class Ownership:
    failure_mode: str
    title: str
    verdict: Verdict | None
    owner: str
    possible_owners: tuple[str, ...]
    depends_on: tuple[str, ...]
    covered: bool
    covered_by: tuple[str, ...]
    missing_in: tuple[str, ...]
    out_of_scope: nodes.OutOfScope | None
    span: nodes.Span | None
    covered_from: str | None = None  # the highest status threshold at which it is covered
    backed_up_by: tuple[str, ...] = ()  # techniques backing it up outside its possible owners

    @property
    def probabilities(self) -> tuple[tuple[str, Fraction], ...] | None:
        """Exact probability of each possible owner under the priors in scope, when they decide it."""
        return self.verdict.probabilities if self.verdict is not None else None


@attrs.frozen
class PlanAnalysis:
    plan: nodes.PlanDecl
    bindings: tuple[tuple[str, str], ...]
    unbound: tuple[str, ...]
    contradictions: tuple[Contradiction, ...]
    lens: nodes.LensDecl | None
    ownership: tuple[Ownership, ...]
    threshold: str
    lens_slots: tuple[str, ...] = ()  # slots the ownership lens reads, directly or through bound definitions
    # Slots whose binding names something undefined (AP103/AP104 report it): their
    # consequences (unbound slot, uncovered or open owners) are not reported again.
    broken_slots: tuple[str, ...] = ()
    clashes: tuple[AssumptionClash, ...] = ()

    def broken(self, owned: Ownership) -> bool:
        """Whether an owner depends on a slot left unbound by a typo in its binding."""
        return any(name in self.broken_slots for name in owned.depends_on)

    @property
    def unread_bindings(self) -> tuple[tuple[str, str], ...]:
        """Bindings of slots the ownership lens does not read: they change no owner."""
        return tuple((slot, definition) for slot, definition in self.bindings if slot not in self.lens_slots)

    @property
    def counted(self) -> tuple[Ownership, ...]:
        """The failure modes that count toward coverage: all but those declared out of scope."""
        return tuple(o for o in self.ownership if o.out_of_scope is None)

    @property
    def covered(self) -> int:
        return sum(1 for o in self.counted if o.covered)

    @property
    def total(self) -> int:
        return len(self.counted)

    def covered_at(self, status: str) -> int:
        """How many counted failure modes are covered when techniques count from `status`."""
        rank = STATUSES.index(status)
        return sum(1 for o in self.counted if o.covered_from is not None and STATUSES.index(o.covered_from) >= rank)


def status_rank(technique: nodes.Technique) -> int:
    if technique.status is None or technique.status.text not in STATUSES:
        return 0
    return STATUSES.index(technique.status.text)


def plan_bindings(scope: Scope, plan: nodes.PlanDecl) -> dict[str, nodes.DefinitionDecl]:
    bound = {}
    for binding in plan.bindings:
        definition = scope.definitions.get((binding.slot.text, binding.definition.text))
        if definition is not None and binding.slot.text not in bound:
            bound[binding.slot.text] = definition
    return bound


def considered_failure_modes(scope: Scope, plan: nodes.PlanDecl) -> list[str]:
    """`considers` plus whatever the plan addresses or scopes out; everything if absent."""
    names = [n.text for n in plan.considers] if plan.considers is not None else list(scope.failure_modes)
    extra = [n.text for _, t in plan.techniques() for n in t.addresses + t.backs_up]
    extra += [entry.failure_mode.text for entry in plan.out_of_scope]
    for name in extra:
        if name not in names:
            names.append(name)
    return [name for name in names if name in scope.failure_modes]


def story_of(
    failure_mode: nodes.FailureModeDecl, assumptions, contradictions: list[Contradiction]
) -> dict[str, bool]:
    story = {value.fact.text: value.value for value in failure_mode.facts}
    stated = {value.fact.text: value for value in failure_mode.facts}
    for assumption in assumptions:
        fact = assumption.fact.fact.text
        if fact in stated and stated[fact].value != assumption.fact.value:
            contradictions.append(Contradiction(assumption, stated[fact], failure_mode.name.text))
            continue
        story[fact] = assumption.fact.value
    return story


def best_status(techniques) -> str | None:
    """The most mature status among `techniques` (an unknown or missing status counts as research)."""
    return STATUSES[max(status_rank(t) for t in techniques)] if techniques else None


def covered_from(owners: tuple[str, ...], techniques: Mapping[str, list], scoped_out: bool) -> str | None:
    """The highest status threshold at which every possible owner has a technique, or None.

    Coverage is monotone in the threshold: covered at a status means covered at every
    lower one, so this one word gives the coverage at every threshold.
    """
    levels = []
    for outcome in owners:
        if outcome == NONE and scoped_out:
            continue
        found = best_status(techniques.get(outcome, []))
        if found is None:
            return None
        levels.append(STATUSES.index(found))
    return STATUSES[min(levels)] if levels else None


def analyze_plan(
    scope: Scope,
    plan: nodes.PlanDecl,
    threshold: str = DEFAULT_THRESHOLD,
    evaluator: Evaluator | None = None,
    priors: Mapping[str, Fraction] | None = None,
) -> PlanAnalysis:
    """Owners and coverage of every failure mode the plan considers.

    `priors` (the top-level `prior` lines in scope) weigh the completions of an open owner:
    each possible owner then has an exact probability.
    """
    evaluator = evaluator or Evaluator(scope)
    bindings = plan_bindings(scope, plan)
    lens = scope.lenses.get(OWNERSHIP_LENS)
    minimum = STATUSES.index(threshold)
    contradictions: list[Contradiction] = []
    scoped_out = {entry.failure_mode.text: entry for entry in plan.out_of_scope}
    # The plan's techniques by (step, failure mode addressed), in source order.
    addressing: dict[tuple[str, str], list[nodes.Technique]] = {}
    for kind, technique in plan.techniques():
        for addressed in dict.fromkeys(a.text for a in technique.addresses):
            addressing.setdefault((kind, addressed), []).append(technique)
    ownership = []
    for name in considered_failure_modes(scope, plan):
        failure_mode = scope.failure_modes[name]
        assumptions = applied_assumptions(plan, name)
        story = story_of(failure_mode, assumptions, contradictions)
        if lens is None:
            verdict, outcomes = None, ()
        else:
            weighed = {fact: p for fact, p in (priors or {}).items() if fact not in story}
            verdict = evaluator.verdict(lens, story, bindings, priors=weighed or None)
            outcomes = verdict.outcomes
        techniques = {step: addressing.get((step, name), []) for step in OWNING_STEPS}
        covered_by, missing = [], []
        for outcome in outcomes:
            qualifying = [t.name.text for t in techniques.get(outcome, []) if status_rank(t) >= minimum]
            if qualifying:
                covered_by += [t for t in qualifying if t not in covered_by]
            elif not (outcome == NONE and name in scoped_out):
                missing.append(outcome)
        if not outcomes:
            owner = NONE
        elif len(outcomes) == 1:
            owner = outcomes[0]
        else:
            owner = OPERATIONALIZE
        ownership.append(
            Ownership(
                failure_mode=name,
                title=failure_mode.title.value,
                verdict=verdict,
                owner=owner,
                possible_owners=outcomes,
                depends_on=verdict.depends_on if verdict else (),
                covered=bool(outcomes) and not missing,
                covered_by=tuple(covered_by),
                missing_in=tuple(missing),
                out_of_scope=scoped_out.get(name),
                span=failure_mode.span,
                covered_from=covered_from(outcomes, techniques, name in scoped_out),
                backed_up_by=tuple(
                    t.name.text
                    for kind, t in plan.techniques()
                    if kind not in outcomes and any(b.text == name for b in t.backs_up)
                ),
            )
        )
    needed = slots_needed(scope, lens, bindings) if lens else ()
    broken = broken_slots(scope, plan)
    return PlanAnalysis(
        plan=plan,
        bindings=tuple((slot, d.name.text) for slot, d in bindings.items()),
        unbound=tuple(slot for slot in needed if slot not in bindings and slot not in broken),
        contradictions=tuple(contradictions),
        lens=lens,
        ownership=tuple(ownership),
        threshold=threshold,
        lens_slots=needed,
        broken_slots=tuple(slot for slot in broken if slot not in bindings),
        clashes=assumption_clashes(plan),
    )


def broken_slots(scope: Scope, plan: nodes.PlanDecl) -> tuple[str, ...]:
    """Slots a binding meant but could not bind: a definition the slot does not have, or a
    misspelt slot name (the slot it most resembles)."""
    found = []
    for binding in plan.bindings:
        slot = binding.slot.text
        if slot not in scope.slots:
            slot = suggest(slot, scope.slots)
        elif (slot, binding.definition.text) in scope.definitions:
            continue
        if slot is not None and slot not in found:
            found.append(slot)
    return tuple(found)
